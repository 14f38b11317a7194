"""Qt-free queries behind the map layers: points in a window, choropleth values, incidents."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import shapely
from sqlalchemy import select

from app.models import Incident, Message
from app.queries import MessageRow, messages_in
from app.regionpack import RegionPack
from app.store import Store
from app.timeutil import as_utc

WINDOW_HOURS = (1, 6, 24)


@dataclass(frozen=True)
class MapWindow:
    """A period [start, end) and the categories shown (empty = all)."""

    start: datetime
    end: datetime
    categories: frozenset[str] = frozenset()

    @classmethod
    def last_hours(cls, now: datetime, hours: float, categories: Iterable[str] = ()) -> MapWindow:
        return cls(now - timedelta(hours=hours), now, frozenset(categories))

    def admits(self, row: MessageRow) -> bool:
        return (as_utc(self.start) <= row.published_at < as_utc(self.end)
                and (not self.categories or row.category in self.categories))


@dataclass(frozen=True)
class ChoroplethValue:
    """Messages in one municipality; ``per_1000`` is None where the population is missing."""

    name: str
    count: int
    population: int | None

    @property
    def per_1000(self) -> float | None:
        return self.count * 1000 / self.population if self.population else None


@dataclass(frozen=True)
class IncidentRow:
    id: int
    category: str
    settlement: str | None
    municipality: str | None
    lat: float | None
    lon: float | None
    extent: dict | None
    message_count: int
    status: str
    first_seen: datetime
    last_seen: datetime


def window_points(store: Store, window: MapWindow) -> list[MessageRow]:
    """Messages of the window and categories that have coordinates."""
    return [r for r in messages_in(store, window.start, window.end)
            if r.lat is not None and r.lon is not None and window.admits(r)]


def count_by_municipality(pack: RegionPack, coords: Sequence[tuple[float, float]]) -> list[int]:
    """How many (lat, lon) points fall in each municipality of ``pack`` (pack order)."""
    counts = [0] * len(pack.municipalities)
    if not coords:
        return counts
    array = np.asarray(coords, dtype=float)
    points = shapely.points(array[:, 1], array[:, 0])
    tree = shapely.STRtree([m.geometry for m in pack.municipalities])
    point_index, shape_index = tree.query(points, predicate="intersects")
    seen = np.zeros(len(points), dtype=bool)  # a point on a shared border counts once
    for p, s in zip(point_index.tolist(), shape_index.tolist(), strict=True):
        if not seen[p]:
            seen[p] = True
            counts[s] += 1
    return counts


def choropleth(store: Store, pack: RegionPack, window: MapWindow) -> list[ChoroplethValue]:
    """Per municipality of the pack: messages of the window, population, per-1,000 rate."""
    rows = window_points(store, window)
    counts = count_by_municipality(pack, [(r.lat, r.lon) for r in rows])  # type: ignore[misc]
    return [ChoroplethValue(m.name, n, m.population) for m, n in zip(pack.municipalities, counts, strict=True)]


def choropleth_json(values: Sequence[ChoroplethValue]) -> dict[str, dict[str, float | int | None]]:
    return {v.name: {"count": v.count, "population": v.population, "rate": v.per_1000} for v in values}


def _extent(text: str | None) -> dict | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) and "type" in value else None


def incidents_in(store: Store, window: MapWindow) -> list[IncidentRow]:
    """Incidents active in the window (seen in it), merged ones excluded."""
    stmt = (select(Incident).where(Incident.last_seen >= as_utc(window.start), Incident.first_seen < as_utc(window.end),
                                   Incident.merged_into.is_(None)).order_by(Incident.id))
    with store.session() as session:
        found = [i for i in session.scalars(stmt) if not window.categories or i.category in window.categories]
        return [IncidentRow(i.id, i.category, i.settlement, i.municipality, i.lat, i.lon, _extent(i.extent),
                            i.message_count, i.status, i.first_seen, i.last_seen) for i in found]


@dataclass(frozen=True)
class MessageDetail:
    """Everything the side panel shows about one message."""

    id: int
    published_at: datetime
    source: str
    author: str | None
    text: str
    url: str | None
    address: str | None
    settlement: str | None
    municipality: str | None
    category: str
    status: str
    incident_id: int | None


def message_detail(store: Store, message_id: int) -> MessageDetail | None:
    with store.session() as session:
        m = session.get(Message, message_id)
        if m is None:
            return None
        return MessageDetail(m.id, m.published_at, m.source, m.author, m.text, m.url, m.address, m.settlement,
                             m.municipality, m.category, m.status, m.incident_id)


def incident_detail(store: Store, incident_id: int) -> IncidentRow | None:
    with store.session() as session:
        i = session.get(Incident, incident_id)
        if i is None:
            return None
        return IncidentRow(i.id, i.category, i.settlement, i.municipality, i.lat, i.lon, _extent(i.extent),
                           i.message_count, i.status, i.first_seen, i.last_seen)
