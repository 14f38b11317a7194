"""Deadlines across nights, weekends and holidays; overdue counts per agency; routing history."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from app.ops.deadlines import (
    PLATFORM,
    SOCIAL,
    UNASSIGNED,
    WorkCalendar,
    calendar_from,
    channel_of,
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
from app.region import region
from app.settings import Settings
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


def test_calendar_round_trips_and_follows_the_settings(store):
    assert load_calendar(store) == calendar_from(Settings(region="RU-KDA"), region("RU-KDA"))  # the fixtures' region
    save_calendar(store, CAL)
    assert load_calendar(store) == CAL  # a calendar stored by an earlier version wins


# The production calendar: federal holidays with their transfers, working Saturdays (holidays package).
RU = WorkCalendar(production="RU", zone="Europe/Moscow")


@pytest.mark.parametrize(("published", "importance", "due"), [
    # Fri 29.12.2023 15:00: 3 h that day; 30.12–08.01 off (weekend, New Year holidays, Christmas);
    # Tue 09.01.2024 9:00 + 5 h = 14:00.
    (msk(29, 15, month=12, year=2023), "normal", msk(9, 14, month=1, year=2024)),
    # Fri 26.04.2024 12:00: 6 h that day; Sat 27.04.2024 is a working Saturday: 9:00 + 2 h = 11:00.
    (msk(26, 12, month=4, year=2024), "normal", msk(27, 11, month=4, year=2024)),
    # Sat 28.12.2024 (a working Saturday) 10:00, high importance: 4 h the same day = 14:00.
    (msk(28, 10, month=12, year=2024), "high", msk(28, 14, month=12, year=2024)),
    # Wed 30.04.2025 17:00: 1 h; 01.05–04.05 off (Labour Day, 2 May moved from 4 January, weekend);
    # Mon 05.05.2025 9:00 + 7 h = 16:00.
    (msk(30, 17, month=4, year=2025), "normal", msk(5, 16, month=5, year=2025)),
])
def test_first_answer_across_the_new_year_and_may_holidays(published, importance, due):
    assert first_due(RU, published, importance) == due


@pytest.mark.parametrize(("published", "due"), [
    # received Fri 29.12.2023; 30.12–08.01 off; working days 09, 10, 11, 12, 15, 16, 17 January (7th: 17.01.2024).
    (msk(29, 10, month=12, year=2023), msk(17, 18, month=1, year=2024)),
    # received Fri 26.04.2024; Sat 27.04 (worked) is the 1st; 28.04–01.05 off (29 and 30 April moved from
    # 27 April and 2 November); 02.05 2nd, 03.05 3rd, 06.05 4th, 07.05 5th, 08.05 6th; 09–12.05 off (10 May moved
    # from 6 January); 13.05.2024 is the 7th.
    (msk(26, 12, month=4, year=2024), msk(13, 18, month=5, year=2024)),
    # received Sat 28.12.2024 (worked); 29.12–08.01 off (30 and 31 December moved from 28 December and 7 January);
    # 09, 10, 13, 14, 15, 16, 17 January: the 7th is 17.01.2025.
    (msk(28, 10, month=12, year=2024), msk(17, 18, month=1, year=2025)),
    # received Wed 30.04.2025; 01–04.05 off; 05, 06, 07 May; 08–11.05 off (8 May moved from 23 February);
    # 12, 13, 14, 15 May: the 7th is 15.05.2025.
    (msk(30, 17, month=4, year=2025), msk(15, 18, month=5, year=2025)),
])
def test_final_answer_across_the_new_year_and_may_holidays(published, due):
    assert final_due(RU, published) == due


def test_platform_final_answer_counts_calendar_days():
    # «Решаем вместе»: received Tue 24.12.2024; 30 calendar days end with 23.01.2025.
    assert final_due(RU, msk(24, 10, month=12, year=2024), PLATFORM) == msk(24, 0, month=1, year=2025)
    assert first_due(RU, msk(24, 10, month=12, year=2024), "normal", PLATFORM) == msk(24, 18, month=12, year=2024)
    assert channel_of("pos") == PLATFORM and channel_of("vk") == SOCIAL


def test_regional_days_off_and_the_centres_overrides():
    # Tatarstan: 30.08.2024 (Fri) is Republic Day. Thu 29.08 14:00 + 8 h: 4 h Thu, Fri off, Mon 02.09 13:00.
    tatarstan = calendar_from(Settings(region="RU-TA"), region("RU-TA"))
    assert first_due(replace(tatarstan, zone="Europe/Moscow"), msk(29, 14, month=8, year=2024)) == \
        msk(2, 13, month=9, year=2024)
    assert first_due(RU, msk(29, 14, month=8, year=2024)) == msk(30, 13, month=8, year=2024)
    overrides = calendar_from(Settings(holidays=("2024-06-11",), workdays=("2024-06-15",)), region("RU-MOW"))
    assert not overrides.is_workday(date(2024, 6, 11)) and overrides.is_workday(date(2024, 6, 15))
    assert not overrides.is_workday(date(2024, 6, 12))  # День России


def test_sevastopol_answers_within_nine_working_hours():
    assert calendar_from(Settings(), region("RU-SEV")).first_hours == 9
    assert calendar_from(Settings(), region("RU-KDA")).first_hours == 8
    assert calendar_from(Settings(first_answer_hours=6), region("RU-SEV")).first_hours == 6


def test_overdue_counts_each_municipality_in_its_own_zone(store):
    # 30.01.2025 (Thu) 09:30 UTC: 18:30 in Yakutsk, 19:30 in the Oymyakon district (UTC+10).
    published = datetime(2025, 1, 29, 23, 30, tzinfo=UTC)  # 08:30 Yakutsk, 09:30 Oymyakon, Thu 30.01
    add(store, [published], municipality="Оймяконский улус")
    add(store, [published], municipality="Якутск")
    yakutia = replace(calendar_from(Settings(region="RU-SA"), region("RU-SA")), first_hours=1)
    # Yakutsk: due 10:00 local (01:00 UTC); Oymyakon: due 10:30 local (00:30 UTC).
    assert overdue_summary(store, datetime(2025, 1, 30, 0, 45, tzinfo=UTC), yakutia).overdue == 1
    assert overdue_summary(store, datetime(2025, 1, 30, 1, 5, tzinfo=UTC), yakutia).overdue == 2


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
