"""Information-campaign effect: mark an official announcement, compare message rates before and after.

Rates are messages per day over equal windows (default 24 h) on each side of the mark,
for the mark's topic (its category and/or municipality; both optional). When the
"after" window has not fully elapsed, the count so far is scaled to a daily rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select

from app.categories import label
from app.common.ru import signed_percent
from app.common.timeutil import as_utc
from app.store.engine import Store
from app.store.models import CampaignMark, Message

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Mark:
    id: int
    at: datetime
    title: str
    category: str | None
    municipality: str | None

    @property
    def topic(self) -> str:
        """«Армавир, водоснабжение» / «все сообщения»."""
        parts = [p for p in (self.municipality, label(self.category).lower() if self.category else None) if p]
        return ", ".join(parts) or "все сообщения"


@dataclass(frozen=True)
class CampaignEffect:
    mark: Mark
    before_per_day: float
    after_per_day: float
    change: float | None  # percent; None when there was nothing before

    @property
    def text(self) -> str:
        """«119 → 2 в сутки, −98 %»."""
        return f"{_rate(self.before_per_day)} → {_rate(self.after_per_day)} в сутки, {signed_percent(self.change)}"


def _rate(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}".replace(".", ",")


def add_mark(store: Store, at: datetime, title: str, category: str | None = None,
             municipality: str | None = None) -> Mark:
    """Record an announcement."""
    with store.session() as session:
        row = CampaignMark(at=as_utc(at), title=title, category=category, municipality=municipality)
        session.add(row)
        session.flush()
        return Mark(row.id, as_utc(at), title, category, municipality)


def list_marks(store: Store, start: datetime, end: datetime) -> tuple[Mark, ...]:
    """Marks in [start, end), oldest first."""
    cols = (CampaignMark.id, CampaignMark.at, CampaignMark.title, CampaignMark.category, CampaignMark.municipality)
    stmt = select(*cols).where(CampaignMark.at >= as_utc(start), CampaignMark.at < as_utc(end)).order_by(
        CampaignMark.at)
    with store.engine.connect() as conn:
        return tuple(Mark(*row) for row in conn.execute(stmt))


def _topic(mark: Mark) -> list[ColumnElement[bool]]:
    conditions = []
    if mark.category:
        conditions.append(Message.category == mark.category)
    if mark.municipality:
        conditions.append(Message.municipality == mark.municipality)
    return conditions


def _count(store: Store, mark: Mark, start: datetime, end: datetime) -> int:
    stmt = select(func.count()).select_from(Message).where(
        Message.published_at >= start, Message.published_at < end, *_topic(mark))
    with store.engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def campaign_effect(store: Store, mark: Mark, now: datetime, window: timedelta = DAY) -> CampaignEffect:
    """Messages per day on the topic in ``window`` before the mark and after it (up to ``now``)."""
    before = _count(store, mark, mark.at - window, mark.at) * DAY / window
    elapsed = min(window, as_utc(now) - mark.at)
    after_count = _count(store, mark, mark.at, mark.at + elapsed) if elapsed > timedelta(0) else 0
    after = after_count * DAY / elapsed if elapsed > timedelta(0) else 0.0
    change = (after - before) / before * 100 if before else None
    return CampaignEffect(mark, before, after, change)
