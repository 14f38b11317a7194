"""The live window: scenario messages reach the map, the chart and the list without a page reload."""

from __future__ import annotations

from datetime import timedelta

from app.categories import CODES
from app.common.clock import ScenarioClock
from app.common.timeutil import floor_hour, utcnow
from app.core import Core
from app.demo.simulator import StormScenario
from app.queries.messages import count_in, latest_time, messages_after
from tests.fixtures import ManualClock
from tests.qt_helpers import page_value, wait_markers


def _drawn_total(chart) -> int:
    """Sum of all bar heights the chart draws (read from the widget, not the data)."""
    return sum(sum(chart.bar_heights(code)) for code in CODES)


def _located(store) -> int:
    """Messages that can be drawn (messages naming no place carry no coordinates)."""
    return sum(1 for row in messages_after(store, 0) if row.lat is not None)


def _window(qtbot, store, web_context, clock):
    from widgets.shell.main_window import MainWindow
    from widgets.tasks.worker import DbWorker

    worker = DbWorker()
    window = MainWindow(Core(store, clock), web_context, worker)
    qtbot.addWidget(window, before_close_func=lambda w: w.briefing.shutdown())
    window.show()
    qtbot.waitUntil(lambda: window.map_view.is_ready, timeout=20000)
    return window, worker


def test_new_scenario_messages_reach_map_chart_and_list(qtbot, store, web_context):
    from widgets.tasks.live import ScenarioPlayer

    scenario = StormScenario(floor_hour(utcnow()) - timedelta(hours=6))
    clock = ManualClock(scenario.start + timedelta(hours=4))
    window, worker = _window(qtbot, store, web_context, clock)
    loads = []
    window.map_view.loadStarted.connect(lambda: loads.append(1))
    player = ScenarioPlayer(window.core, worker, scenario, clock, interval_ms=100, parent=window)
    with qtbot.waitSignal(player.batchStored, timeout=20000):  # the views follow the core's announcement
        player.start()
    first = count_in(store, scenario.start, clock.now())
    assert first > 100
    wait_markers(qtbot, window.map_view, _located(store))
    qtbot.waitUntil(lambda: _drawn_total(window.chart) == first, timeout=20000)
    clock.current += timedelta(minutes=20)  # the storm goes on
    qtbot.waitUntil(lambda: count_in(store, scenario.start, clock.now()) > first, timeout=20000)
    second = count_in(store, scenario.start, clock.now())
    qtbot.waitUntil(lambda: _drawn_total(window.chart) == second, timeout=20000)
    wait_markers(qtbot, window.map_view, _located(store))
    qtbot.waitUntil(lambda: window.table_model.rows[0].published_at == latest_time(store), timeout=10000)
    assert loads == []  # appended in place, never reloaded
    assert page_value(qtbot, window.map_view, "performance.getEntriesByType('navigation').length") == 1
    player.stop()


def test_scenario_clock_runs_at_speed():
    ticks = iter([0.0, 0.0, 60.0])
    clock = ScenarioClock(utcnow(), speed=60, monotonic=lambda: next(ticks))
    start = clock.now()
    assert clock.now() - start == timedelta(hours=1)
