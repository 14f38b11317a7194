"""Figures the wall display shows, as one plain snapshot (no Qt)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.analytics.alerts import detect_spikes
from app.analytics.kpi import Kpi, kpi_figures
from app.common.timeutil import floor_hour
from app.ops.deadlines import WorkCalendar
from app.queries.messages import MessageRow, count_in, latest_messages
from app.store.engine import Store
from app.store.models import Message


@dataclass(frozen=True)
class Hotspot:
    settlement: str
    count: int
    lat: float
    lon: float


@dataclass(frozen=True)
class WallSnapshot:
    """The operator window's KPI figures (``app.analytics.kpi``) plus what only the wall shows."""

    now: datetime
    kpi: Kpi
    last_day: int
    hotspot: Hotspot | None
    ticker: tuple[MessageRow, ...]
    alerts: tuple[str, ...] = ()

    @property
    def last_hour(self) -> int:
        return self.kpi.last_hour

    @property
    def previous_hour(self) -> int:
        return self.kpi.previous_hour

    @property
    def open_messages(self) -> int:
        return self.kpi.open

    @property
    def change_percent(self) -> float | None:
        return self.kpi.change


def _hotspot(store: Store, start: datetime, end: datetime) -> Hotspot | None:
    stmt = (
        select(Message.settlement, func.count(), func.avg(Message.lat), func.avg(Message.lon))
        .where(Message.published_at >= start, Message.published_at < end, Message.settlement.is_not(None),
               Message.lat.is_not(None))
        .group_by(Message.settlement).order_by(func.count().desc()).limit(1)
    )
    with store.engine.connect() as conn:
        row = conn.execute(stmt).first()
    return Hotspot(row[0], int(row[1]), float(row[2]), float(row[3])) if row else None


def significant(rows: list[MessageRow], limit: int, since: datetime | None = None) -> tuple[MessageRow, ...]:
    """Latest messages (since ``since``) that name a place, at most two per settlement (variety on the ticker)."""
    seen: Counter[str] = Counter()
    picked = []
    for row in rows:
        if since is not None and row.published_at < since:
            continue
        if row.settlement and row.category != "other" and seen[row.settlement] < 2:
            seen[row.settlement] += 1
            picked.append(row)
    return tuple(picked[:limit])


def wall_snapshot(store: Store, now: datetime, crisis_start: datetime | None = None,
                  calendar: WorkCalendar | None = None) -> WallSnapshot:
    """Everything the wall shows at ``now``: one query batch, run off the UI thread."""
    return WallSnapshot(
        now=now,
        kpi=kpi_figures(store, now, crisis_start, calendar),
        last_day=count_in(store, floor_hour(now) - timedelta(hours=23), now),
        hotspot=_hotspot(store, now - timedelta(hours=3), now),
        ticker=significant([r for r in latest_messages(store, 60) if r.published_at <= now], 12,
                           since=now - timedelta(hours=24)),
        alerts=tuple(alert.text for alert in detect_spikes(store, now)[:3]),
    )
