"""Per-agency queues and the deadline board: open, overdue, the nearest deadline, «сроки горят».

An open message is a complaint not yet «решено» or «закрыто без действий» (after
«ответ дан» the final answer is still due). Its pending
deadline is the first answer's while none was given, then the final answer's
(``app.ops.workcal``, the region's production calendar); it is overdue when a
pending deadline lies strictly before the moment of the check, as the governor's
overdue count says (``app.ops.deadlines.overdue_condition``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.common.ru import format_int
from app.common.timeutil import as_utc
from app.ops.statuses import PENDING_STATUSES
from app.ops.workcal import WorkCalendar, channel_of, final_due, first_due
from app.store import Agency, Message, Store

UNASSIGNED = "Не распределено"


@dataclass(frozen=True)
class Pending:
    """One open message and its nearest pending deadline."""

    id: int
    agency_id: int | None
    agency: str
    text: str
    settlement: str | None
    category: str
    status: str
    due: datetime
    overdue: bool

    def left(self, at: datetime) -> float:
        """Seconds until the deadline (negative: overdue by that much)."""
        return (self.due - as_utc(at)).total_seconds()


@dataclass(frozen=True)
class AgencyQueue:
    """One agency's open messages, how many are overdue, and the nearest deadline."""

    agency_id: int | None
    name: str
    open: int
    overdue: int
    nearest: datetime | None

    def line(self, cal: WorkCalendar, at: datetime) -> str:
        """«Россети Кубань: 40 открыто, 5 просрочено, ближайший срок 18:40»."""
        text = f"{self.name}: {format_int(self.open)} открыто, {format_int(self.overdue)} просрочено"
        if self.nearest is not None:
            text += f", ближайший срок {when(self.nearest, cal, at)}"
        return text


@dataclass(frozen=True)
class Board:
    at: datetime
    queues: tuple[AgencyQueue, ...]
    burning: tuple[Pending, ...]  # every open message, least time left first


def pending_due(cal: WorkCalendar, published: datetime, importance: str, source: str | None,
                first_answer: datetime | None, final_answer: datetime | None) -> datetime | None:
    """The nearest deadline still to meet (None when both answers were given)."""
    channel = channel_of(source)
    dues = []
    if first_answer is None:
        dues.append(first_due(cal, published, importance, channel))
    if final_answer is None:
        dues.append(final_due(cal, published, channel))
    return min(dues) if dues else None


def when(moment: datetime, cal: WorkCalendar, at: datetime) -> str:
    """A deadline in the calendar's local time: «18:40» today, «25.11 18:40» another day."""
    local, today = as_utc(moment).astimezone(cal.tz), as_utc(at).astimezone(cal.tz)
    return local.strftime("%H:%M") if local.date() == today.date() else local.strftime("%d.%m %H:%M")


def time_left(seconds: float) -> str:
    """«осталось 2 ч 05 мин» or «просрочено на 1 ч 10 мин»."""
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    span = (f"{days} дн " if days else "") + f"{hours} ч {mins:02d} мин"
    return f"просрочено на {span}" if seconds < 0 else f"осталось {span}"


_COLUMNS = (Message.id, Message.agency_id, Message.text, Message.settlement, Message.category, Message.status,
            Message.published_at, Message.importance, Message.source, Message.first_answer_at,
            Message.final_answer_at)


def pending_messages(store: Store, cal: WorkCalendar, at: datetime) -> list[Pending]:
    """Open complaints published by ``at`` with their nearest pending deadline, least time left first."""
    stmt = (select(*_COLUMNS).where(Message.status.in_(PENDING_STATUSES), Message.is_complaint.is_(True),
                                    Message.published_at <= as_utc(at)))
    with store.engine.connect() as conn:
        names = dict(conn.execute(select(Agency.id, Agency.name)).all())
        rows = conn.execute(stmt).all()
    found = []
    for (mid, agency_id, text, settlement, category, status, published, importance, source, first,
         final) in rows:
        due = pending_due(cal, published, importance, source, first, final)
        if due is None:
            continue
        name = names.get(agency_id, UNASSIGNED) if agency_id is not None else UNASSIGNED
        found.append(Pending(mid, agency_id, name, text, settlement, category, status, due, due < as_utc(at)))
    return sorted(found, key=lambda p: (p.due, p.id))


def queues(pending: Iterable[Pending]) -> tuple[AgencyQueue, ...]:
    """Per agency (the unassigned together): most overdue first, then by the nearest deadline."""
    groups: dict[int | None, list[Pending]] = {}
    for item in pending:
        groups.setdefault(item.agency_id, []).append(item)
    result = [AgencyQueue(key, items[0].agency, len(items), sum(p.overdue for p in items),
                          min((p.due for p in items if not p.overdue), default=None))
              for key, items in groups.items()]
    return tuple(sorted(result, key=lambda q: (-q.overdue, q.nearest is None, q.nearest or q.name, q.name)))


def deadline_board(store: Store, cal: WorkCalendar, at: datetime) -> Board:
    """Queues per agency and the «сроки горят» list at ``at``."""
    pending = pending_messages(store, cal, at)
    return Board(as_utc(at), queues(pending), tuple(pending))
