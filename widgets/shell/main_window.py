"""The operator's main window: map, dynamics, messages, incidents, feed, briefing archive.

Every view follows the core by itself (its announcements and the one view state); the
window only lays them out, reports operator outcomes, applies the settings dialog and
does its own part of a settings change (``widgets.shell.effects``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow, QMessageBox, QToolBar, QWidget

from app.common.changes import Changes
from app.core import Core
from app.intake.feed_state import FeedHealth
from app.ops import Outcome
from maps.qt.web import WebContext
from widgets.analytics.view import AnalyticsView
from widgets.assistance.actions import open_dialog as open_assistance
from widgets.briefing.archive_view import BriefingArchiveView
from widgets.briefing.desk import BriefingDesk
from widgets.briefing.maker import BriefingResult
from widgets.federal import RegionsPanel
from widgets.intake.sources_dock import install_sources_dock
from widgets.map.map_panel import MapPanel
from widgets.messages.actions import OperatorActions
from widgets.messages.desk import install_operator_docks
from widgets.messages.incidents import IncidentTable
from widgets.messages.panel import MessagePanel
from widgets.shell import effects
from widgets.shell.alarm import AlarmBeacon
from widgets.shell.layout_store import app_settings
from widgets.shell.menus import build_menus
from widgets.shell.offline_queue import QueueReplayer
from widgets.shell.qtapp import install_russian
from widgets.shell.settings_dialog import SettingsDialog
from widgets.shell.status import StatusFigures
from widgets.shell.theme import apply_theme
from widgets.shell.view_bar import ViewBar
from widgets.tasks.core_bridge import CoreBridge
from widgets.tasks.live_sources import LiveSource
from widgets.tasks.worker import DbWorker

WINDOW_TITLE = effects.WINDOW_TITLE


class MainWindow(QMainWindow):
    def __init__(self, core: Core, context: WebContext, worker: DbWorker, briefing_dir: Path | None = None) -> None:
        super().__init__()
        install_russian(QApplication.instance())  # Qt's own dialogs and buttons in Russian
        self.core, self.store, self.worker = core, core.store, worker
        self.region = core.region.name if core.region else "регион не выбран"
        self.setWindowTitle(effects.window_title(self))
        self.setAcceptDrops(True)
        self.live: LiveSource | None = None
        self.map_panel = MapPanel(core, context, worker, parent=self)
        self.map_view = self.map_panel.view
        self.analytics = AnalyticsView(core, worker)
        self.chart = self.analytics.chart
        self.messages = MessagePanel(core, worker, parent=self)
        self.table_model, self.table, self.filters = self.messages.model, self.messages.table, self.messages.filters
        self.incidents = IncidentTable(core, worker)
        self.archive = BriefingArchiveView(core, worker)
        self.feed_label = QLabel("Лента не подключена")
        self.actions_ = OperatorActions(core, worker, self)
        self.briefing = BriefingDesk(core, context, briefing_dir, parent=self)
        self.status_figures = StatusFigures(core, worker, self)
        self.view_bar = ViewBar(core, self.map_panel.period, self.map_panel.category_menu_button, self)
        self.alarm = AlarmBeacon(core, worker, self, self.analytics.sound)
        self.regions = RegionsPanel(core, worker)
        self.queue_replayer = QueueReplayer(core, worker, lambda text: self.statusBar().showMessage(text, 15000),
                                            parent=self)
        self.last_briefing: BriefingResult | None = None
        self.open_files = True
        self.last_warning = ""
        self._build_layout()
        self._connect()
        self.operator_docks = install_operator_docks(self, self.bridge)  # message card, deadline board
        self.tabifyDockWidget(self.operator_docks.board_dock, self.incidents_dock)  # the list's tabs stay together
        self.messages_dock.raise_()
        self.sources = install_sources_dock(self, self.bridge, self.worker, start=False)  # polled from load_initial
        self.tabifyDockWidget(self.feed_dock, self.sources)
        self.sources.hide()
        build_menus(self)
        apply_theme(core.settings.theme)

    def _build_layout(self) -> None:
        self.setCentralWidget(self.map_panel)
        view_toolbar = QToolBar("Период и фильтры", self)
        view_toolbar.setObjectName("view")
        view_toolbar.setMovable(False)
        view_toolbar.addWidget(self.view_bar)  # one period control and one category filter for every view
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, view_toolbar)
        area = Qt.DockWidgetArea
        docks = [
            self._dock("Динамика и показатели", self.analytics, area.BottomDockWidgetArea),
            self._dock("Сообщения", self.messages, area.RightDockWidgetArea),
            self._dock("Происшествия", self.incidents, area.RightDockWidgetArea),
            self._dock("Лента", self.feed_label, area.LeftDockWidgetArea),
            self._dock("Архив справок", self.archive, area.LeftDockWidgetArea),
            self._dock("Регионы", self.regions, area.LeftDockWidgetArea),
        ]
        self.tabifyDockWidget(docks[1], docks[2])
        self.tabifyDockWidget(docks[3], docks[4])
        self.tabifyDockWidget(docks[3], docks[5])
        self.feed_dock, self.messages_dock, self.incidents_dock = docks[3], docks[1], docks[2]
        docks[1].raise_()
        self.statusBar().addPermanentWidget(self.alarm.button)
        self.statusBar().addPermanentWidget(self.status_figures.total_label)
        self.statusBar().addPermanentWidget(self.status_figures.clock_label)
        self.resize(1600, 1000)
        self.resizeDocks([docks[0]], [380], Qt.Orientation.Vertical)
        self.resizeDocks([docks[1]], [600], Qt.Orientation.Horizontal)
        self.resizeDocks([docks[3]], [220], Qt.Orientation.Horizontal)
        for dock in docks[3:]:
            dock.hide()

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _connect(self) -> None:
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.actions_.completed.connect(self._on_action_completed)
        self.actions_.failed.connect(self.warn)
        self.briefing.completed.connect(self._on_briefing_completed)
        self.map_panel.packFailed.connect(self.warn)
        self.incidents.incidentActivated.connect(lambda lat, lon: self.map_view.fly_to(lat, lon, 12))
        self.map_panel.assistanceRequested.connect(lambda lat, lon: open_assistance(self, (lat, lon)))
        self.analytics.spiked.connect(self.alarm.on_spikes)
        self.regions.regionActivated.connect(self.map_panel.frame_subject)
        self.regions.russiaRequested.connect(self.map_panel.frame_russia)
        self.bridge = CoreBridge(self.core, self)
        self.bridge.changed.connect(self._on_core_changed)

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
        """Fill the views from the database (off the UI thread) and start the briefing schedule."""
        self.messages.load()
        self.map_panel.load_window()
        self.map_panel.frame_region()  # the region fills the map at the window's real size
        self.analytics.refresh()
        self.incidents.refresh()
        self.archive.refresh()
        self.regions.refresh()
        self.status_figures.count()
        self.briefing.start()  # scheduled briefings by the core's clock (the scenario's in the demo)
        self.sources.start()  # configured sources (VK, Telegram, RSS, Open311, CAP), one seat per source

    def attach_live(self, live: LiveSource) -> None:
        """Start ``live`` (the views follow what it stores through the core); the window shows its health."""
        self.live = live
        live.attach(self, self.set_feed_health)
        if live.indicator is not None:
            self.statusBar().insertPermanentWidget(0, live.indicator)
        if live.bridge is not None:  # a shared server: edits queued while it was away are replayed on return
            live.bridge.stateChanged.connect(self.queue_replayer.on_state)

    def set_feed_health(self, health: FeedHealth) -> None:
        self.alarm.on_feed_health(health)
        self.feed_label.setText(health.label)
        self.feed_label.setStyleSheet("color: #b00020; font-weight: bold;" if health.is_warning else "")
        self.statusBar().showMessage(health.label, 0 if health.is_warning else 5000)

    def set_feed_state_text(self, text: str) -> None:
        self.feed_label.setText(text)
        self.statusBar().showMessage(text, 8000)

    def _on_core_changed(self, changes: Changes) -> None:
        effects.react(self, changes)

    # operator ----------------------------------------------------------------
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        row = self.table.row_at(index)
        if row.lat is not None and row.lon is not None:
            self.map_view.fly_to(row.lat, row.lon)
            self.map_view.show_popup(row.id)

    def _on_action_completed(self, outcome: Outcome) -> None:
        if outcome.text:
            self.statusBar().showMessage(outcome.text, 10000)

    # briefing ----------------------------------------------------------------
    def make_briefing(self) -> None:
        """Ctrl+B: the briefing of the last full hour, opened when written."""
        self.statusBar().showMessage("Формируется справка…")
        self.briefing.make()

    def print_briefing(self) -> None:
        """«Печать справки»: the last briefing's PDF through the system's print dialog."""
        from widgets.briefing.printing import print_briefing

        pdf = self.last_briefing.files.get("pdf") if self.last_briefing is not None else None
        if pdf is None:
            self.statusBar().showMessage("Сначала сформируйте справку (Ctrl+B)", 8000)
            return
        self.statusBar().showMessage(print_briefing(self, pdf), 10000)

    def _on_briefing_completed(self, result: BriefingResult, scheduled: bool) -> None:
        self.last_briefing = result
        if result.errors:
            lines = [f"{fmt.upper()}: {error}" for fmt, error in result.errors.items()]
            self.warn("Справка сформирована не полностью:\n" + "\n".join(lines))
        pdf = result.files.get("pdf")
        if pdf is not None:
            when = "по расписанию " if scheduled else ""
            self.statusBar().showMessage(f"Справка {when}сохранена: {pdf}", 10000)
            if self.open_files and not scheduled:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(pdf)))

    # settings and layout -----------------------------------------------------
    @property
    def clock(self) -> Any:
        return self.core.clock

    def edit_settings(self) -> SettingsDialog:
        """The settings dialog (non-modal); OK applies the changes through the core."""
        secrets = self.core.secrets
        dialog = SettingsDialog(self.core.settings, self, secrets.token(), secrets.persistent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.apply_settings(dialog.changed(), dialog.token))
        dialog.open()
        return dialog

    def apply_settings(self, values: dict[str, Any], token: str | None = None) -> None:
        """Store ``values`` (and the feed token) through the core on the worker; the views follow its announcement."""
        core, text = self.core, effects.saved_text(frozenset(values))
        self.worker.run(lambda: effects.store_settings(core, values, token),
                        lambda _none: self.statusBar().showMessage(text, 15000),
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
        """The import dialog; what it stores reaches the views through the core's announcement."""
        from widgets.intake.import_dialog import ImportDialog

        dialog = ImportDialog(self.core, self.worker, paths, parent=self)
        dialog.imported.connect(lambda summary: self.statusBar().showMessage(summary.line, 15000))
        dialog.show()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self.save_layout()
        self.briefing.scheduler.stop()
        self.sources.stop()
        self.worker.shutdown()
        super().closeEvent(event)
