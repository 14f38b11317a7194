"""Deadlines across nights, weekends and holidays; overdue counts per agency; routing history."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from app.ops.deadlines import (
    UNASSIGNED,
    WorkCalendar,
    final_cutoff,
    final_due,
    first_cutoff,
    first_due,
    load_calendar,
    overdue_summary,
    save_calendar,
)
from app.ops.routing import (
    ConflictError,
    RoutingError,
    add_agency,
    assign,
    history,
    set_status,
)
from app.store.models import Message
from tests.analytics_helpers import add

REGION_TZ = ZoneInfo("Europe/Moscow")  # the fixtures' region

NOV4 = date(2026, 11, 4)  # День народного единства, a Wednesday
CAL = WorkCalendar(holidays=frozenset({NOV4}))


def msk(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=REGION_TZ)


@pytest.mark.parametrize(("published", "importance", "due"), [
    (msk(24, 10), "normal", msk(24, 18)),  # Tue, inside one day
    (msk(24, 17), "normal", msk(25, 16)),  # 1 h Tue + 7 h Wed (over the night)
    (msk(24, 20, 30), "normal", msk(25, 17)),  # written at night: the clock starts at 9:00
    (msk(20, 16), "normal", msk(23, 15)),  # Fri 2 h + Mon 6 h (over the weekend)
    (msk(20, 16), "high", msk(23, 11)),  # high importance: 4 working hours
    (msk(21, 12), "normal", msk(23, 17)),  # Saturday
    (msk(3, 14), "normal", msk(5, 13)),  # Tue 4 h, Wed is a holiday, Thu 4 h
])
def test_first_answer_deadline(published, importance, due):
    assert first_due(CAL, published, importance) == due


def test_final_answer_deadline_counts_working_days():
    assert final_due(CAL, msk(24, 11)) == msk(3, 18, month=12)  # Wed…Thu next week: 7 working days
    new_year = WorkCalendar(holidays=frozenset(date(2027, 1, d) for d in range(1, 9)))
    assert final_due(new_year, msk(31, 15, month=12)) == msk(19, 18, month=1, year=2027)


def test_custom_hours_and_weekdays():
    six_days = WorkCalendar(day_start=time(8), day_end=time(20), workdays=frozenset(range(6)))
    assert first_due(six_days, msk(21, 18), "normal") == msk(23, 14)  # Sat 2 h, Sunday off, Mon 6 h


def _overdue_by_cutoff(cal: WorkCalendar, published: datetime, at: datetime) -> bool:
    bound, inclusive = first_cutoff(cal, at)
    return published < bound or (inclusive and published == bound)


moments = st.datetimes(min_value=datetime(2026, 10, 26), max_value=datetime(2026, 11, 15)).map(
    lambda d: d.replace(second=0, microsecond=0, minute=d.minute // 30 * 30, tzinfo=REGION_TZ))


@settings(max_examples=300, deadline=None)
@given(published=moments, at=moments)
def test_sql_cutoff_agrees_with_deadline(published, at):
    assert _overdue_by_cutoff(CAL, published, at) == (first_due(CAL, published) < at)
    assert (published < final_cutoff(CAL, at)) == (final_due(CAL, published) < at)


def test_cutoff_edges():
    due = msk(25, 16)
    published = msk(24, 17)
    assert not _overdue_by_cutoff(CAL, published, due)  # exactly at the deadline: not yet late
    assert _overdue_by_cutoff(CAL, published, due + timedelta(minutes=1))
    closing_due = msk(24, 10)  # due Tue 18:00
    assert _overdue_by_cutoff(CAL, closing_due, msk(24, 18, 30))
    assert not _overdue_by_cutoff(CAL, msk(23, 18, 30), msk(24, 17, 0))  # written in the night gap, due Tue 17:00
    assert _overdue_by_cutoff(CAL, msk(23, 18, 30), msk(24, 17, 1))


def _message_ids(store) -> list[int]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(Message.id).order_by(Message.id)).scalars())


def test_overdue_share_per_agency(store):
    at = msk(25, 12)
    moments = [msk(23, 9), msk(24, 15), msk(24, 15), msk(25, 8), msk(16, 10), msk(23, 10), msk(2, 10), msk(2, 11)]
    add(store, moments)
    a1, a2, a3, b1, b2, _unassigned, resolved, chatter = _message_ids(store)
    water = add_agency(store, "Водоканал")
    power = add_agency(store, "Электросети")
    for mid in (a1, a2, a3):
        assign(store, mid, water.id, "оператор", msk(23, 9, 30))
    for mid in (b1, b2, resolved):
        assign(store, mid, power.id, "оператор", msk(16, 11))
    set_status(store, b2, "answered", "Электросети", msk(16, 12))
    set_status(store, resolved, "answered", "Электросети", msk(3, 12))
    set_status(store, resolved, "resolved", "Электросети", msk(4, 12))
    with store.engine.begin() as conn:
        conn.execute(update(Message).where(Message.id == a2).values(importance="high"))
        conn.execute(update(Message).where(Message.id == chatter).values(is_complaint=False))
    save_calendar(store, CAL)
    summary = overdue_summary(store, at)
    assert (summary.total_open, summary.overdue) == (6, 3)  # a1 (due Mon 17:00), a2 (high, Wed 10:00), unassigned
    rows = {a.name: (a.open, a.overdue, round(a.share, 3)) for a in summary.by_agency}
    assert rows == {"Водоканал": (3, 2, 0.667), UNASSIGNED: (1, 1, 1.0), "Электросети": (2, 0, 0.0)}
    assert summary.by_agency[0].name == "Водоканал"
    later = overdue_summary(store, msk(26, 9, 30))  # b2's final answer was due Wed 18:00
    assert {a.name: a.overdue for a in later.by_agency}["Электросети"] == 2  # b1 first (Wed 17:00) and b2 final


def test_calendar_round_trips_through_settings(store):
    assert load_calendar(store) == WorkCalendar()
    save_calendar(store, CAL)
    assert load_calendar(store) == CAL


def test_status_path_records_who_and_when(store):
    add(store, [msk(24, 10)])
    (mid,) = _message_ids(store)
    agency = add_agency(store, "Администрация Армавира", "municipality", "Армавир")
    with pytest.raises(RoutingError):
        set_status(store, mid, "answered", "x", msk(24, 11))
    assign(store, mid, agency.id, "Иванова", msk(24, 10, 5))
    set_status(store, mid, "in_progress", "Петров", msk(24, 10, 30))
    set_status(store, mid, "answered", "Петров", msk(24, 12), note="бригада выехала")
    with pytest.raises(ConflictError):
        set_status(store, mid, "resolved", "Петров", msk(24, 13), expected_version=2)
    set_status(store, mid, "resolved", "Петров", msk(24, 13))
    steps = history(store, mid)
    assert [(h.label, h.operator) for h in steps] == [
        ("передано", "Иванова"), ("в работе", "Петров"), ("ответ дан", "Петров"), ("решено", "Петров")]
    assert steps[2].note == "бригада выехала" and steps[0].at == msk(24, 10, 5).astimezone(UTC)
    with store.engine.connect() as conn:
        row = conn.execute(select(Message.first_answer_at, Message.final_answer_at, Message.status, Message.version)
                           .where(Message.id == mid)).one()
    assert row == (msk(24, 12), msk(24, 13), "resolved", 5)
