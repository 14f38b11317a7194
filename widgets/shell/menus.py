"""Menus and shortcuts of the main window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFileDialog

from widgets.assistance import actions as assistance_actions
from widgets.map import overlay_menu
from widgets.shell.export_menu import build_export_menu
from widgets.shell.help import build_help_menu

if TYPE_CHECKING:
    from widgets.shell.main_window import MainWindow

IMPORT_FILTER = "Сообщения (*.csv *.xlsx *.json *.jsonl *.geojson);;Все файлы (*)"
PACK_FILTER = "Границы муниципалитетов (*.geojson *.json *.kml);;Все файлы (*)"


def build_menus(window: MainWindow) -> None:
    """File, map, briefing, edit, view and help menus; the toolbar carries the frequent actions."""
    window.briefing_action = window.action("Сформировать справку", "Ctrl+B", window.make_briefing)
    window.projection_action = window.action("Показать справку на экране", "Ctrl+P",
                                             lambda: _project(window))
    window.import_action = window.action("Импорт сообщений…", "Ctrl+I", lambda: _ask_import(window))
    window.pack_action = window.action("Загрузить пакет региона…", None, lambda: _ask_pack(window))
    window.settings_action = window.action("Настройки…", "Ctrl+,", window.edit_settings)
    window.agencies_action = window.action("Справочник ведомств…", None, lambda: _agencies(window))
    window.assistance_action = window.action("Пункты помощи…", None, lambda: assistance_actions.open_dialog(window))
    window.fullscreen_action = window.action("Во весь экран", "F11", window.toggle_full_screen)
    window.search_action = window.action("Поиск", "Ctrl+F", lambda: window.filters.search.setFocus())
    window.undo_action = window.action("Отменить последнее действие", "Ctrl+Z", window.actions_.undo)
    window.quit_action = window.action("Выход", "Ctrl+Q", window.close)
    window.overlay_import_action = window.action("Импорт слоя…", None, lambda: _ask_overlay(window))
    window.overlays_action = window.action("Слои…", None, lambda: _overlays(window))
    window.live_action = window.action("К текущему времени", "Ctrl+L", window.view_bar.badge.go_live)
    file_menu = window.menuBar().addMenu("&Файл")
    for action in (window.import_action, window.pack_action, window.agencies_action):
        file_menu.addAction(action)
    window.export_menu = file_menu.addMenu("Экспорт")
    build_export_menu(window, window.export_menu)
    file_menu.addAction(window.settings_action)
    file_menu.addAction(window.quit_action)
    map_menu = window.menuBar().addMenu("&Карта")
    for action in (window.overlay_import_action, window.overlays_action, window.assistance_action):
        map_menu.addAction(action)
    briefing_menu = window.menuBar().addMenu("&Справка губернатору")
    window.print_briefing_action = window.action("Печать справки…", None, window.print_briefing)
    for action in (window.briefing_action, window.projection_action, window.print_briefing_action):
        briefing_menu.addAction(action)
    edit_menu = window.menuBar().addMenu("&Правка")
    edit_menu.addAction(window.undo_action)
    view_menu = window.menuBar().addMenu("&Вид")
    for action in (window.live_action, window.fullscreen_action, window.search_action):
        view_menu.addAction(action)
    for dock in window.findChildren(QDockWidget):
        view_menu.addAction(dock.toggleViewAction())
    build_help_menu(window)
    toolbar = window.addToolBar("Действия")
    toolbar.setObjectName("actions")
    for action in (window.briefing_action, window.projection_action, window.import_action):
        toolbar.addAction(action)


def _ask_overlay(window: MainWindow) -> None:
    overlay_menu.ask_import(window.core, window.worker, window,
                            lambda text: window.statusBar().showMessage(text, 10000), window.warn)


def _overlays(window: MainWindow) -> None:
    dialog = overlay_menu.OverlaysDialog(window.core, window.worker, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    window.overlays_dialog = dialog


def _ask_import(window: MainWindow) -> None:
    paths, _ = QFileDialog.getOpenFileNames(window, "Импорт сообщений", "", IMPORT_FILTER)
    if paths:
        window.open_import(paths)


def _ask_pack(window: MainWindow) -> None:
    path, _ = QFileDialog.getOpenFileName(window, "Пакет региона", "", PACK_FILTER)
    if path:
        window.map_panel.load_region_pack(path)


def _project(window: MainWindow) -> None:
    from widgets.briefing.projection import ProjectionWindow

    result = window.last_briefing
    if result is None or result.figures is None:
        window.statusBar().showMessage("Сначала сформируйте справку (Ctrl+B)", 8000)
        return
    window.projection = ProjectionWindow(result.figures, result.map_png, result.chart_png)
    window.projection.present()


def _agencies(window: MainWindow) -> None:
    from widgets.messages.agencies import AgencyDialog

    dialog = AgencyDialog(window.store, window.worker, window)  # non-modal: live updates go on behind it
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
