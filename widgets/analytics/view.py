"""Analytics: the view state's period, by category / municipality / per 1,000, baseline, marks, KPI, alerts.

The period and the categories are the core's view state (set in the window's one view
bar): the chart and the KPI tiles show what the map and the list show. The view refreshes itself when the
core announces new or edited messages, incidents, campaign marks, a new pack or
changed settings (bursts coalesced), and at once when the view state changes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
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
from app.categories import CODES
from app.common.changes import Changes, Kind
from app.common.timeutil import to_local
from app.core import LIVE_CHOICES, Core, View
from app.ops.campaign import Mark, list_marks
from app.ops.deadlines import WorkCalendar
from app.store.engine import Store
from widgets.analytics.alerts_panel import AlertSound, AlertsPanel
from widgets.analytics.hourly_chart import HourlyChart
from widgets.analytics.kpi_tiles import KpiTiles
from widgets.tasks.core_bridge import Coalescer, CoreBridge
from widgets.tasks.worker import DbWorker

GROUPINGS = (("По категориям", "category"), ("По муниципалитетам", "municipality"))
ANALYTICS_DELAY_MS = 1500  # coalesce reloads during bursts
LIVE_TICK_MS = 60_000  # a live view's figures age with the clock (last hour, overdue)
WATCHED = (Kind.MESSAGES_ADDED, Kind.MESSAGES_EDITED, Kind.INCIDENTS, Kind.CAMPAIGN, Kind.SETTINGS, Kind.PACK,
           Kind.CRISIS)


@dataclass(frozen=True)
class Request:
    now: datetime
    hours: int
    by: str
    rates: bool
    with_baseline: bool
    categories: frozenset[str] = frozenset()
    crisis_start: datetime | None = None
    calendar: WorkCalendar | None = None


@dataclass(frozen=True)
class AnalyticsData:
    request: Request
    series: HourlySeries
    baseline: Baseline | None
    marks: tuple[Mark, ...]
    kpi: Kpi
    alerts: tuple[Alert, ...]


def only_categories(series: HourlySeries, codes: frozenset[str]) -> HourlySeries:
    """The category series restricted to ``codes`` (empty: all; other groupings unchanged)."""
    if not codes or series.by != "category":
        return series
    kept = {key: values for key, values in series.series.items() if key in codes}
    return replace(series, series=kept, labels={k: series.labels[k] for k in kept})


def load(store: Store, request: Request, population: Mapping[str, int]) -> AnalyticsData:
    """Everything the view shows, computed off the UI thread."""
    start, end = last_hours_window(request.now, request.hours)
    series = only_categories(hourly_series(store, start, end, request.by), request.categories)
    if request.rates and request.by == "municipality":
        series = per_thousand(hourly_series(store, start, end, request.by, top=None), population)
    base = baseline(store, start, end) if request.with_baseline and request.by == "category" else None
    kpi = kpi_figures(store, request.now, request.crisis_start, request.calendar)
    return AnalyticsData(request, series, base, list_marks(store, start, end), kpi, detect_spikes(store, request.now))


def shown_period(view: View, now: datetime) -> str:
    """The chart's caption: «График: последние 24 ч (онлайн)» or «График: 03.12 14:00–15:00»."""
    if view.live:
        text = next((t for h, t in LIVE_CHOICES if h == view.hours), f"{view.hours:g} ч")
        return f"График: последние {text} (онлайн)"
    start, end = view.window(now)
    return f"График: {to_local(start):%d.%m %H:%M} – {to_local(end):%d.%m %H:%M}"


def tiles_period(moment: datetime, live: bool) -> str:
    """What the KPI tiles show: «Показатели на 20:24 (онлайн)» or «Показатели на 03.12 15:00 (история)»."""
    when = to_local(moment + timedelta(seconds=0 if live else 1))
    return f"Показатели на {when:%d.%m %H:%M} ({'онлайн' if live else 'история'})"


class AnalyticsView(QWidget):
    """Controls on top, KPI tiles, the chart with the alert feed beside it; ``spiked(list[Alert])`` for new spikes."""

    spiked = Signal(object)

    def __init__(self, core: Core, worker: DbWorker, population: Mapping[str, int] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core, self.store, self.worker = core, core.store, worker
        self._population = dict(population) if population is not None else None
        self.data: AnalyticsData | None = None
        self.chart = HourlyChart()
        self.tiles = KpiTiles()
        self.alerts = AlertsPanel()
        self.sound = AlertSound()
        self.status = QLabel()
        self._build_controls()
        self._build_layout()
        self.chart.barClicked.connect(self._on_bar_clicked)
        self._coalescer = Coalescer(lambda _changes: self.refresh(), ANALYTICS_DELAY_MS, self)
        self.bridge = CoreBridge(core, self)
        self.bridge.changed.connect(self._on_core_changed)
        self.bridge.viewChanged.connect(self._on_view_changed)
        self._ticker = QTimer(self, interval=LIVE_TICK_MS)
        self._ticker.timeout.connect(self._on_ticker_timeout)
        self._ticker.start()
        self._show_view(core.view.view)

    @property
    def population(self) -> dict[str, int]:
        """Residents per municipality: given, else the core's pack."""
        if self._population is not None:
            return self._population
        return self.core.pack.populations() if self.core.pack is not None else {}

    def _build_controls(self) -> None:
        self.period_label = QLabel()
        self.period_label.setTextFormat(Qt.TextFormat.PlainText)
        self.group_box = QComboBox()
        for text, key in GROUPINGS:
            self.group_box.addItem(text, key)
        self.rates_box = QCheckBox("на 1 000 жителей")
        self.baseline_box = QCheckBox("обычный уровень")
        self.baseline_box.setChecked(True)
        self.export_button = QPushButton("Экспорт…")
        self.group_box.currentIndexChanged.connect(self._on_control_changed)
        for check in (self.rates_box, self.baseline_box):
            check.toggled.connect(self._on_control_changed)
        self.export_button.clicked.connect(self._on_export_clicked)
        self._sync_rates_box()

    def _build_layout(self) -> None:
        controls = QHBoxLayout()
        for widget in (self.period_label, self.group_box, self.rates_box, self.baseline_box):
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
        has_population = bool(self.population)
        self.rates_box.setEnabled(has_population and self.group_box.currentData() == "municipality")
        self.rates_box.setToolTip("" if has_population else "Загрузите пакет региона с численностью населения")

    def request(self) -> Request:
        """The view state and the controls, snapshotted for the worker."""
        view = self.core.view.view
        start, end = view.window(self.core.clock.now())  # type: ignore[attr-defined]
        now = end if view.live else end - timedelta(seconds=1)  # a period [a, b) ends in the hour before b
        hours = max(1, math.ceil((end - start).total_seconds() / 3600))
        rates = self.rates_box.isEnabled() and self.rates_box.isChecked()
        return Request(now, hours, str(self.group_box.currentData()), rates, self.baseline_box.isChecked(),
                       view.categories, self.core.crisis().start, self.core.calendar())

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
        self.tiles.set_kpi(data.kpi, self.core.crisis().name)
        self.tiles.set_period(tiles_period(data.request.now, self.core.view.view.live))
        self.period_label.setText(shown_period(self.core.view.view, self.core.clock.now()))
        if self.alerts.add_alerts(data.alerts):
            if self.core.settings.alert_sound:
                self.sound.ring()
            self.spiked.emit([a for a in data.alerts if a.usual is not None])
        self.status.setText("")

    def _on_load_failed(self, exc: BaseException) -> None:
        self.status.setText(f"Ошибка загрузки: {exc}")

    # the core and the view state ----------------------------------------------------------
    def _on_core_changed(self, changes: Changes) -> None:
        if changes.touches(Kind.PACK):
            self._sync_rates_box()
        if changes.touches(*WATCHED):
            self._coalescer.add(changes)

    def _on_view_changed(self, view: View) -> None:
        self._show_view(view)
        self.refresh()

    def _show_view(self, view: View) -> None:
        self.period_label.setText(shown_period(view, self.core.clock.now()))
        filtered = view.categories and self.group_box.currentData() != "category"
        self.status.setToolTip("Фильтр категорий действует при разбивке по категориям" if filtered else "")

    def _on_bar_clicked(self, hour: datetime, key: str) -> None:
        """A bar clicked: every view shows that hour (and that category)."""
        categories = frozenset({key}) if key in CODES else None
        self.core.view.show_history(hour, hour + timedelta(hours=1), categories)

    def _on_ticker_timeout(self) -> None:
        if self.core.view.view.live:
            self.refresh()

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
