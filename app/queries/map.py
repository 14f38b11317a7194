"""Qt-free queries behind the map layers: points in a window, choropleth values, incidents."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.common.timeutil import as_utc
from app.incidents import IncidentRow, incident_row
from app.queries.messages import MessageRow, messages_in
from app.region.packs import RegionPack
from app.store.engine import Store
from app.store.models import Incident, Message

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
    region: str | None = None

    @property
    def per_1000(self) -> float | None:
        return self.count * 1000 / self.population if self.population else None


def window_points(store: Store, window: MapWindow) -> list[MessageRow]:
    """Messages of the window and categories that have coordinates."""
    return [r for r in messages_in(store, window.start, window.end)
            if r.lat is not None and r.lon is not None and window.admits(r)]


def choropleth(store: Store, pack: RegionPack, window: MapWindow) -> list[ChoroplethValue]:
    """Per municipality of the pack: messages of the window, population, per-1,000 rate.

    Counts use the municipality intake stored with each message (placed by the pack's
    one spatial index), so the map, the chart and the briefing always agree.
    """
    stmt = (select(Message.region, Message.municipality, func.count()).where(
        Message.published_at >= as_utc(window.start), Message.published_at < as_utc(window.end),
        Message.municipality.in_(sorted(set(pack.names)))).group_by(Message.region, Message.municipality))
    if window.categories:
        stmt = stmt.where(Message.category.in_(sorted(window.categories)))
    with store.engine.connect() as conn:
        counts = {(region, name): int(n) for region, name, n in conn.execute(stmt)}
    return [ChoroplethValue(m.name, counts.get((m.region, m.name), 0), m.population, m.region)
            for m in pack.municipalities]


def choropleth_json(values: Sequence[ChoroplethValue]) -> list[dict[str, object]]:
    """Values in the pack's order (the page matches them by the feature's ``key``, never by a name)."""
    return [{"name": v.name, "count": v.count, "population": v.population, "rate": v.per_1000} for v in values]


def incidents_in(store: Store, window: MapWindow) -> list[IncidentRow]:
    """Incidents active in the window (seen in it), merged ones excluded."""
    stmt = (select(Incident).where(Incident.last_seen >= as_utc(window.start), Incident.first_seen < as_utc(window.end),
                                   Incident.merged_into.is_(None)).order_by(Incident.id))
    with store.session() as session:
        found = [i for i in session.scalars(stmt) if not window.categories or i.category in window.categories]
        return [incident_row(i) for i in found]


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
        return incident_row(i)
