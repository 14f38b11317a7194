"""The production calendar of a federal subject: Russia's holidays and transfers plus the region's own.

Federal days off, transferred days off and working Saturdays come from the
``holidays`` package (it carries the government's transfer decrees through 2027:
27.04.2024, 02.11.2024, 28.12.2024, 01.11.2025 and 20.02.2027 are working
Saturdays). Regional non-working days are those of standing regional laws, as
collected with their sources by the jollyday project (Holidays_ru.xml):

- Tatarstan (law 1448-XII of 19.02.1992, 2016 wording): 30 August, 6 November, Uraza Bayram,
  Kurban Bayram; no substitute day when one falls on a weekend.
- Bashkortostan (law ВС-10/21 of 27.02.1992): 11 October, Uraza Bayram, Kurban Bayram;
  a Saturday or Sunday moves to the Monday.
- Belgorod Oblast (law 462 of 30.04.2020): 12 July; Chuvashia (law 4 of 04.05.2000): 24 June;
  Kalmykia (law 156-III-З of 13.10.2004): 5 July and 28 December — each moves to the Monday.
- North Ossetia (law 61-РЗ of 02.10.2018): Djeorguyba, the last Monday before 25 November.
- Krasnodar (law 4909-кз of 02.06.2023), Stavropol (60-кз of 23.06.2016), Penza (2700-ЗПО of
  10.04.2015) and Saratov (26-ЗСО of 22.03.2012): Radonitsa, the 9th day after Orthodox Easter.

The Islamic feasts are the computed first days (the republics' annual decrees announced
the same dates in the years checked). Regional days that only some employers observe
(Yakutia's 27 April and 21 June: government bodies only) and feasts set by annual decree
alone (Eid in the North Caucasus, Sagaalgan) are left to the centre's own settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.easter import EASTER_ORTHODOX, easter
from holidays.calendars.islamic import _IslamicLunar

FEDERAL = "RU"


def _eid(which: str) -> Callable[[int], list[date]]:
    def days(year: int) -> list[date]:
        found = getattr(_IslamicLunar(), f"eid_al_{which}_dates")(year)
        return [day for day, _estimated in found if day.year == year]
    return days


def _fixed(month: int, day: int) -> Callable[[int], list[date]]:
    return lambda year: [date(year, month, day)]


def _radonitsa(year: int) -> list[date]:
    return [easter(year, EASTER_ORTHODOX) + timedelta(days=9)]


def _djeorguyba(year: int) -> list[date]:
    before = date(year, 11, 24)
    return [before - timedelta(days=before.weekday())]


@dataclass(frozen=True)
class RegionalRule:
    """A regional day off and whether a weekend occurrence moves to the next Monday."""

    days: Callable[[int], list[date]]
    to_monday: bool = True


REGIONAL: dict[str, tuple[RegionalRule, ...]] = {
    "RU-TA": (RegionalRule(_fixed(8, 30), False), RegionalRule(_fixed(11, 6), False),
              RegionalRule(_eid("fitr"), False), RegionalRule(_eid("adha"), False)),
    "RU-BA": (RegionalRule(_fixed(10, 11)), RegionalRule(_eid("fitr")), RegionalRule(_eid("adha"))),
    "RU-BEL": (RegionalRule(_fixed(7, 12)),),
    "RU-CU": (RegionalRule(_fixed(6, 24)),),
    "RU-KL": (RegionalRule(_fixed(7, 5)), RegionalRule(_fixed(12, 28))),
    "RU-SE": (RegionalRule(_djeorguyba),),
    "RU-KDA": (RegionalRule(_radonitsa),),
    "RU-STA": (RegionalRule(_radonitsa),),
    "RU-PNZ": (RegionalRule(_radonitsa),),
    "RU-SAR": (RegionalRule(_radonitsa),),
}


@dataclass(frozen=True)
class YearCalendar:
    """One year of one subject: non-working dates and working weekend dates."""

    days_off: frozenset[date]
    working_weekends: frozenset[date]


def _moved(day: date, taken: set[date]) -> date:
    """A weekend day off moves to the next Monday, or the first weekday after it not already off."""
    day += timedelta(days=7 - day.weekday())
    while day in taken or day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _regional(code: str, year: int, federal: set[date]) -> Iterator[date]:
    """The subject's own days off falling in ``year`` (a late-December one may move into January)."""
    for rule in REGIONAL.get(code, ()):
        for day in (d for y in (year - 1, year) for d in rule.days(y)):
            moved = _moved(day, federal) if rule.to_monday and day.weekday() >= 5 else day
            if moved.year == year:
                yield moved


@lru_cache(maxsize=256)
def year_calendar(code: str, year: int) -> YearCalendar:
    """Days off (federal holidays, transferred days off, the region's own) and working weekends of a year."""
    federal = holidays.country_holidays("RU", years=(year - 1, year))
    off = set(federal)
    off |= set(_regional(code, year, off))
    working = frozenset(day for day in federal.weekend_workdays if day.year == year)
    return YearCalendar(frozenset(d for d in off if d.year == year), working)


def is_working_day(code: str, day: date, weekdays: frozenset[int] = frozenset(range(5))) -> bool:
    """Whether ``day`` is worked in subject ``code`` (``FEDERAL`` for the federal calendar alone)."""
    year = year_calendar(code, day.year)
    if day in year.days_off:
        return False
    return day in year.working_weekends or day.weekday() in weekdays


def regional_days_off(code: str, year: int) -> tuple[date, ...]:
    """The subject's own non-working dates of a year (after moving weekend ones), sorted."""
    federal = set(year_calendar(FEDERAL, year - 1).days_off | year_calendar(FEDERAL, year).days_off)
    return tuple(sorted(set(_regional(code, year, federal))))
