"""Working time and answer deadlines per channel, in the region's production calendar.

Social networks: a first answer within 8 working hours (4 for high importance; 9
in Sevastopol, whose regulation says so), a final one by the end of the 7th working
day after the day of receipt. The «Решаем вместе» platform: the same first answer,
a final one within 30 calendar days. First (interim) and final answers are separate
clocks. The clock runs inside working hours (default Mon–Fri 9:00–18:00 local) of
the production calendar: Russia's holidays and transfers (working Saturdays,
transferred days off) and the region's own days off (app/region/calendar.py), plus
the centre's extra days off and extra working days from the settings. A message is
overdue when its deadline lies strictly before the moment of the check.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from app.common.timeutil import as_utc, local_zone
from app.region import Region
from app.region.calendar import FEDERAL, is_working_day
from app.settings import Settings

SOCIAL, PLATFORM = "social", "platform"
PLATFORM_SOURCES = frozenset({"pos", "gosuslugi", "platform"})  # «Госуслуги. Решаем вместе»
# Regions whose published regulation sets another first-answer time (working hours, normal importance).
REGION_FIRST_HOURS: dict[str, float] = {"RU-SEV": 9}
DEFAULT_FIRST_HOURS = 8
_DAY = timedelta(days=1)
_MAX_DAYS = 3660  # a calendar without working days must not loop forever


def channel_of(source: str | None) -> str:
    """The deadline channel of a message source: the platform «Решаем вместе» or social networks."""
    return PLATFORM if (source or "").strip().lower() in PLATFORM_SOURCES else SOCIAL


@dataclass(frozen=True)
class WorkCalendar:
    """Working hours (local), weekdays (0 = Monday), days off and working days, and the deadline rules.

    ``production``: the subject code whose production calendar applies (``"RU"``: the federal one),
    None for plain weekdays. ``holidays``/``extra_workdays``: the centre's own overrides. ``zone``:
    the IANA zone of the working hours (None: the centre's local zone).
    """

    day_start: time = time(9)
    day_end: time = time(18)
    workdays: frozenset[int] = frozenset(range(5))
    holidays: frozenset[date] = field(default_factory=frozenset)
    first_hours: float = DEFAULT_FIRST_HOURS
    first_hours_high: float = 4
    final_days: int = 7
    extra_workdays: frozenset[date] = field(default_factory=frozenset)
    production: str | None = None
    platform_final_days: int = 30
    zone: str | None = None

    def is_workday(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if day in self.extra_workdays:
            return True
        if self.production is not None:
            return is_working_day(self.production, day, self.workdays)
        return day.weekday() in self.workdays

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone) if self.zone else local_zone()

    def interval(self, day: date) -> tuple[datetime, datetime]:
        """Opening and closing of ``day`` as aware local datetimes."""
        tz = self.tz
        return datetime.combine(day, self.day_start, tz), datetime.combine(day, self.day_end, tz)

    def first_seconds(self, importance: str) -> int:
        return int(3600 * (self.first_hours_high if importance == "high" else self.first_hours))


def calendar_from(settings: Settings, region: Region | None = None) -> WorkCalendar:
    """The working calendar of a centre: its settings over the region's production calendar and rules.

    The first-answer time of the settings applies when changed from the default; otherwise the
    region's regulation (Sevastopol: 9 working hours) or the default.
    """
    first = float(settings.first_answer_hours)
    if region is not None and first == DEFAULT_FIRST_HOURS:
        first = REGION_FIRST_HOURS.get(region.code, first)
    return WorkCalendar(
        day_start=_hour(settings.work_start_hour), day_end=_hour(settings.work_end_hour),
        holidays=_dates(settings.holidays), first_hours=first, first_hours_high=settings.first_answer_hours_high,
        final_days=settings.final_answer_days, extra_workdays=_dates(settings.workdays),
        production=region.code if region is not None else FEDERAL,
        platform_final_days=settings.platform_final_days, zone=region.zones[0] if region is not None else None)


def _dates(values: tuple[str, ...]) -> frozenset[date]:
    return frozenset(date.fromisoformat(value) for value in values)


def _hour(hour: int) -> time:
    return time.max if hour >= 24 else time(hour)


def _local(cal: WorkCalendar, moment: datetime) -> datetime:
    return as_utc(moment).astimezone(cal.tz)


def _workdays_from(cal: WorkCalendar, day: date, step: int) -> Iterator[date]:
    """Working days starting at ``day``, going forward (step 1) or back (step -1)."""
    for n in range(_MAX_DAYS):
        current = day + step * n * _DAY
        if cal.is_workday(current):
            yield current
    raise ValueError("в календаре нет рабочих дней")


def add_working_time(cal: WorkCalendar, start: datetime, seconds: int) -> datetime:
    """The first moment when ``seconds`` of working time have passed since ``start`` (aware UTC)."""
    begin, remaining = _local(cal, start), timedelta(seconds=seconds)
    for day in _workdays_from(cal, begin.date(), 1):
        opening, closing = cal.interval(day)
        from_ = max(begin, opening)
        if from_ < closing:
            if remaining <= closing - from_:
                return (from_ + remaining).astimezone(UTC)
            remaining -= closing - from_
    raise AssertionError("unreachable")


def first_due(cal: WorkCalendar, published: datetime, importance: str = "normal", channel: str = SOCIAL) -> datetime:
    """Deadline of the first (interim) answer: the same working-hours rule on every channel."""
    del channel
    return add_working_time(cal, published, cal.first_seconds(importance))


def final_due(cal: WorkCalendar, published: datetime, channel: str = SOCIAL) -> datetime:
    """Deadline of the final answer: closing of the N-th working day after the day of receipt (social
    networks), or the end of the N-th calendar day after it (the platform)."""
    received = _local(cal, published).date()
    if channel == PLATFORM:
        return datetime.combine(received + (cal.platform_final_days + 1) * _DAY, time(0), cal.tz).astimezone(UTC)
    day = next(islice(_workdays_from(cal, received + _DAY, 1), cal.final_days - 1, None))
    return cal.interval(day)[1].astimezone(UTC)


def is_overdue(cal: WorkCalendar, published: datetime, importance: str, first_answer: datetime | None,
               final_answer: datetime | None, at: datetime, channel: str = SOCIAL) -> bool:
    """Whether a message still lacks an answer whose deadline is already behind ``at``."""
    late_first = first_answer is None and first_due(cal, published, importance, channel) < as_utc(at)
    return late_first or (final_answer is None and final_due(cal, published, channel) < as_utc(at))


def _previous_closing(cal: WorkCalendar, opening: datetime) -> datetime:
    day = next(_workdays_from(cal, opening.date() - _DAY, -1))
    return cal.interval(day)[1]


def _level_set(cal: WorkCalendar, at: datetime, seconds: int) -> tuple[datetime, datetime]:
    """Earliest and latest moment from which ``at`` is exactly ``seconds`` of working time away."""
    end, remaining = _local(cal, at), timedelta(seconds=seconds)
    for day in _workdays_from(cal, end.date(), -1):
        opening, closing = cal.interval(day)
        until = min(end, closing)
        if until > opening:
            if remaining < until - opening:
                return until - remaining, until - remaining
            if remaining == until - opening:
                return _previous_closing(cal, opening), opening
            remaining -= until - opening
    raise AssertionError("unreachable")


def _in_working_interior(cal: WorkCalendar, at: datetime) -> bool:
    local = _local(cal, at)
    opening, closing = cal.interval(local.date())
    return cal.is_workday(local.date()) and opening < local <= closing


def first_cutoff(cal: WorkCalendar, at: datetime, importance: str = "normal") -> tuple[datetime, bool]:
    """(bound, inclusive): the first answer is overdue at ``at`` iff published < bound (or == when inclusive)."""
    low, high = _level_set(cal, at, cal.first_seconds(importance))
    if _in_working_interior(cal, at):
        return low.astimezone(UTC), False
    return high.astimezone(UTC), True


def final_cutoff(cal: WorkCalendar, at: datetime, channel: str = SOCIAL) -> datetime:
    """The final answer is overdue at ``at`` iff published before this local midnight."""
    due: Callable[[datetime], datetime] = lambda moment: final_due(cal, moment, channel)  # noqa: E731
    day = _local(cal, at).date()
    for _ in range(_MAX_DAYS):
        if due(datetime.combine(day, time(12), cal.tz)) < as_utc(at):
            return datetime.combine(day + _DAY, time(0), cal.tz).astimezone(UTC)
        day -= _DAY
    raise ValueError("в календаре нет рабочих дней")


def calendar_to_json(cal: WorkCalendar) -> str:
    data = {f.name: getattr(cal, f.name) for f in fields(cal)}
    data.update(day_start=cal.day_start.strftime("%H:%M"), day_end=cal.day_end.strftime("%H:%M"),
                workdays=sorted(cal.workdays), holidays=sorted(d.isoformat() for d in cal.holidays),
                extra_workdays=sorted(d.isoformat() for d in cal.extra_workdays))
    return json.dumps(data)


def calendar_from_json(text: str) -> WorkCalendar:
    """A stored calendar; fields added later (production calendar, platform rule) keep their defaults."""
    data = json.loads(text)
    return WorkCalendar(
        time.fromisoformat(data["day_start"]), time.fromisoformat(data["day_end"]), frozenset(data["workdays"]),
        frozenset(date.fromisoformat(d) for d in data["holidays"]), data["first_hours"],
        data["first_hours_high"], data["final_days"],
        frozenset(date.fromisoformat(d) for d in data.get("extra_workdays", ())), data.get("production"),
        data.get("platform_final_days", 30), data.get("zone"))
