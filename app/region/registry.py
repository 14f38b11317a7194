"""The region profile: which federal subject a centre serves, in its names, zones and place.

``region(code)`` gives the profile of one subject; ``find_region`` accepts any of its
names («Якутия», «Республика Саха (Якутия)», «RU-SA», «sa»). Nothing else in the
product may name a particular region: the demo's data is the only exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

from app.region.subjects import SUBJECTS, ZONE_MUNICIPALITIES

# A subject's view when neither the boundary file nor a pack gives its bounds: this far around the capital.
FALLBACK_MARGIN_DEGREES = 2.0


class UnknownRegionError(KeyError):
    """No federal subject has that code or name; ``str()`` is a Russian sentence."""

    def __str__(self) -> str:
        return f"Неизвестный регион «{self.args[0]}»: укажите код вида RU-KDA или название субъекта"


@dataclass(frozen=True)
class Region:
    """One federal subject as the product uses it."""

    code: str
    name: str
    official: str
    iso: str | None
    zones: tuple[str, ...]
    capital: str
    capital_lat: float
    capital_lon: float
    short_names: tuple[str, ...]

    @property
    def zone(self) -> ZoneInfo:
        """The zone of the capital: hourly buckets, schedules and the wall clock use it."""
        return ZoneInfo(self.zones[0])

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the subject goes by, the centres' form first."""
        return tuple(dict.fromkeys((self.name, self.official, *self.short_names)))

    def zone_of(self, municipality: str | None) -> ZoneInfo:
        """The zone a municipality keeps (subjects spanning several zones), else the capital's.

        «Оймяконский улус (район)», «Оймяконский район» and «МР Оймяконский» are one district.
        """
        found = _municipal_zones(self.code).get(municipality_key(municipality)) if municipality else None
        return ZoneInfo(found) if found else self.zone

    def fallback_bounds(self) -> tuple[float, float, float, float]:
        """(south, west, north, east) around the capital."""
        m = FALLBACK_MARGIN_DEGREES
        return self.capital_lat - m, self.capital_lon - m, self.capital_lat + m, self.capital_lon + m


_MUNICIPAL_WORDS = frozenset({"район", "улус", "муниципальный", "городской", "округ", "мр", "го", "мо"})


def municipality_key(name: str) -> str:
    """A municipality's name without its kind words and punctuation, for comparing spellings."""
    words = re.findall(r"[а-яa-z0-9]+(?:-[а-яa-z0-9]+)*", name.replace("ё", "е").replace("Ё", "Е").casefold())
    return " ".join(w for w in words if w not in _MUNICIPAL_WORDS)


@cache
def _municipal_zones(code: str) -> dict[str, str]:
    return {municipality_key(name): zone for zone, names in ZONE_MUNICIPALITIES.get(code, {}).items()
            for name in names}


def _region(row: tuple) -> Region:
    code, name, official, iso, zones, capital, lat, lon, short = row
    return Region(code, name, official or name, iso or None, zones, capital, lat, lon, short)


@cache
def _by_code() -> dict[str, Region]:
    return {row[0]: _region(row) for row in SUBJECTS}


@cache
def _by_name() -> dict[str, Region]:
    index: dict[str, Region] = {}
    for item in _by_code().values():
        for name in (*item.names, item.code, item.code.removeprefix("RU-")):
            index.setdefault(_key(name), item)
    return index


def _key(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").replace("–", "—").split()).casefold()


def regions() -> tuple[Region, ...]:
    """All 89 subjects in the order of Article 65."""
    return tuple(_by_code().values())


def region(code: str) -> Region:
    """The subject with this code (``RU-SA``); raises ``UnknownRegionError``."""
    found = _by_code().get(code.strip().upper())
    if found is None:
        raise UnknownRegionError(code)
    return found


def find_region(text: str) -> Region | None:
    """The subject named by a code or any of its names (case, ё and dash forms ignored)."""
    return _by_name().get(_key(text))


def region_by_name(name: str | None) -> Region | None:
    """The subject of a stored region name (messages keep the centres' name)."""
    return find_region(name) if name else None


def search_regions(text: str) -> tuple[Region, ...]:
    """Subjects whose code or any name matches ``text`` (a searchable chooser), best matches first.

    Exact code or name first, then names starting with the text, then names with a word starting
    with it, then names containing it anywhere; Article 65 order within each group. Empty text: all.
    """
    query = _key(text).removeprefix("ru-")
    if not query:
        return regions()
    ranked = [(rank, number, item) for number, item in enumerate(regions())
              if (rank := _match_rank(item, query)) is not None]
    return tuple(item for _rank, _number, item in sorted(ranked, key=lambda r: (r[0], r[1])))


def _match_rank(item: Region, query: str) -> int | None:
    code = item.code.removeprefix("RU-").casefold()
    keys = [_key(name) for name in item.names]
    if query == code or query in keys:
        return 0
    if any(k.startswith(query) for k in keys) or code.startswith(query):
        return 1
    if any(w.startswith(query) for k in keys for w in re.split(r"[\s\-—()]+", k)):
        return 2
    return 3 if any(query in k for k in keys) else None
