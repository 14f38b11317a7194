"""Menus and shortcuts of the main window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMenu

from widgets.assistance import actions as assistance_actions

if TYPE_CHECKING:
    from widgets.shell.main_window import MainWindow

IMPORT_FILTER = "Сообщения (*.csv *.xlsx *.json *.jsonl *.geojson);;Все файлы (*)"
PACK_FILTER = "Границы муниципалитетов (*.geojson *.json *.kml);;Все файлы (*)"


def build_menus(window: MainWindow) -> None:
    """File, view and briefing menus; the toolbar carries the frequent actions."""
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
    file_menu = window.menuBar().addMenu("&Файл")
    for action in (window.import_action, window.pack_action, window.agencies_action):
        file_menu.addAction(action)
    _export_menu(window, file_menu.addMenu("Экспорт пунктов помощи"))
    file_menu.addAction(window.settings_action)
    file_menu.addAction(window.quit_action)
    map_menu = window.menuBar().addMenu("&Карта")
    map_menu.addAction(window.assistance_action)
    briefing_menu = window.menuBar().addMenu("&Справка")
    briefing_menu.addAction(window.briefing_action)
    briefing_menu.addAction(window.projection_action)
    edit_menu = window.menuBar().addMenu("&Правка")
    edit_menu.addAction(window.undo_action)
    view_menu = window.menuBar().addMenu("&Вид")
    view_menu.addAction(window.fullscreen_action)
    view_menu.addAction(window.search_action)
    for dock in window.findChildren(QDockWidget):
        view_menu.addAction(dock.toggleViewAction())
    toolbar = window.addToolBar("Действия")
    toolbar.setObjectName("actions")
    for action in (window.briefing_action, window.projection_action, window.import_action):
        toolbar.addAction(action)


def _export_menu(window: MainWindow, menu: QMenu) -> None:
    window.export_geojson_action = menu.addAction("GeoJSON…")
    window.export_geojson_action.triggered.connect(lambda: assistance_actions.ask_export(window, "geojson"))
    window.export_html_action = menu.addAction("Карта для публикации (HTML)…")
    window.export_html_action.triggered.connect(lambda: assistance_actions.ask_export(window, "html"))


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
