"""Figures for the KPI tiles: last hour, since the crisis start, change, open, overdue, top municipality."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.common.timeutil import as_utc
from app.ops.deadlines import WorkCalendar, overdue_summary
from app.queries.messages import count_in
from app.store.engine import Store
from app.store.models import Message


@dataclass(frozen=True)
class Kpi:
    at: datetime
    last_hour: int
    previous_hour: int
    crisis_start: datetime | None
    since_crisis: int | None
    open: int
    overdue: int
    top_municipality: str | None
    top_count: int

    @property
    def change(self) -> float | None:
        """Percent change of the last hour against the one before (None: nothing before)."""
        return (self.last_hour - self.previous_hour) / self.previous_hour * 100 if self.previous_hour else None


def top_municipality(store: Store, start: datetime, end: datetime) -> tuple[str | None, int]:
    """The municipality with most messages in [start, end)."""
    stmt = (select(Message.municipality, func.count().label("n"))
            .where(Message.published_at >= as_utc(start), Message.published_at < as_utc(end),
                   Message.municipality.is_not(None))
            .group_by(Message.municipality).order_by(func.count().desc(), Message.municipality).limit(1))
    with store.engine.connect() as conn:
        row = conn.execute(stmt).first()
    return (row[0], int(row[1])) if row else (None, 0)


def kpi_figures(store: Store, at: datetime, crisis_start: datetime | None = None,
                calendar: WorkCalendar | None = None) -> Kpi:
    """All tile figures at ``at``; the top municipality is over the crisis (or the last 24 h).

    ``crisis_start`` and ``calendar`` come from the settings (``app.core``): the crisis
    counted from, and the working calendar the overdue answers are judged in.
    """
    at = as_utc(at)
    hour = timedelta(hours=1)
    start = as_utc(crisis_start) if crisis_start is not None else None
    summary = overdue_summary(store, at, calendar)
    name, count = top_municipality(store, start or at - timedelta(days=1), at)
    return Kpi(at, count_in(store, at - hour, at), count_in(store, at - 2 * hour, at - hour), start,
               count_in(store, start, at) if start else None, summary.total_open, summary.overdue, name, count)
