"""The briefing schedule: pure arithmetic, and the Qt scheduler driven by a controllable clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.briefing.schedule import BriefingSchedule, ManualClock, load_schedule, period_end_for, save_schedule

T0 = datetime(2026, 11, 24, 11, 59, 58, tzinfo=UTC)  # 14:59:58 local


def test_hourly_at_zero_minutes_by_default():
    schedule = BriefingSchedule()
    assert schedule.next_run(T0) == datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert schedule.next_run(datetime(2026, 11, 24, 12, 0, tzinfo=UTC)) == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    assert schedule.runs_between(T0, T0 + timedelta(seconds=1)) == []
    assert period_end_for(datetime(2026, 11, 24, 12, 5, tzinfo=UTC)) == datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_configured_minute_and_period_in_local_time():
    schedule = BriefingSchedule(minute=5, every_hours=3)  # 00:05, 03:05 … local (UTC+3)
    runs = schedule.runs_between(T0, T0 + timedelta(hours=7))
    assert [r.astimezone(UTC).hour for r in runs] == [12, 15, 18]  # 15:05, 18:05, 21:05 local
    assert all(r.minute == 5 for r in runs)
    assert BriefingSchedule(enabled=False).runs_between(T0, T0 + timedelta(days=1)) == []
    with pytest.raises(ValueError):
        BriefingSchedule(minute=60)


def test_schedule_is_stored_in_settings(store):
    assert load_schedule(store) == BriefingSchedule()
    save_schedule(store, BriefingSchedule(minute=10, every_hours=2))
    assert load_schedule(store) == BriefingSchedule(minute=10, every_hours=2)


def test_scheduler_fires_at_the_hour_with_a_controllable_clock(qtbot):
    from widgets.briefing.scheduler import BriefingScheduler

    clock = ManualClock(T0)
    scheduler = BriefingScheduler(clock, tick_ms=10)
    fired: list[datetime] = []
    scheduler.due.connect(fired.append)
    scheduler.start()
    qtbot.wait(60)  # several ticks before the hour: nothing
    assert fired == []
    clock.advance(timedelta(seconds=2))  # 15:00:00 local
    qtbot.waitUntil(lambda: len(fired) == 1, timeout=2000)
    assert fired == [datetime(2026, 11, 24, 12, 0, tzinfo=UTC)]
    qtbot.wait(60)
    assert len(fired) == 1  # once per run
    clock.advance(timedelta(hours=3))  # missed runs: only the latest hour is reported
    qtbot.waitUntil(lambda: len(fired) == 2, timeout=2000)
    assert fired[-1] == datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    scheduler.stop()
