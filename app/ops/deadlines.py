"""Answer deadlines in working time: first answer within 8 working hours (4 for high
importance), final answer by the end of the 7th working day after the day of receipt.

The clock starts at publication (``published_at``) and runs only inside working hours
(default Mon–Fri 9:00–18:00 local, holidays excluded). A message is overdue when its
deadline lies strictly before the moment of the check. Counting for the governor's
report happens in SQL: both deadlines grow with publication time, so "overdue at
``at``" is "published before a cutoff" computed once per check.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice

from sqlalchemy import ColumnElement, and_, case, func, not_, or_, select

from app.common.timeutil import as_utc, local_zone
from app.store.engine import Store
from app.store.models import Agency, Message, Setting

SETTING_KEY = "work_calendar"
UNASSIGNED = "Не распределено"
_DAY = timedelta(days=1)
_MAX_DAYS = 3660  # a calendar without working days must not loop forever


@dataclass(frozen=True)
class WorkCalendar:
    """Working hours (local), working weekdays (0 = Monday), holidays and the deadline rules."""

    day_start: time = time(9)
    day_end: time = time(18)
    workdays: frozenset[int] = frozenset(range(5))
    holidays: frozenset[date] = field(default_factory=frozenset)
    first_hours: float = 8
    first_hours_high: float = 4
    final_days: int = 7

    def is_workday(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.holidays

    def interval(self, day: date) -> tuple[datetime, datetime]:
        """Opening and closing of ``day`` as aware local datetimes."""
        return (datetime.combine(day, self.day_start, local_zone()), datetime.combine(day, self.day_end, local_zone()))

    def first_seconds(self, importance: str) -> int:
        return int(3600 * (self.first_hours_high if importance == "high" else self.first_hours))


def _local(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(local_zone())


def _workdays_from(cal: WorkCalendar, day: date, step: int) -> Iterator[date]:
    """Working days starting at ``day``, going forward (step 1) or back (step -1)."""
    for n in range(_MAX_DAYS):
        current = day + step * n * _DAY
        if cal.is_workday(current):
            yield current
    raise ValueError("в календаре нет рабочих дней")


def add_working_time(cal: WorkCalendar, start: datetime, seconds: int) -> datetime:
    """The first moment when ``seconds`` of working time have passed since ``start`` (aware UTC)."""
    begin, remaining = _local(start), timedelta(seconds=seconds)
    for day in _workdays_from(cal, begin.date(), 1):
        opening, closing = cal.interval(day)
        from_ = max(begin, opening)
        if from_ < closing:
            if remaining <= closing - from_:
                return (from_ + remaining).astimezone(UTC)
            remaining -= closing - from_
    raise AssertionError("unreachable")


def first_due(cal: WorkCalendar, published: datetime, importance: str = "normal") -> datetime:
    """Deadline of the first answer."""
    return add_working_time(cal, published, cal.first_seconds(importance))


def final_due(cal: WorkCalendar, published: datetime) -> datetime:
    """Deadline of the final answer: closing time of the N-th working day after the day of receipt."""
    day = next(islice(_workdays_from(cal, _local(published).date() + _DAY, 1), cal.final_days - 1, None))
    return cal.interval(day)[1].astimezone(UTC)


def is_overdue(cal: WorkCalendar, published: datetime, importance: str, first_answer: datetime | None,
               final_answer: datetime | None, at: datetime) -> bool:
    """Whether a message still lacks an answer whose deadline is already behind ``at``."""
    late_first = first_answer is None and first_due(cal, published, importance) < as_utc(at)
    return late_first or (final_answer is None and final_due(cal, published) < as_utc(at))


def _previous_closing(cal: WorkCalendar, opening: datetime) -> datetime:
    day = next(_workdays_from(cal, opening.date() - _DAY, -1))
    return cal.interval(day)[1]


def _level_set(cal: WorkCalendar, at: datetime, seconds: int) -> tuple[datetime, datetime]:
    """Earliest and latest moment from which ``at`` is exactly ``seconds`` of working time away."""
    end, remaining = _local(at), timedelta(seconds=seconds)
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
    local = _local(at)
    opening, closing = cal.interval(local.date())
    return cal.is_workday(local.date()) and opening < local <= closing


def first_cutoff(cal: WorkCalendar, at: datetime, importance: str = "normal") -> tuple[datetime, bool]:
    """(bound, inclusive): the first answer is overdue at ``at`` iff published < bound (or == when inclusive)."""
    low, high = _level_set(cal, at, cal.first_seconds(importance))
    if _in_working_interior(cal, at):
        return low.astimezone(UTC), False
    return high.astimezone(UTC), True


def final_cutoff(cal: WorkCalendar, at: datetime) -> datetime:
    """The final answer is overdue at ``at`` iff published before this local midnight."""
    day = _local(at).date()
    for _ in range(_MAX_DAYS):
        if final_due(cal, datetime.combine(day, time(12), local_zone())) < as_utc(at):
            return datetime.combine(day + _DAY, time(0), local_zone()).astimezone(UTC)
        day -= _DAY
    raise ValueError("в календаре нет рабочих дней")


@dataclass(frozen=True)
class AgencyOverdue:
    """One agency's open messages, how many are overdue and the share (0…1)."""

    name: str
    open: int
    overdue: int
    share: float


@dataclass(frozen=True)
class OverdueSummary:
    total_open: int
    overdue: int
    by_agency: tuple[AgencyOverdue, ...]

    @property
    def share(self) -> float:
        return self.overdue / self.total_open if self.total_open else 0.0


def _published_before(bound: tuple[datetime, bool]) -> ColumnElement[bool]:
    moment, inclusive = bound
    return Message.published_at <= moment if inclusive else Message.published_at < moment


def overdue_condition(cal: WorkCalendar, at: datetime) -> ColumnElement[bool]:
    """SQL condition: the message is overdue at ``at`` (first or final answer)."""
    high = Message.importance == "high"
    late_first = and_(Message.first_answer_at.is_(None), or_(
        and_(high, _published_before(first_cutoff(cal, at, "high"))),
        and_(not_(high), _published_before(first_cutoff(cal, at, "normal"))),
    ))
    late_final = and_(Message.final_answer_at.is_(None), Message.published_at < final_cutoff(cal, at))
    return or_(late_first, late_final)


def open_condition() -> ColumnElement[bool]:
    """Complaints not yet resolved (gratitude and chatter have no deadline)."""
    return and_(Message.is_complaint.is_(True), Message.status != "resolved")


def overdue_summary(store: Store, at: datetime, cal: WorkCalendar | None = None) -> OverdueSummary:
    """Open and overdue messages at ``at``, in total and per agency (most overdue first)."""
    cal = cal or load_calendar(store)
    overdue = func.sum(case((overdue_condition(cal, at), 1), else_=0))
    stmt = (select(Message.agency_id, func.count(), overdue).where(open_condition())
            .where(Message.published_at <= as_utc(at)).group_by(Message.agency_id))
    with store.engine.connect() as conn:
        names = dict(conn.execute(select(Agency.id, Agency.name)).all())
        rows = [(names.get(a, UNASSIGNED) if a is not None else UNASSIGNED, int(n), int(o or 0))
                for a, n, o in conn.execute(stmt)]
    agencies = tuple(sorted((AgencyOverdue(name, n, o, o / n if n else 0.0) for name, n, o in rows),
                            key=lambda a: (-a.overdue, -a.share, a.name)))
    return OverdueSummary(sum(a.open for a in agencies), sum(a.overdue for a in agencies), agencies)


def calendar_to_json(cal: WorkCalendar) -> str:
    return json.dumps({
        "day_start": cal.day_start.strftime("%H:%M"), "day_end": cal.day_end.strftime("%H:%M"),
        "workdays": sorted(cal.workdays), "holidays": sorted(d.isoformat() for d in cal.holidays),
        "first_hours": cal.first_hours, "first_hours_high": cal.first_hours_high, "final_days": cal.final_days,
    })


def calendar_from_json(text: str) -> WorkCalendar:
    data = json.loads(text)
    return WorkCalendar(
        time.fromisoformat(data["day_start"]), time.fromisoformat(data["day_end"]), frozenset(data["workdays"]),
        frozenset(date.fromisoformat(d) for d in data["holidays"]), data["first_hours"],
        data["first_hours_high"], data["final_days"],
    )


def load_calendar(store: Store) -> WorkCalendar:
    """The configured calendar (Setting ``work_calendar``) or the default one."""
    with store.session() as session:
        setting = session.get(Setting, SETTING_KEY)
        return calendar_from_json(setting.value) if setting else WorkCalendar()


def save_calendar(store: Store, cal: WorkCalendar) -> None:
    with store.session() as session:
        session.merge(Setting(key=SETTING_KEY, value=calendar_to_json(cal)))
