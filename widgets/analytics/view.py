"""Analytics: window 24 h…30 days, by category / municipality / per 1,000, baseline, marks, KPI, alerts."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.analytics.alerts import Alert, detect_spikes
from app.analytics.hourly import Baseline, HourlySeries, baseline, hourly_series, last_hours_window, per_thousand
from app.analytics.kpi import Kpi, kpi_figures
from app.ops.campaign import Mark, list_marks
from app.store.engine import Store
from widgets.analytics.alerts_panel import AlertsPanel
from widgets.analytics.hourly_chart import HourlyChart
from widgets.analytics.kpi_tiles import KpiTiles
from widgets.tasks.worker import DbWorker

WINDOWS = (("24 часа", 24), ("3 суток", 72), ("7 суток", 168), ("14 суток", 336), ("30 суток", 720))
GROUPINGS = (("По категориям", "category"), ("По муниципалитетам", "municipality"))


@dataclass(frozen=True)
class Request:
    now: datetime
    hours: int
    by: str
    rates: bool
    with_baseline: bool


@dataclass(frozen=True)
class AnalyticsData:
    request: Request
    series: HourlySeries
    baseline: Baseline | None
    marks: tuple[Mark, ...]
    kpi: Kpi
    alerts: tuple[Alert, ...]


def load(store: Store, request: Request, population: Mapping[str, int]) -> AnalyticsData:
    """Everything the view shows, computed off the UI thread."""
    start, end = last_hours_window(request.now, request.hours)
    series = hourly_series(store, start, end, request.by)
    if request.rates and request.by == "municipality":
        series = per_thousand(hourly_series(store, start, end, request.by, top=None), population)
    base = baseline(store, start, end) if request.with_baseline and request.by == "category" else None
    return AnalyticsData(request, series, base, list_marks(store, start, end), kpi_figures(store, request.now),
                         detect_spikes(store, request.now))


class AnalyticsView(QWidget):
    """Controls on top, KPI tiles, the chart with the alert feed beside it."""

    hourFilterRequested = Signal(object, str)  # noqa: N815 (Qt signal naming): UTC hour start, series key

    def __init__(self, store: Store, worker: DbWorker, clock: object,
                 population: Mapping[str, int] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.worker, self.clock = store, worker, clock
        self.population = dict(population or {})
        self.data: AnalyticsData | None = None
        self.period_end: datetime | None = None  # set by the map's time window; None = now
        self.period_hours: int | None = None
        self.chart = HourlyChart()
        self.tiles = KpiTiles()
        self.alerts = AlertsPanel()
        self.status = QLabel()
        self._build_controls()
        self._build_layout()
        self.chart.barClicked.connect(self.hourFilterRequested)

    def _build_controls(self) -> None:
        self.window_box = QComboBox()
        for text, hours in WINDOWS:
            self.window_box.addItem(text, hours)
        self.group_box = QComboBox()
        for text, key in GROUPINGS:
            self.group_box.addItem(text, key)
        self.rates_box = QCheckBox("на 1 000 жителей")
        self.baseline_box = QCheckBox("обычный уровень")
        self.baseline_box.setChecked(True)
        self.export_button = QPushButton("Экспорт…")
        for box in (self.window_box, self.group_box):
            box.currentIndexChanged.connect(self._on_control_changed)
        for check in (self.rates_box, self.baseline_box):
            check.toggled.connect(self._on_control_changed)
        self.export_button.clicked.connect(self._on_export_clicked)
        self._sync_rates_box()

    def _build_layout(self) -> None:
        controls = QHBoxLayout()
        for widget in (QLabel("Окно:"), self.window_box, self.group_box, self.rates_box, self.baseline_box):
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(self.status)
        controls.addWidget(self.export_button)
        splitter = QSplitter()
        splitter.addWidget(self.chart)
        splitter.addWidget(self.alerts)
        splitter.setSizes([900, 320])
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.tiles)
        layout.addWidget(splitter, 1)

    def _sync_rates_box(self) -> None:
        enabled = bool(self.population) and self.group_box.currentData() == "municipality"
        self.rates_box.setEnabled(enabled)
        self.rates_box.setToolTip("" if self.population else "Загрузите пакет региона с численностью населения")

    def request(self) -> Request:
        """The current choice of the controls, snapshotted for the worker."""
        now = self.period_end or self.clock.now()  # type: ignore[attr-defined]
        hours = self.period_hours or int(self.window_box.currentData())
        rates = self.rates_box.isEnabled() and self.rates_box.isChecked()
        return Request(now, hours, str(self.group_box.currentData()), rates, self.baseline_box.isChecked())

    def set_period(self, start: datetime, end: datetime, live: bool) -> None:
        """Follow the map's time window (whole hours); ``live`` windows keep ending at the clock's now."""
        self.period_hours = max(1, math.ceil((end - start).total_seconds() / 3600))
        self.period_end = None if live else end - timedelta(seconds=1)
        self.refresh()

    def refresh(self) -> None:
        """Reload from the database in the background."""
        request, population = self.request(), dict(self.population)
        self.status.setText("Обновление…")
        self.worker.run(lambda: load(self.store, request, population), self.apply, self._on_load_failed, owner=self)

    def apply(self, data: AnalyticsData) -> None:
        """Show loaded data (main thread)."""
        self.data = data
        self.chart.set_series(data.series)
        self.chart.set_baseline(data.baseline)
        self.chart.set_marks([(m.at, m.title) for m in data.marks])
        self.tiles.set_kpi(data.kpi)
        self.alerts.add_alerts(data.alerts)
        self.status.setText("")

    def _on_load_failed(self, exc: BaseException) -> None:
        self.status.setText(f"Ошибка загрузки: {exc}")

    def _on_control_changed(self, *_: object) -> None:
        self._sync_rates_box()
        self.refresh()

    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Экспорт графика", "по-часам.xlsx",
                                              "Excel (*.xlsx);;CSV (*.csv);;PNG (*.png);;SVG (*.svg)")
        if path:
            self.export(Path(path))

    def export(self, path: Path) -> None:
        """Chart image (PNG/SVG) or its data (CSV/XLSX) by suffix."""
        if path.suffix.lower() in (".png", ".svg"):
            self.chart.export_image(path)
        else:
            self.chart.export_data(path)

