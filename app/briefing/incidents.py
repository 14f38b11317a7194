"""Incident figures of a briefing hour, read straight from the tables.

Simple counts only: grouping messages into incidents belongs to
``app.incidents``; here an incident is whatever the ``incidents`` table holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select

from app import categories
from app.common.timeutil import to_local
from app.store.engine import Store
from app.store.models import Incident, Message

CLOSED_STATUSES = ("closed", "resolved")
LIST_LIMIT = 6
MIN_GROWTH = 2  # messages in the hour, so single stragglers are not «growing»


@dataclass(frozen=True)
class IncidentFigures:
    """Open at the end of the hour, first seen in the hour, closed in the hour."""

    open: int
    new: int
    closed: int


@dataclass(frozen=True)
class IncidentLine:
    id: int
    category: str  # Russian label
    settlement: str
    hour: int  # messages in the briefing hour
    previous: int  # messages in the hour before
    total: int
    first_seen: str  # local «HH:MM»


def _counts_by_incident(store: Store, start: datetime, end: datetime) -> dict[int, int]:
    stmt = (select(Message.incident_id, func.count())
            .where(Message.incident_id.is_not(None), Message.published_at >= start, Message.published_at < end)
            .group_by(Message.incident_id))
    with store.engine.connect() as conn:
        return {incident: int(n) for incident, n in conn.execute(stmt) if incident is not None}


def _count(store: Store, *where: ColumnElement[bool]) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Incident).where(*where)).scalar_one())


def _lines(store: Store, ids: list[int], hour: dict[int, int], previous: dict[int, int]) -> list[IncidentLine]:
    if not ids:
        return []
    stmt = select(Incident).where(Incident.id.in_(ids), Incident.merged_into.is_(None))
    with store.session() as session:
        found = {row.id: row for row in session.scalars(stmt)}
    return [
        IncidentLine(i, categories.label(found[i].category), found[i].settlement or found[i].municipality or "—",
                     hour.get(i, 0), previous.get(i, 0), found[i].message_count,
                     f"{to_local(found[i].first_seen):%H:%M}")
        for i in ids if i in found
    ]


def incident_figures(store: Store, start: datetime,
                     end: datetime) -> tuple[IncidentFigures, tuple[IncidentLine, ...], tuple[IncidentLine, ...]]:
    """Counts, new incidents and growing ones (more messages than in the hour before) for [start, end).

    The lists are whole; the briefing shows the first ``LIST_LIMIT`` and «и ещё N» for the rest.
    """
    not_merged = Incident.merged_into.is_(None)
    figures = IncidentFigures(
        open=_count(store, not_merged, Incident.first_seen < end, Incident.status.not_in(CLOSED_STATUSES)),
        new=_count(store, not_merged, Incident.first_seen >= start, Incident.first_seen < end),
        closed=_count(store, not_merged, Incident.status.in_(CLOSED_STATUSES),
                      Incident.last_seen >= start, Incident.last_seen < end),
    )
    hour = _counts_by_incident(store, start, end)
    previous = _counts_by_incident(store, start - timedelta(hours=1), start)
    with store.engine.connect() as conn:
        new_ids = list(conn.execute(select(Incident.id).where(
            not_merged, Incident.first_seen >= start, Incident.first_seen < end)).scalars())
    new = sorted(_lines(store, new_ids, hour, previous), key=lambda line: (-line.hour, line.id))
    growing_ids = [i for i, n in hour.items() if n >= MIN_GROWTH and n > previous.get(i, 0) and i not in new_ids]
    growing = sorted(_lines(store, growing_ids, hour, previous),
                     key=lambda line: (-(line.hour - line.previous), line.id))
    return figures, tuple(new), tuple(growing)
