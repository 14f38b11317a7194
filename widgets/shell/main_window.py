"""The operator's main window: map, dynamics, messages, incidents, feed, briefing archive."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMessageBox, QVBoxLayout, QWidget

from app.categories import CODES
from app.common import ru
from app.common.timeutil import to_local
from app.core import Core
from app.intake.feed_state import FeedHealth
from app.queries.map import MapWindow
from app.queries.messages import MessageRow
from app.settings import KEYS
from maps.qt.web import WebContext
from widgets.analytics.view import AnalyticsView
from widgets.assistance.actions import open_dialog as open_assistance
from widgets.briefing.archive_view import BriefingArchiveView
from widgets.briefing.maker import BriefingMaker, BriefingResult
from widgets.map.map_panel import MapPanel
from widgets.messages.actions import OperatorActions, build_menu
from widgets.messages.filters import MessageFilterBar
from widgets.messages.incidents import IncidentTable
from widgets.messages.table import MessageTable, MessageTableModel, TimeWindow
from widgets.shell.layout_store import app_settings
from widgets.shell.menus import build_menus
from widgets.shell.settings_dialog import SettingsDialog
from widgets.tasks.core_bridge import CoreBridge
from widgets.tasks.live import LiveBatch, initial_batch
from widgets.tasks.worker import DbWorker

WINDOW_TITLE = "Оперштаб"
ANALYTICS_DELAY_MS = 1500  # coalesce chart reloads during bursts


class MainWindow(QMainWindow):
    def __init__(self, core: Core, context: WebContext, worker: DbWorker, briefing_dir: Path | None = None) -> None:
        super().__init__()
        self.core, self.store, self.worker = core, core.store, worker
        self.region = core.region.name if core.region else "регион не выбран"
        self.setWindowTitle(f"{WINDOW_TITLE} — {self.region}")
        self.setAcceptDrops(True)
        self.bridge = CoreBridge(core, self)
        store, clock = core.store, core.clock
        self.map_panel = MapPanel(core, context, worker, parent=self)
        self.map_view = self.map_panel.view
        self.analytics = AnalyticsView(store, worker, clock)
        self.chart = self.analytics.chart
        self.table_model = MessageTableModel(parent=self)
        self.table = MessageTable(self.table_model)
        self.filters = MessageFilterBar()
        self.incidents = IncidentTable(store, worker)
        self.archive = BriefingArchiveView(store, worker)
        self.feed_label = QLabel("Лента не подключена")
        self.actions_ = OperatorActions(store, worker, self)
        self.briefing = BriefingMaker(store, context, self.map_view, self.chart, briefing_dir, parent=self)
        self.total_label, self.clock_label = QLabel(), QLabel()
        self.last_briefing: BriefingResult | None = None
        self.open_files = True
        self.last_warning = ""
        self._analytics_timer = QTimer(self, singleShot=True, interval=ANALYTICS_DELAY_MS)
        self._build_layout()
        build_menus(self)
        self._connect()

    def _build_layout(self) -> None:
        self.setCentralWidget(self.map_panel)
        area = Qt.DockWidgetArea
        docks = [
            self._dock("Динамика и показатели", self.analytics, area.BottomDockWidgetArea),
            self._dock("Сообщения", self._messages_panel(), area.RightDockWidgetArea),
            self._dock("Происшествия", self.incidents, area.RightDockWidgetArea),
            self._dock("Лента", self.feed_label, area.LeftDockWidgetArea),
            self._dock("Архив справок", self.archive, area.LeftDockWidgetArea),
        ]
        self.tabifyDockWidget(docks[1], docks[2])
        self.tabifyDockWidget(docks[3], docks[4])
        docks[1].raise_()
        self.statusBar().addPermanentWidget(self.total_label)
        self.statusBar().addPermanentWidget(self.clock_label)
        self.resize(1600, 1000)
        self.resizeDocks([docks[0]], [380], Qt.Orientation.Vertical)
        self.resizeDocks([docks[1]], [600], Qt.Orientation.Horizontal)
        self.resizeDocks([docks[3]], [220], Qt.Orientation.Horizontal)
        docks[3].hide()
        docks[4].hide()

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

    def _connect(self) -> None:
        self.filters.changed.connect(self.table.proxy.set_criteria)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu)
        self.actions_.changed.connect(self._on_rows_changed)
        self.actions_.failed.connect(self.warn)
        self.briefing.completed.connect(self._on_briefing_completed)
        self.analytics.hourFilterRequested.connect(self._on_hour_filter_requested)
        self.map_panel.packFailed.connect(self.warn)
        self.incidents.incidentActivated.connect(lambda lat, lon: self.map_view.fly_to(lat, lon, 12))
        self._analytics_timer.timeout.connect(self._on_analytics_due)
        self.map_panel.windowChanged.connect(self._on_map_window_changed)
        self.map_panel.assistanceRequested.connect(lambda lat, lon: open_assistance(self, (lat, lon)))

    def warn(self, text: str) -> None:
        """A warning that does not block the event loop (live updates go on behind it)."""
        self.statusBar().showMessage(text.splitlines()[0], 15000)
        box = QMessageBox(QMessageBox.Icon.Warning, WINDOW_TITLE, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_warning = text

    def action(self, text: str, shortcut: str | None, slot: object) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    # data --------------------------------------------------------------------
    def load_initial(self) -> None:
        """Fill the views from the database (off the UI thread)."""
        now = self.clock.now()
        self.worker.run(lambda: initial_batch(self.store, now, self.table_model.limit), self._on_initial_loaded,
                        owner=self)
        self.map_panel.load_window()
        self.archive.refresh()

    def _on_initial_loaded(self, batch: LiveBatch) -> None:
        self.table_model.reset_rows(batch.rows)
        self.filters.add_municipalities(row.municipality for row in batch.rows)
        self._show_counts(batch)
        self.analytics.refresh()
        self.incidents.refresh()

    def apply_batch(self, batch: LiveBatch) -> None:
        """New messages to map and table; dynamics reloaded once the burst settles; no page reload."""
        self.map_panel.add_rows(batch.rows)
        self.table_model.prepend(batch.rows)
        self.filters.add_municipalities(row.municipality for row in batch.rows)
        self._show_counts(batch)
        if not self._analytics_timer.isActive():
            self._analytics_timer.start()

    def _show_counts(self, batch: LiveBatch) -> None:
        self.total_label.setText(f"За 24 часа: {ru.messages(sum(batch.counts.total()))}")
        self.clock_label.setText(to_local(batch.now).strftime("Время: %d.%m %H:%M"))

    def _on_analytics_due(self) -> None:
        self.analytics.refresh()
        self.incidents.refresh()
        self.map_panel.refresh_layers()

    def set_feed_health(self, health: FeedHealth) -> None:
        self.feed_label.setText(health.label)
        self.feed_label.setStyleSheet("color: #b00020; font-weight: bold;" if health.is_warning else "")
        self.statusBar().showMessage(health.label, 0 if health.is_warning else 5000)

    # operator ----------------------------------------------------------------
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        row = self.table.row_at(index)
        if row.lat is not None and row.lon is not None:
            self.map_view.fly_to(row.lat, row.lon)
            self.map_view.show_popup(row.id)

    def _on_table_context_menu(self, pos: QPoint) -> None:
        rows = self.table.selected_messages()
        if rows:
            build_menu(self.actions_, rows, self).exec(self.table.viewport().mapToGlobal(pos))

    def _on_rows_changed(self, rows: list[MessageRow]) -> None:
        self.table_model.replace_rows(rows)
        self.map_view.update_messages(rows)
        self._analytics_timer.start()

    def _on_hour_filter_requested(self, hour: datetime, key: str) -> None:
        """A bar clicked in the chart: the map (and through it the list) shows that hour and category."""
        categories = frozenset({key}) if key in CODES else frozenset()
        self.map_panel.set_window(start=hour, end=hour + timedelta(hours=1), categories=categories)

    def _on_map_window_changed(self, window: MapWindow) -> None:
        """The map's period and categories drive the list and the graph too."""
        live = abs((window.end - self.clock.now()).total_seconds()) < 3600
        end = None if live else window.end  # a live window keeps taking new messages
        self.table.proxy.set_window(TimeWindow(window.start, end, frozenset(window.categories)))
        self.analytics.set_period(window.start, window.end, live)

    # briefing ----------------------------------------------------------------
    def make_briefing(self) -> None:
        self.statusBar().showMessage("Формируется справка…")
        self.briefing.make(self.clock.now(), self.region)

    def _on_briefing_completed(self, result: BriefingResult) -> None:
        self.last_briefing = result
        self.archive.refresh()
        if result.errors:
            lines = [f"{fmt.upper()}: {error}" for fmt, error in result.errors.items()]
            self.warn("Справка сформирована не полностью:\n" + "\n".join(lines))
        pdf = result.files.get("pdf")
        if pdf is not None:
            self.statusBar().showMessage(f"Справка сохранена: {pdf}", 10000)
            if self.open_files:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(pdf)))

    # settings and layout -----------------------------------------------------
    @property
    def clock(self) -> object:
        return self.core.clock

    def edit_settings(self) -> None:
        dialog = SettingsDialog(self.core.settings, self)
        if dialog.exec():
            edited = dialog.settings
            values = {key: getattr(edited, key) for key in KEYS}
            self.worker.run(lambda: self.core.update_settings(**values),
                            lambda _changes: self.statusBar().showMessage("Настройки сохранены", 5000),
                            lambda exc: self.warn(str(exc)), owner=self)

    def toggle_full_screen(self) -> None:
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

    # drag and drop import ------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt API)
        from widgets.intake.import_dialog import importable_paths

        if importable_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt API)
        from widgets.intake.import_dialog import importable_paths

        paths = importable_paths(event.mimeData())
        if paths:
            self.open_import(paths)

    def open_import(self, paths: list) -> None:
        from widgets.intake.import_dialog import ImportDialog

        dialog = ImportDialog(self.core, self.worker, paths, parent=self)
        dialog.imported.connect(self._on_imported)
        dialog.show()

    def _on_imported(self, summary: object) -> None:
        self.statusBar().showMessage(summary.line, 15000)  # type: ignore[attr-defined]
        self.load_initial()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self.save_layout()
        self.worker.shutdown()
        super().closeEvent(event)
