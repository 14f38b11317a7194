"""Operator window: dock layout saved and restored, shortcuts, full screen."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from app.core import Core
from tests.fixtures import FIXTURE_START


class FixedClock:
    speed = 1.0

    def now(self):
        return FIXTURE_START + timedelta(hours=4)


def _window(qtbot, store, web_context):
    from widgets.shell.main_window import MainWindow
    from widgets.tasks.worker import DbWorker

    window = MainWindow(Core(store, FixedClock()), web_context, DbWorker())
    qtbot.addWidget(window, before_close_func=lambda w: w.briefing.shutdown())
    return window


def test_dock_layout_survives_restart(qtbot, store, web_context):
    first = _window(qtbot, store, web_context)
    first.show()
    chart_dock = next(d for d in first.findChildren(QDockWidget) if d.objectName() == "Динамика и показатели")
    first.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, chart_dock)
    assert first.dockWidgetArea(chart_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    first.close()
    second = _window(qtbot, store, web_context)
    second.restore_layout()
    second.show()
    again = next(d for d in second.findChildren(QDockWidget) if d.objectName() == "Динамика и показатели")
    assert second.dockWidgetArea(again) == Qt.DockWidgetArea.LeftDockWidgetArea


def test_shortcuts_exist_and_f11_toggles_full_screen(qtbot, store, web_context):
    window = _window(qtbot, store, web_context)
    window.show()
    shortcuts = {a.shortcut().toString() for a in window.actions()}
    assert {"Ctrl+B", "F11", "Ctrl+F"} <= shortcuts
    window.fullscreen_action.trigger()
    qtbot.waitUntil(window.isFullScreen)
    window.fullscreen_action.trigger()
    qtbot.waitUntil(lambda: not window.isFullScreen())


def _loaded_window(qtbot, store, web_context):
    window = _window(qtbot, store, web_context)
    window.open_files = False
    window.show()
    window.load_initial()
    qtbot.waitUntil(lambda: window.table_model.rowCount() > 0, timeout=20000)
    return window


def _rows(window, n):
    return window.table_model.rows[:n]


def _shown(window, message_id):
    return next(r for r in window.table_model.rows if r.id == message_id)


def test_category_correction_reaches_database_table_and_map(qtbot, fixture_store, web_context):
    from app.queries.messages import messages_by_ids
    from tests.qt_helpers import page_value

    window = _loaded_window(qtbot, fixture_store, web_context)
    qtbot.waitUntil(lambda: window.map_view.is_ready, timeout=20000)
    target = next(r for r in window.table_model.rows if r.category == "power")
    with qtbot.waitSignal(window.actions_.completed, timeout=10000):
        window.actions_.set_category([target], "gas")
    stored = messages_by_ids(fixture_store, [target.id])[0]
    assert stored.category == "gas"
    assert "категория → Газоснабжение" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: _shown(window, target.id).category == "gas", timeout=10000)  # from the announcement
    expression = f"opershtab.categoryOf({target.id})"
    qtbot.waitUntil(lambda: page_value(qtbot, window.map_view, expression) == "gas", timeout=20000)


def test_routing_and_status_with_history(qtbot, fixture_store, web_context):
    from app.ops.routing import add_agency, history
    from app.queries.messages import messages_by_ids

    agency = add_agency(fixture_store, "ПАО «Россети Кубань»")
    window = _loaded_window(qtbot, fixture_store, web_context)
    rows = _rows(window, 3)
    with qtbot.waitSignal(window.actions_.completed, timeout=10000):
        window.actions_.assign(rows, agency.id)
    qtbot.waitUntil(lambda: all(_shown(window, r.id).status == "assigned" for r in rows), timeout=10000)
    with qtbot.waitSignal(window.actions_.completed, timeout=10000):
        window.actions_.set_status([_shown(window, rows[0].id)], "in_progress")
    stored = messages_by_ids(fixture_store, [rows[0].id])[0]
    assert stored.status == "in_progress" and stored.version == rows[0].version + 2
    assert [h.status for h in history(fixture_store, rows[0].id)] == ["assigned", "in_progress"]


def test_stale_version_is_refused_not_overwritten(qtbot, fixture_store, web_context):
    from app.ops.routing import add_agency

    agency = add_agency(fixture_store, "Водоканал")
    window = _loaded_window(qtbot, fixture_store, web_context)
    row = _rows(window, 1)[0]
    with qtbot.waitSignal(window.actions_.completed, timeout=10000):
        window.actions_.assign([row], agency.id)  # another operator got there first…
    with qtbot.waitSignal(window.actions_.failed, timeout=10000) as blocker:
        window.actions_.set_status([row], "in_progress")  # …this one still holds the old version
    assert "другой оператор" in blocker.args[0]


def test_importance_and_filter_by_status(qtbot, fixture_store, web_context):
    window = _loaded_window(qtbot, fixture_store, web_context)
    rows = _rows(window, 2)
    with qtbot.waitSignal(window.actions_.completed, timeout=10000):
        window.actions_.mark_important(rows)
    qtbot.waitUntil(lambda: {_shown(window, r.id).importance for r in rows} == {"high"}, timeout=10000)
    window.filters.status.setCurrentIndex(window.filters.status.findData("new"))
    assert window.table.proxy.rowCount() == window.table_model.rowCount()
    window.filters.status.setCurrentIndex(window.filters.status.findData("answered"))
    assert window.table.proxy.rowCount() == 0


def test_merge_incidents_from_selection(qtbot, fixture_store, web_context):
    from app.incidents import incident_rows, update_incidents
    from app.queries.messages import messages_after

    update_incidents(fixture_store, [r.id for r in messages_after(fixture_store, 0)])
    window = _loaded_window(qtbot, fixture_store, web_context)
    open_before = [i for i in incident_rows(fixture_store) if i.status == "open"]
    power = [r for r in window.table_model.rows if r.category == "power" and r.incident_id is not None]
    picked = {}
    for row in power:
        picked.setdefault(row.incident_id, row)
    assert len(picked) >= 2
    with qtbot.waitSignal(window.actions_.completed, timeout=10000):
        window.actions_.merge_incidents(list(picked.values())[:2])
    open_after = [i for i in incident_rows(fixture_store) if i.status == "open"]
    assert len(open_after) == len(open_before) - 1


def test_agency_directory_dialog(qtbot, store):
    from app.ops.routing import list_agencies
    from widgets.messages.agencies import AgencyDialog
    from widgets.tasks.worker import DbWorker

    worker = DbWorker()
    dialog = AgencyDialog(store, worker)  # database calls on the worker: wait for each to come back
    qtbot.addWidget(dialog)
    dialog.name.setText("Водоканал Армавира")
    dialog._on_add_clicked()
    qtbot.waitUntil(lambda: dialog.list.count() == 1)
    assert [a.name for a in list_agencies(store)] == ["Водоканал Армавира"]
    dialog.name.setText("Водоканал Армавира")
    dialog._on_add_clicked()
    qtbot.waitUntil(lambda: bool(dialog.error.text()))
    assert "уже есть" in dialog.error.text() and dialog.list.count() == 1
    dialog.list.setCurrentRow(0)
    dialog._on_remove_clicked()
    qtbot.waitUntil(lambda: dialog.list.count() == 0)
    assert list_agencies(store) == () and dialog.list.count() == 0
    worker.shutdown()


def test_empty_agency_directory_is_explained(qtbot, store, web_context):
    window = _window(qtbot, store, web_context)
    with qtbot.waitSignal(window.actions_.failed, timeout=10000) as blocker:
        window.actions_.choose_agency([], window)
    assert "Справочник ведомств" in blocker.args[0]
