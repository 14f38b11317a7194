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
    assert dialog.starter.isVisibleTo(dialog)
    dialog.starter.click()
    qtbot.waitUntil(lambda: dialog.list.count() > 5)
    assert "Водоканал" in [a.name for a in list_agencies(store)] and not dialog.starter.isVisibleTo(dialog)
    worker.shutdown()


def test_empty_agency_directory_is_explained(qtbot, store, web_context):
    from app.ops.routing import delete_agency, list_agencies

    window = _window(qtbot, store, web_context)
    qtbot.waitUntil(lambda: bool(list_agencies(store)), timeout=10000)  # the window seeds the starting directory
    for agency in list_agencies(store):  # ... and the centre emptied it
        delete_agency(store, agency.id)
    with qtbot.waitSignal(window.actions_.failed, timeout=10000) as blocker:
        window.actions_.choose_agency([], window)
    assert "Справочник ведомств" in blocker.args[0]


def _arrive(window, n):
    """``n`` new messages stored and announced, as a feed does."""
    from app.common.changes import Changes, Kind
    from app.intake.writer import Incoming, store_incoming

    items = [Incoming(source="vk", external_id=f"late-{i}", published_at=FIXTURE_START + timedelta(hours=3, minutes=59),
                      text=f"Новое сообщение {i}", settlement="Туапсе", category="power") for i in range(n)]
    ids = store_incoming(window.store, items).new_ids
    window.core.hub.publish(Changes.of(Kind.MESSAGES_ADDED, messages=ids))
    return ids


def _trigger_in_popup(qtbot, path):
    """Once the context menu is open, walk ``path`` (submenu titles, then the action) and trigger it."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def pick():
        menu = QApplication.activePopupWidget()
        if menu is None:
            QTimer.singleShot(50, pick)
            return
        top = menu
        for title in path[:-1]:
            menu = next(a.menu() for a in menu.actions() if a.text() == title)
        action = next(a for a in menu.actions() if a.text() == path[-1])
        top.close()
        action.trigger()

    QTimer.singleShot(50, pick)


def test_list_holds_still_and_the_action_lands_on_the_cards_message(qtbot, fixture_store, web_context):
    from sqlalchemy import func, select

    from app.store import Message
    from widgets.messages.desk import BOARD_TITLE, CARD_TITLE, install_operator_docks

    window = _loaded_window(qtbot, fixture_store, web_context)
    docks = install_operator_docks(window, window.bridge)
    assert {CARD_TITLE, BOARD_TITLE} <= {d.objectName() for d in window.findChildren(QDockWidget)}
    panel, table = window.messages, window.table
    table.selectRow(20)
    target = table.selected_messages()[0]
    qtbot.waitUntil(lambda: docks.card.card is not None and docks.card.card.id == target.id, timeout=10000)
    order = [table.row_at(table.model().index(i, 0)).id for i in range(table.model().rowCount())]

    new_ids = _arrive(window, 3)
    qtbot.waitUntil(lambda: panel.waiting_count() == 3, timeout=10000)
    assert panel.new_button.isVisible() and panel.new_button.text() == "3 новых ▲"
    assert [table.row_at(table.model().index(i, 0)).id for i in range(table.model().rowCount())] == order
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())  # the list scrolls meanwhile

    _trigger_in_popup(qtbot, ["Категория", "Водоснабжение"])
    with qtbot.waitSignal(docks.actions.completed, timeout=10000) as blocker:
        panel.open_menu(table.viewport().rect().center())
    assert blocker.args[0].text == f"№{target.id}: категория → Водоснабжение"
    with fixture_store.engine.connect() as conn:
        edited = conn.execute(select(Message.id).where(Message.category_source == "operator")).scalars().all()
        assert conn.execute(select(func.count()).select_from(Message)
                            .where(Message.id.in_(new_ids), Message.category == "power")).scalar() == 3
    assert edited == [docks.card.card.id] == [target.id]
    assert panel.undo_bar.label.text() == f"№{target.id}: категория → Водоснабжение"
    qtbot.waitUntil(lambda: docks.card.fields["category"].text().startswith("Водоснабжение"), timeout=10000)

    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    assert panel.waiting_count() == 0 and not panel.new_button.isVisible()
    assert {r.id for r in window.table_model.rows[:3]} == set(new_ids)
    assert table.selected_messages()[0].id == target.id  # still the operator's row


def test_new_rows_go_straight_in_when_nothing_is_held(qtbot, fixture_store, web_context):
    from widgets.messages.desk import install_operator_docks

    window = _loaded_window(qtbot, fixture_store, web_context)
    install_operator_docks(window, window.bridge)
    before = window.table_model.rowCount()
    _arrive(window, 2)
    qtbot.waitUntil(lambda: window.table_model.rowCount() == before + 2, timeout=10000)
    assert window.messages.waiting_count() == 0 and not window.messages.new_button.isVisible()


def test_installed_desk_seeds_an_empty_directory(qtbot, store, web_context):
    from app.ops.directory import STARTING_DIRECTORY
    from app.ops.routing import list_agencies
    from widgets.messages.desk import install_operator_docks

    window = _window(qtbot, store, web_context)
    docks = install_operator_docks(window, window.bridge)
    qtbot.waitUntil(lambda: len(list_agencies(store)) == len(STARTING_DIRECTORY), timeout=10000)
    with qtbot.waitSignal(docks.board.loaded, timeout=10000):
        docks.board.refresh()
