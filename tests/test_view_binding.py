"""One view state: the map's period and playback, the chart's window and bars, the list's category and the
KPI tiles all read and write ``core.view`` — set it in one place and every view follows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core import Core
from tests.fixtures import FIXTURE_COUNTS, FIXTURE_START, ManualClock, fixture_total
from tests.qt_helpers import page_value

NOW = FIXTURE_START + timedelta(hours=4)


@pytest.fixture
def window(qtbot, fixture_store, web_context):
    from widgets.shell.main_window import MainWindow
    from widgets.tasks.worker import DbWorker

    win = MainWindow(Core(fixture_store, ManualClock(NOW)), web_context, DbWorker())
    qtbot.addWidget(win, before_close_func=lambda w: w.briefing.shutdown())
    win.show()
    win.load_initial()
    qtbot.waitUntil(lambda: win.map_view.is_ready and win.table_model.rowCount() == fixture_total(), timeout=20000)
    return win


def _bars(window):
    return len(window.chart.series.hours)


def _listed(window):
    return window.table.proxy.rowCount()


def test_map_period_drives_chart_list_and_tiles(qtbot, window):
    period = window.map_panel.period
    period.window_combo.setCurrentIndex(period.window_combo.findData(1))  # «1 ч» on the map
    assert window.core.view.view.hours == 1 and window.core.view.view.live
    qtbot.waitUntil(lambda: _bars(window) == 1, timeout=10000)
    assert window.analytics.period_label.text() == "График: последние 1 ч (онлайн)"
    last_hour = sum(counts[3] for counts in FIXTURE_COUNTS.values())
    qtbot.waitUntil(lambda: _listed(window) == last_hour, timeout=10000)
    assert window.analytics.tiles.values()["last_hour"] == str(last_hour)
    window.core.view.go_live(72)  # «3 суток» from anywhere: the one period control shows it
    qtbot.waitUntil(lambda: period.window_combo.currentData() == 72 and _bars(window) == 72, timeout=10000)
    qtbot.waitUntil(lambda: _listed(window) == fixture_total(), timeout=10000)


def test_chart_bar_shows_that_hour_and_category_everywhere(qtbot, window):
    hour = FIXTURE_START + timedelta(hours=2)
    window.analytics.chart.barClicked.emit(hour, "water")  # a click on the water bar of 16:00
    view = window.core.view.view
    assert not view.live and (view.start, view.end, view.categories) == (hour, hour + timedelta(hours=1), {"water"})
    qtbot.waitUntil(lambda: _listed(window) == FIXTURE_COUNTS["water"][2], timeout=10000)
    qtbot.waitUntil(lambda: window.map_panel.period.window_combo.currentText() == "Период…", timeout=10000)
    assert window.filters.category.currentData() == "water"
    qtbot.waitUntil(lambda: list(window.chart.series.series) == ["water"], timeout=10000)  # categories reach it
    assert window.chart.bar_heights("water") == [FIXTURE_COUNTS["water"][2]]
    qtbot.waitUntil(lambda: page_value(qtbot, window.map_view, "opershtab.stats().visible")
                    == FIXTURE_COUNTS["water"][2], timeout=10000)


def test_list_category_reaches_map_and_chart(qtbot, window):
    window.filters.category.setCurrentIndex(window.filters.category.findData("storm"))
    assert window.core.view.view.categories == {"storm"}
    qtbot.waitUntil(lambda: list(window.chart.series.series) == ["storm"], timeout=10000)
    qtbot.waitUntil(lambda: page_value(qtbot, window.map_view, "opershtab.stats().visible")
                    == sum(FIXTURE_COUNTS["storm"]), timeout=10000)
    menu = window.map_panel.category_menu_button.menu()
    assert [a.data() for a in menu.actions() if a.isChecked()] == ["storm"]
    window.filters.category.setCurrentIndex(0)  # «Все»
    qtbot.waitUntil(lambda: len(window.chart.series.series) == 11 and _listed(window) == fixture_total(),
                    timeout=10000)


def test_playback_goes_into_history_and_back_to_live(qtbot, window):
    period = window.map_panel.period
    period.window_combo.setCurrentIndex(period.window_combo.findData(6))
    window.map_panel.play(FIXTURE_START, NOW, speed=3600.0)
    assert not window.core.view.view.live  # the list and the chart show the played period
    qtbot.waitUntil(lambda: period.window_combo.currentText() == "Период…", timeout=5000)
    qtbot.waitUntil(lambda: window.core.view.view.live, timeout=30000)  # the end of playback: live again
    assert window.core.view.view.hours == 6 and not period.playing and not period.play_button.isChecked()
    qtbot.waitUntil(lambda: period.window_combo.currentData() == 6, timeout=5000)
