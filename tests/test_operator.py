"""Operator window: dock layout saved and restored, shortcuts, full screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from tests.fixtures import FIXTURE_START


class FixedClock:
    speed = 1.0

    def now(self):  # noqa: ANN201
        return FIXTURE_START


def _window(qtbot, store, web_context):  # noqa: ANN001, ANN202
    from widgets.main_window import MainWindow
    from widgets.worker import DbWorker

    window = MainWindow(store, web_context, DbWorker(), FixedClock())
    qtbot.addWidget(window, before_close_func=lambda w: w.briefing.shutdown())
    return window


def test_dock_layout_survives_restart(qtbot, store, web_context):
    first = _window(qtbot, store, web_context)
    first.show()
    chart_dock = next(d for d in first.findChildren(QDockWidget) if d.objectName() == "Сообщения по часам")
    first.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, chart_dock)
    assert first.dockWidgetArea(chart_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    first.close()
    second = _window(qtbot, store, web_context)
    second.restore_layout()
    second.show()
    again = next(d for d in second.findChildren(QDockWidget) if d.objectName() == "Сообщения по часам")
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
