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


def test_operator_window_makes_the_hourly_briefing_by_itself(qtbot, fixture_store, web_context, tmp_path):
    """No Ctrl+B: the window's scheduler follows the core's clock; two hours on, two briefings in the archive."""
    from pypdf import PdfReader

    from app.briefing.archive import list_briefings
    from app.core import Core
    from tests.fixtures import FIXTURE_START, fixture_total
    from widgets.shell.main_window import MainWindow
    from widgets.tasks.worker import DbWorker

    clock = ManualClock(FIXTURE_START + timedelta(hours=2, minutes=59))  # 16:59 local
    window = MainWindow(Core(fixture_store, clock), web_context, DbWorker(), briefing_dir=tmp_path)
    window.open_files = False
    qtbot.addWidget(window, before_close_func=lambda w: w.briefing.shutdown())
    window.show()
    window.load_initial()  # starts the schedule
    for hour in (3, 4):
        clock.set(FIXTURE_START + timedelta(hours=hour, seconds=5))  # 17:00:05, then 18:00:05
        qtbot.waitUntil(lambda n=hour: len(list_briefings(fixture_store)) == n - 2, timeout=60000)
    records = sorted(list_briefings(fixture_store), key=lambda r: r.period_end)
    assert [r.period_end for r in records] == [FIXTURE_START + timedelta(hours=3), FIXTURE_START + timedelta(hours=4)]
    assert [r.hour_total for r in records] == [fixture_total(2), fixture_total(3)]
    for record, hour in zip(records, ("с 16:00 до 17:00", "с 17:00 до 18:00"), strict=True):
        text = " ".join(" ".join(page.extract_text() for page in PdfReader(record.pdf_path).pages).split())
        assert "Справка оперативного штаба : Краснодарский край" in text and hour in text
    qtbot.waitUntil(lambda: window.archive.model.rowCount() == 2, timeout=10000)  # the archive view followed
    assert window.last_briefing is not None and window.last_briefing.ok
