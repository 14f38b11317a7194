"""The analytics chart: bars, hover text, click signal, baseline, exports."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from PySide6.QtCore import QPointF, Qt

from app.analytics.hourly import baseline, by_category, by_municipality
from app.categories import CODES
from app.core import Core
from tests.analytics_helpers import add
from tests.fixtures import FIXTURE_COUNTS, FIXTURE_START

H = timedelta(hours=1)


def _chart(qtbot):
    from widgets.analytics.hourly_chart import HourlyChart

    chart = HourlyChart()
    qtbot.addWidget(chart)
    chart.resize(900, 400)
    chart.show()
    qtbot.waitExposed(chart)
    return chart


def test_bars_equal_counts_and_hover_tells_numbers(qtbot, fixture_store):
    chart = _chart(qtbot)
    chart.set_series(by_category(fixture_store, FIXTURE_START, FIXTURE_START + 4 * H))
    for code in CODES:
        assert chart.bar_heights(code) == FIXTURE_COUNTS.get(code, [0, 0, 0, 0])
    assert chart.hit(2, 3.5) == (2, "power")  # power is the bottom of the stack: 12 at 16:00
    assert chart.hit(2, 12.5) == (2, "water")
    text = chart.describe(2, "water")
    assert text.splitlines()[0] == "24.11.2026 16:00–17:00"
    assert "Электроснабжение: 12" in text and "▶ Водоснабжение: 4" in text and "Всего: 25 (сообщений)" in text
    scene_point = chart.getViewBox().mapViewToScene(QPointF(2, 3.5))
    chart._on_scene_mouse_moved(scene_point)
    assert chart.toolTip() == chart.hover_text == chart.describe(2, "power")


def test_click_on_bar_emits_hour_and_category(qtbot, fixture_store):
    chart = _chart(qtbot)
    chart.set_series(by_category(fixture_store, FIXTURE_START, FIXTURE_START + 4 * H))
    view_point = chart.getViewBox().mapViewToScene(QPointF(1, 8.5))  # hour 1: power 7, water 0, storm 2
    widget_point = chart.mapFromScene(view_point)
    with qtbot.waitSignal(chart.barClicked, timeout=2000) as blocker:
        qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=widget_point)
    assert blocker.args == [FIXTURE_START + H, "storm"]


def test_multi_day_axis_shows_dates_and_baseline(qtbot, store):
    now = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)  # local midnight
    for k in range(1, 5):
        add(store, [now - k * timedelta(days=7) + timedelta(minutes=m) for m in range(k)])
    chart = _chart(qtbot)
    chart.set_series(by_category(store, now - timedelta(days=3), now + H))
    ticks = [text for _, text in chart.getAxis("bottom")._tickLevels[0]]
    assert ticks == ["22.11", "23.11", "24.11", "25.11"]
    chart.set_baseline(baseline(store, now - timedelta(days=3), now + H))
    assert chart.baseline_values()[-1] == 2.5  # weeks 1..4 held 1, 2, 3, 4 messages at 00:00
    assert chart._note.textItem.toPlainText() == "Обычный уровень неполный: история за 3 из 4 нед."


def test_missing_history_is_said(qtbot, fixture_store):
    chart = _chart(qtbot)
    chart.set_series(by_category(fixture_store, FIXTURE_START, FIXTURE_START + 4 * H))
    chart.set_baseline(baseline(fixture_store, FIXTURE_START, FIXTURE_START + 4 * H))
    assert "Нет истории" in chart._note.textItem.toPlainText()
    assert chart.baseline_values() == []


def test_municipality_series_and_exports(qtbot, fixture_store, tmp_path):
    add(fixture_store, [FIXTURE_START + timedelta(minutes=m) for m in range(6)], "water", "Армавир")
    add(fixture_store, [FIXTURE_START + H, FIXTURE_START + 2 * H], "water", "Туапсе")
    chart = _chart(qtbot)
    chart.set_series(by_municipality(fixture_store, FIXTURE_START, FIXTURE_START + 4 * H, top=2))
    assert chart.bar_heights("не определён") == [4, 9, 25, 8]  # the fixture carries no municipality
    assert chart.bar_heights("Армавир") == [6, 0, 0, 0]
    assert chart.bar_heights("остальные") == [0, 1, 1, 0]
    for name in ("chart.png", "chart.svg", "data.csv", "data.xlsx"):
        path = tmp_path / name
        (chart.export_data if name.startswith("data") else chart.export_image)(path)
        assert path.stat().st_size > 100
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (tmp_path / "chart.svg").read_text(encoding="utf-8")[:2000]
    with open(tmp_path / "data.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Час", "не определён", "Армавир", "остальные", "Всего"]
    assert rows[1] == ["2026-11-24 14:00", "4", "6", "0", "10"]
    sheet = load_workbook(tmp_path / "data.xlsx").active
    assert [c.value for c in sheet[3]] == ["2026-11-24 15:00", 9, 0, 1, 10]


class _Clock:
    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now


def test_analytics_view_loads_in_background(qtbot, store, tmp_path):
    from widgets.analytics.view import AnalyticsView
    from widgets.tasks.worker import DbWorker

    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    for k in range(1, 5):
        add(store, [now - H - k * timedelta(days=7) + timedelta(minutes=m) for m in range(3)], "water", "Армавир")
    add(store, [now - H + timedelta(seconds=20 * i) for i in range(119)], "water", "Армавир")
    worker = DbWorker()
    view = AnalyticsView(Core(store, _Clock(now)), worker, population={"Армавир": 190_000})
    qtbot.addWidget(view)
    view.resize(1400, 700)
    view.show()
    with qtbot.waitSignal(worker._done, timeout=10000):
        view.refresh()
    qtbot.waitUntil(lambda: view.data is not None, timeout=5000)
    assert view.chart.bar_heights("water")[-2:] == [119, 0]
    assert view.chart.baseline_values()[-2] == 3
    assert view.tiles.values()["last_hour"] == "119" and view.tiles.values()["top"] == "Армавир"
    assert view.alerts.texts() == ["14:00–15:00  Армавир, водоснабжение: 119 за час при обычных 3"]
    assert not view.rates_box.isEnabled()
    view.group_box.setCurrentIndex(1)
    view.rates_box.setChecked(True)
    qtbot.waitUntil(lambda: view.data is not None and view.data.series.per_thousand, timeout=10000)
    assert view.chart.series.series["Армавир"][-2] == 119 * 1000 / 190_000
    assert len(view.alerts.texts()) == 1  # the same spike is not listed twice
    view.export(tmp_path / "view.xlsx")
    assert load_workbook(tmp_path / "view.xlsx").active["B1"].value == "Армавир"
    worker.shutdown()
