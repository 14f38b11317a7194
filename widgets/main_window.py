"""The operator's main window: map, hourly chart, latest messages, briefing action."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMessageBox, QVBoxLayout, QWidget

from app import ru
from app.config import AppConfig, load_config, save_config
from app.queries import hourly_counts, last_hours_window, latest_messages, messages_in
from app.store import Store
from app.timeutil import to_local
from maps.view import MapView
from maps.web import WebContext
from widgets.briefing import BriefingMaker
from widgets.hourly_chart import HourlyChart
from widgets.live import LiveBatch
from widgets.message_filters import MessageFilterBar
from widgets.message_table import MessageTable, MessageTableModel
from widgets.settings_dialog import SettingsDialog
from widgets.settings_store import app_settings
from widgets.worker import DbWorker

WINDOW_TITLE = "Оперштаб"


class MainWindow(QMainWindow):
    def __init__(self, store: Store, context: WebContext, worker: DbWorker, clock: object,
                 region: str = "Краснодарский край", briefing_dir: Path | None = None) -> None:
        super().__init__()
        self.setWindowTitle(f"{WINDOW_TITLE} — {region}")
        self.store, self.worker, self.clock, self.region = store, worker, clock, region
        self.map_view = MapView(context, parent=self)
        self.chart = HourlyChart()
        self.table_model = MessageTableModel(parent=self)
        self.table = MessageTable(self.table_model)
        self.filters = MessageFilterBar()
        self.filters.changed.connect(self.table.proxy.set_criteria)
        self.briefing = BriefingMaker(store, context, self.map_view, self.chart, briefing_dir, parent=self)
        self.total_label = QLabel()
        self.clock_label = QLabel()
        self._total = 0
        self._build_layout()
        self._build_actions()
        self.briefing.finished.connect(self._on_briefing_finished)
        self.table.doubleClicked.connect(self._on_table_double_clicked)

    def _build_layout(self) -> None:
        self.setCentralWidget(self.map_view)
        chart_dock = self._dock("Сообщения по часам", self.chart, Qt.DockWidgetArea.BottomDockWidgetArea)
        table_dock = self._dock("Сообщения", self._messages_panel(), Qt.DockWidgetArea.RightDockWidgetArea)
        self.statusBar().addPermanentWidget(self.total_label)
        self.statusBar().addPermanentWidget(self.clock_label)
        self.resize(1600, 1000)
        self.resizeDocks([chart_dock], [320], Qt.Orientation.Vertical)
        self.resizeDocks([table_dock], [560], Qt.Orientation.Horizontal)

    def _messages_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.filters)
        layout.addWidget(self.table, 1)
        return panel

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_actions(self) -> None:
        toolbar = self.addToolBar("Действия")
        toolbar.setObjectName("actions")
        self.briefing_action = self._action("Сформировать справку", "Ctrl+B", self._on_briefing_triggered)
        toolbar.addAction(self.briefing_action)
        self.fullscreen_action = self._action("Во весь экран", "F11", self._on_fullscreen_triggered)
        self.search_action = self._action("Поиск", "Ctrl+F", lambda: self.filters.search.setFocus())
        self.settings_action = self._action("Настройки…", "Ctrl+,", self._on_settings_triggered)
        file_menu = self.menuBar().addMenu("&Файл")
        file_menu.addAction(self.briefing_action)
        file_menu.addAction(self.settings_action)
        view_menu = self.menuBar().addMenu("&Вид")
        view_menu.addAction(self.fullscreen_action)
        view_menu.addAction(self.search_action)
        for dock in self.findChildren(QDockWidget):
            view_menu.addAction(dock.toggleViewAction())

    def _action(self, text: str, shortcut: str, slot: object) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _on_settings_triggered(self) -> None:
        self.worker.run(lambda: load_config(self.store), self._edit_settings, owner=self)

    def _edit_settings(self, config: AppConfig) -> None:
        dialog = SettingsDialog(config, self)
        if dialog.exec():
            edited = dialog.config
            self.worker.run(lambda: save_config(self.store, edited),
                            lambda _none: self.statusBar().showMessage("Настройки сохранены", 5000),
                            lambda exc: QMessageBox.warning(self, WINDOW_TITLE, str(exc)), owner=self)

    def _on_fullscreen_triggered(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def restore_layout(self) -> None:
        """Window geometry and dock layout as the operator left them."""
        settings = app_settings()
        geometry, state = settings.value("main/geometry"), settings.value("main/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def save_layout(self) -> None:
        settings = app_settings()
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/state", self.saveState())
        settings.sync()

    def load_initial(self) -> None:
        """Fill the views from the database (off the UI thread)."""
        now = self.clock.now()
        start, end = last_hours_window(now)
        self.worker.run(
            lambda: LiveBatch(now, messages_in(self.store, start, end), hourly_counts(self.store, start, end)),
            self._on_initial_loaded, owner=self,
        )
        self.worker.run(lambda: latest_messages(self.store, self.table_model.limit), self.table_model.reset_rows,
                        owner=self)

    def _on_initial_loaded(self, batch: LiveBatch) -> None:
        self.map_view.clear_messages()
        self.apply_batch(batch)

    def apply_batch(self, batch: LiveBatch) -> None:
        """New messages to map and table, fresh counts to the chart; no page reload."""
        self.map_view.add_messages(batch.rows)
        self.table_model.prepend(batch.rows)
        self.filters.add_municipalities(row.municipality for row in batch.rows)
        self.chart.set_counts(batch.counts)
        self._total = sum(batch.counts.total())
        self.total_label.setText(f"За 24 часа: {ru.messages(self._total)}")
        self.clock_label.setText(to_local(batch.now).strftime("Время: %d.%m %H:%M"))

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        row = self.table.row_at(index)
        if row.lat is not None and row.lon is not None:
            self.map_view.fly_to(row.lat, row.lon)

    def _on_briefing_triggered(self) -> None:
        self.briefing_action.setEnabled(False)
        self.statusBar().showMessage("Формируется справка…")
        self.briefing.make(self.clock.now(), self.region)

    def _on_briefing_finished(self, path: str, ok: bool) -> None:
        self.briefing_action.setEnabled(True)
        if not ok:
            QMessageBox.warning(self, WINDOW_TITLE, f"Не удалось сформировать справку: {path}")
            return
        self.statusBar().showMessage(f"Справка сохранена: {path}", 10000)
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self.save_layout()
        self.worker.shutdown()
        super().closeEvent(event)
