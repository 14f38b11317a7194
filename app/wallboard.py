"""Figures the wall display shows, as one plain snapshot (no Qt)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.alerts import detect_spikes
from app.models import Message
from app.queries import MessageRow, count_in, latest_messages
from app.store import Store
from app.timeutil import floor_hour


@dataclass(frozen=True)
class Hotspot:
    settlement: str
    count: int
    lat: float
    lon: float


@dataclass(frozen=True)
class WallSnapshot:
    now: datetime
    last_hour: int
    previous_hour: int
    last_day: int
    open_messages: int
    hotspot: Hotspot | None
    ticker: tuple[MessageRow, ...]
    alerts: tuple[str, ...] = ()

    @property
    def change_percent(self) -> float | None:
        if not self.previous_hour:
            return None
        return (self.last_hour - self.previous_hour) * 100.0 / self.previous_hour


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


def _open_count(store: Store) -> int:
    stmt = select(func.count()).select_from(Message).where(Message.status.not_in(("answered", "resolved")),
                                                           Message.is_complaint.is_(True))
    with store.engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def significant(rows: list[MessageRow], limit: int) -> tuple[MessageRow, ...]:
    """Latest messages that name a place, at most two per settlement (variety on the ticker)."""
    seen: Counter[str] = Counter()
    picked = []
    for row in rows:
        if row.settlement and row.category != "other" and seen[row.settlement] < 2:
            seen[row.settlement] += 1
            picked.append(row)
    return tuple(picked[:limit])


def wall_snapshot(store: Store, now: datetime) -> WallSnapshot:
    """Everything the wall shows at ``now``: one query batch, run off the UI thread."""
    hour_start = now - timedelta(hours=1)
    return WallSnapshot(
        now=now,
        last_hour=count_in(store, hour_start, now),
        previous_hour=count_in(store, hour_start - timedelta(hours=1), hour_start),
        last_day=count_in(store, floor_hour(now) - timedelta(hours=23), now),
        open_messages=_open_count(store),
        hotspot=_hotspot(store, now - timedelta(hours=3), now),
        ticker=significant(latest_messages(store, 60), 12),
        alerts=tuple(alert.text for alert in detect_spikes(store, now)[:3]),
    )
