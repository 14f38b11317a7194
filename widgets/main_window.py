"""The operator's main window: map, hourly chart, latest messages, briefing action."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMessageBox, QWidget

from app import ru
from app.queries import hourly_counts, last_hours_window, latest_messages, messages_in
from app.store import Store
from app.timeutil import to_local
from maps.view import MapView
from maps.web import WebContext
from widgets.briefing import BriefingMaker
from widgets.hourly_chart import HourlyChart
from widgets.live import LiveBatch
from widgets.message_table import MessageTable, MessageTableModel
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
        table_dock = self._dock("Последние сообщения", self.table, Qt.DockWidgetArea.RightDockWidgetArea)
        self.statusBar().addPermanentWidget(self.total_label)
        self.statusBar().addPermanentWidget(self.clock_label)
        self.resize(1600, 1000)
        self.resizeDocks([chart_dock], [320], Qt.Orientation.Vertical)
        self.resizeDocks([table_dock], [560], Qt.Orientation.Horizontal)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_actions(self) -> None:
        toolbar = self.addToolBar("Действия")
        toolbar.setObjectName("actions")
        self.briefing_action = QAction("Сформировать справку", self)
        self.briefing_action.setShortcut(QKeySequence("Ctrl+B"))
        self.briefing_action.triggered.connect(self._on_briefing_triggered)
        toolbar.addAction(self.briefing_action)

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
        self.chart.set_counts(batch.counts)
        self._total = sum(batch.counts.total())
        self.total_label.setText(f"За 24 часа: {ru.messages(self._total)}")
        self.clock_label.setText(to_local(batch.now).strftime("Время: %d.%m %H:%M"))

    def _on_table_double_clicked(self, index: object) -> None:
        row = self.table_model.rows[index.row()]  # type: ignore[attr-defined]
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
        self.worker.shutdown()
        super().closeEvent(event)
