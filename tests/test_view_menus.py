"""The operator window's menus on the real window: exports read back, overlay layers and CAP warnings on the
map page, «Справка губернатору» apart from a real «Помощь», Qt's own buttons in Russian, the Sources dock,
and the queue of edits made while the server was away replayed when it answers again."""

from __future__ import annotations

import csv
from datetime import timedelta

import pyogrio
import pytest
from PySide6.QtWidgets import QDialogButtonBox, QDockWidget

from app.common.changes import Changes, Kind
from app.core import Core
from app.ops.opqueue import OpQueue, QueuedAction
from app.ops.overlays import list_overlays
from app.queries.messages import messages_by_ids
from tests.fixtures import FIXTURE_START, ManualClock, fixture_total
from tests.overlay_files import add_warning, write_overlay
from tests.qt_helpers import page_value

NOW = FIXTURE_START + timedelta(hours=4)


@pytest.fixture
def window(qtbot, fixture_store, web_context):
    from widgets.shell.main_window import MainWindow
    from widgets.tasks.worker import DbWorker

    win = MainWindow(Core(fixture_store, ManualClock(NOW)), web_context, DbWorker())
    win.open_files = False
    qtbot.addWidget(win, before_close_func=lambda w: w.briefing.shutdown())
    win.show()
    win.load_initial()
    qtbot.waitUntil(lambda: win.map_view.is_ready and win.table_model.rowCount() == fixture_total(), timeout=20000)
    return win


def _titles(window):
    return [action.text().replace("&", "") for action in window.menuBar().actions()]


def test_menus_briefing_is_for_the_governor_and_help_is_help(window):
    from widgets.shell.help import show_about

    assert _titles(window) == ["Файл", "Карта", "Справка губернатору", "Правка", "Вид", "Помощь"]
    text = show_about(window).text()
    assert "Ctrl+B — Сформировать справку" in text and "Ctrl+L — К текущему времени" in text
    assert "Оперштаб 0." in text and str(window.store.url) in text
    assert "Папка данных" in text


def test_qt_own_buttons_are_russian(qtbot, window):
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Open)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Отмена"
    assert box.button(QDialogButtonBox.StandardButton.Open).text() == "Открыть"


@pytest.mark.parametrize("fmt", ["gpkg", "kml", "shp", "geojson", "csv", "xlsx"])
def test_export_messages_of_the_shown_period_reads_back(qtbot, window, tmp_path, fmt):
    from widgets.shell.export_menu import export

    window.core.view.go_live(2)  # the last two hours of the fixture
    expected = fixture_total(2) + fixture_total(3)
    target = tmp_path / f"soobshcheniya.{fmt}"
    export(window, "messages", str(target))
    qtbot.waitUntil(lambda: getattr(window, "last_export", None) is not None, timeout=20000)
    assert window.last_export == (expected, target)
    if fmt == "csv":
        with target.open(encoding="utf-8-sig") as handle:
            assert len(list(csv.reader(handle))) == expected + 1
    elif fmt == "xlsx":
        from openpyxl import load_workbook

        assert len(list(load_workbook(target, read_only=True).active.iter_rows())) == expected + 1
    else:
        assert pyogrio.read_info(target)["features"] == expected


def test_export_without_a_pack_says_why(qtbot, window, tmp_path):
    from widgets.shell.export_menu import export

    export(window, "choropleth", str(tmp_path / "k.gpkg"))
    qtbot.waitUntil(lambda: "нет пакета региона" in window.last_warning, timeout=10000)
    assert not (tmp_path / "k.gpkg").exists()


def test_every_dataset_is_in_the_export_menu(window):
    texts = [a.text() for a in window.export_menu.actions() if a.text()]
    assert texts[:4] == ["Сообщения…", "Происшествия…", "Картограмма на 1 000 жителей…", "Пункты помощи…"]


def test_imported_layer_and_warnings_reach_the_map(qtbot, window, tmp_path):
    from widgets.map.overlay_menu import OverlaysDialog, import_layer

    said = []
    import_layer(window.core, window.worker, str(write_overlay(tmp_path, "geojson")), said.append, said.append,
                 window)
    qtbot.waitUntil(lambda: len(page_value(qtbot, window.map_view, "opershtabOverlays.describe()")["overlays"])
                    == 1, timeout=15000)
    assert said == ["Слой «зоны_подтопления» добавлен на карту"]
    dialog = OverlaysDialog(window.core, window.worker, window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=5000)
    from PySide6.QtCore import Qt

    dialog.list.item(0).setCheckState(Qt.CheckState.Unchecked)  # hide it
    qtbot.waitUntil(lambda: not list_overlays(window.store)[0].visible, timeout=5000)
    qtbot.waitUntil(lambda: not page_value(qtbot, window.map_view, "opershtabOverlays.describe()")["overlays"][0]
                    ["shown"], timeout=10000)
    add_warning(window.store, "w1", effective=NOW - timedelta(hours=1), expires=NOW + timedelta(hours=5))
    window.core.hub.publish(Changes.of(Kind.WARNINGS))
    qtbot.waitUntil(lambda: len(page_value(qtbot, window.map_view, "opershtabOverlays.describe()")["warnings"])
                    == 1, timeout=10000)
    assert len(window.map_panel.warnings) == 1


def test_sources_dock_is_in_the_window(window):
    from widgets.intake.sources_panel import SourcesPanel

    docks = {dock.windowTitle(): dock for dock in window.findChildren(QDockWidget)}
    assert isinstance(docks["Источники"].widget(), SourcesPanel)
    assert {"Регионы", "Карточка сообщения", "Сроки и ведомства", "Архив справок"} <= set(docks)
    assert window.sources.runner.running_ids == ()  # no source configured: nothing polls
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Вид")
    assert "Источники" in [a.text() for a in view_menu.actions()]


def test_edits_queued_offline_are_replayed_when_the_server_answers(qtbot, window, tmp_path):
    from widgets.shell.offline_queue import QueueReplayer

    row = messages_by_ids(window.store, [1])[0]
    queue = OpQueue(tmp_path / "opqueue.sqlite3")
    queue.enqueue(QueuedAction(row.id, row.version, {"status": "closed"}, "оператор"))
    queue.enqueue(QueuedAction(row.id, row.version, {"status": "assigned"}, "оператор"))  # stale by then
    said = []
    replayer = QueueReplayer(window.core, window.worker, said.append, queue, window)
    with qtbot.waitSignal(window.bridge.changed, timeout=10000,
                          check_params_cb=lambda c: c.touches(Kind.MESSAGES_EDITED) and row.id in c.message_ids):
        replayer.on_state("connected")
    assert messages_by_ids(window.store, [row.id])[0].status == "closed"
    assert said == ["Очередь правок: применено 1; не применено: 1 правка (сообщения уже изменили другие)"]
    assert len(queue) == 0
    replayer.on_state("offline")  # not connected: nothing replays
    assert replayer.last[0].outcome == "applied"


def test_tiles_file_filter_offers_mbtiles_and_pmtiles(window):
    dialog = window.edit_settings()
    try:
        pattern = dialog.editors["mbtiles_path"].pattern
        assert "*.mbtiles" in pattern and "*.pmtiles" in pattern
    finally:
        dialog.reject()


def test_print_without_a_briefing_says_what_to_do(window):
    window.print_briefing()
    assert window.statusBar().currentMessage() == "Сначала сформируйте справку (Ctrl+B)"
    texts = [a.text() for a in window.findChildren(type(window.briefing_action)) if a.text()]
    assert "Печать справки…" in texts
