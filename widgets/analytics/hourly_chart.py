"""Hourly volume as stacked bars (by category or municipality), baseline line, hover, click, export."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters
from PySide6.QtCore import QPointF, Signal
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget

from app.analytics.hourly import Baseline, HourlySeries
from app.categories import CATEGORIES, color
from app.common import ru
from app.common.timeutil import to_local
from app.export.hourly import write

BAR_WIDTH = 0.8
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#bcbd22", "#7f7f7f", "#393b79", "#637939")
OTHERS_COLOR = "#c8c8c8"


class HourlyChart(pg.PlotWidget):
    """Stacked bars; bar items live in a pool and are updated with ``setOpts`` (no rebuild per burst)."""

    barClicked = Signal(object, str)  # noqa: N815 (Qt signal naming): UTC hour start, category code or municipality

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, background="w")
        self.series = HourlySeries((), "category")
        self.hover_text = ""
        self._bars: dict[str, pg.BarGraphItem] = {}
        self._pool: list[pg.BarGraphItem] = []
        self._stack_top = np.zeros(0)
        self._marks: list[pg.InfiniteLine] = []
        self._setup_axes()
        self._legend = self.addLegend(offset=(10, 5), colCount=2, labelTextSize="8pt")
        self._baseline = pg.PlotDataItem(pen=pg.mkPen("#222", width=2, style=pg.QtCore.Qt.PenStyle.DashLine),
                                         stepMode="center")
        self.addItem(self._baseline)
        self._note = pg.TextItem(color="#a00", anchor=(1, 0))
        self.addItem(self._note)
        self.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_scene_mouse_clicked)
        self.set_series(HourlySeries((), "category", {c.code: () for c in CATEGORIES}, {c.code: c.label
                                                                                        for c in CATEGORIES}))

    def _setup_axes(self) -> None:
        self.setTitle("Сообщения по часам", color="#222", size="11pt")
        self.setLabel("left", "Сообщений за час")
        self.showGrid(y=True, alpha=0.25)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()

    # data -----------------------------------------------------------------
    def set_series(self, series: HourlySeries) -> None:
        """Show ``series``: one stacked bar per hour, bottom-up in the series' order."""
        if list(series.series) != list(self.series.series):
            self._assign_bars(series)
        self.series = series
        xs = np.arange(len(series.hours), dtype=float)
        base = np.zeros(len(xs))
        for key, bar in self._bars.items():
            heights = np.asarray(series.series[key], dtype=float) if len(xs) else np.zeros(0)
            bar.setOpts(x=xs, height=heights, y0=base.copy(), width=BAR_WIDTH)
            base += heights
        self._stack_top = base
        self._set_time_ticks(series.hours)
        self.setLabel("left", "На 1 000 жителей за час" if series.per_thousand else "Сообщений за час")
        self._rescale()

    def _assign_bars(self, series: HourlySeries) -> None:
        self._legend.clear()
        for bar in self._bars.values():
            bar.setOpts(x=[], height=[], y0=[])
            bar.hide()
        self._bars = {}
        for slot, key in enumerate(series.series):
            while slot >= len(self._pool):
                self._pool.append(pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH, pen=pg.mkPen("w", width=0.5)))
                self.addItem(self._pool[-1])
            bar = self._pool[slot]
            bar.setOpts(brush=self._color(series, key, slot))
            bar.show()
            self._bars[key] = bar
            self._legend.addItem(bar, series.labels.get(key, key))

    @staticmethod
    def _color(series: HourlySeries, key: str, slot: int) -> str:
        if series.by == "category":
            return color(key)
        return OTHERS_COLOR if key == "остальные" else PALETTE[slot % len(PALETTE)]

    def _rescale(self) -> None:
        values = self._baseline.yData
        base_top = float(np.nanmax(values)) if values is not None and len(values) else 0.0
        top = max(float(self._stack_top.max()) if len(self._stack_top) else 0.0, base_top)
        self.setYRange(0, max(top, 5 if not self.series.per_thousand else 0.05) * 1.25, padding=0)
        self.setXRange(-0.6, max(len(self.series.hours), 1) - 0.4, padding=0)
        self._note.setPos(max(len(self.series.hours), 1) - 0.5, self.getViewBox().viewRange()[1][1])

    def _set_time_ticks(self, hours: tuple[datetime, ...]) -> None:
        local = [to_local(hour) for hour in hours]
        if len(local) <= 36:
            step = max(1, len(local) // 12)
            major = [(i, t.strftime("%H:%M")) for i, t in enumerate(local) if i % step == 0]
            minor: list[tuple[int, str]] = []
        else:
            days = max(1, len(local) // (24 * 10))  # at most about ten date labels
            major = [(i, t.strftime("%d.%m")) for i, t in enumerate(local)
                     if t.hour == 0 and t.toordinal() % days == 0]
            minor = [(i, t.strftime("%H")) for i, t in enumerate(local) if t.hour == 12 and days == 1]
        self.getAxis("bottom").setTicks([major, minor])

    def bar_heights(self, code: str) -> list[int]:
        """Heights currently drawn for ``code`` (tests read the widget, not the data)."""
        heights = self._bars[code].opts.get("height") if code in self._bars else None
        return [round(h) for h in (heights if heights is not None else [])]

    # baseline and marks ------------------------------------------------------
    def set_baseline(self, baseline: Baseline | None) -> None:
        """Draw the typical volume as a step line; say so when history is missing."""
        if baseline is None or baseline.missing or len(baseline.values) != len(self.series.hours):
            self._baseline.setData([], [])
            self._note.setText("Нет истории за прошлые недели — обычный уровень не построен" if baseline else "")
        else:
            ys = np.array([np.nan if v is None else v for v in baseline.values], dtype=float)
            xs = np.arange(len(ys) + 1, dtype=float) - 0.5
            self._baseline.setData(xs, ys)
            weeks = min(baseline.weeks_used)
            self._note.setText("" if baseline.complete else
                               f"Обычный уровень неполный: история за {weeks} из {baseline.weeks} нед.")
        self._rescale()

    def baseline_values(self) -> list[float]:
        values = self._baseline.yData
        return [] if values is None else [float(v) for v in values]

    def set_marks(self, marks: list[tuple[datetime, str]]) -> None:
        """Vertical lines for campaign announcements inside the window."""
        for line in self._marks:
            self.removeItem(line)
        self._marks = []
        hours = self.series.hours
        for moment, title in marks:
            if hours and hours[0] <= moment < hours[-1] + timedelta(hours=1):
                x = (moment - hours[0]).total_seconds() / 3600 - 0.5
                line = pg.InfiniteLine(x, angle=90, pen=pg.mkPen("#0a7", width=2), label=title,
                                       labelOpts={"position": 0.9, "color": "#0a7"})
                self.addItem(line)
                self._marks.append(line)

    # hover and click ---------------------------------------------------------
    def hit(self, x: float, y: float) -> tuple[int, str | None]:
        """Bar index and series key under view coordinates (key None above the stack)."""
        index = round(x)
        if not 0 <= index < len(self.series.hours) or abs(x - index) > BAR_WIDTH / 2 or y < 0:
            return -1, None
        level = 0.0
        for key, values in self.series.series.items():
            level += values[index]
            if y < level:
                return index, key
        return index, None

    def describe(self, index: int, key: str | None = None) -> str:
        """Tooltip text: the hour, exact numbers of every non-empty series, the total."""
        series = self.series
        start = to_local(series.hours[index])
        lines = [f"{start:%d.%m.%Y %H:%M}–{start + timedelta(hours=1):%H:%M}"]
        for k, values in series.series.items():
            if values[index]:
                mark = "▶ " if k == key else ""
                lines.append(f"{mark}{series.labels.get(k, k)}: {self._fmt(values[index])}")
        total = sum(values[index] for values in series.series.values())
        unit = "" if series.per_thousand else f" ({ru.messages_word(int(total))})"
        lines.append(f"Всего: {self._fmt(total)}{unit}")
        base = self.baseline_values()
        if base and not np.isnan(base[index]):
            lines.append(f"Обычно: {self._fmt(base[index])}")
        return "\n".join(lines)

    def _fmt(self, value: float) -> str:
        return f"{value:.2f}".replace(".", ",") if self.series.per_thousand else ru.format_int(int(value))

    def _on_scene_mouse_moved(self, pos: QPointF) -> None:
        point = self.getViewBox().mapSceneToView(pos)
        index, key = self.hit(point.x(), point.y())
        self.hover_text = self.describe(index, key) if index >= 0 else ""
        self.setToolTip(self.hover_text)

    def _on_scene_mouse_clicked(self, event: object) -> None:
        point = self.getViewBox().mapSceneToView(event.scenePos())  # type: ignore[attr-defined]
        index, key = self.hit(point.x(), point.y())
        if index >= 0 and key is not None:
            self.barClicked.emit(self.series.hours[index], key)

    # export ------------------------------------------------------------------
    def export_image(self, path: Path, width: int = 1600) -> None:
        """PNG or SVG by suffix."""
        if path.suffix.lower() == ".svg":
            self._export_svg(path)
            return
        exporter = pg.exporters.ImageExporter(self.getPlotItem())
        exporter.parameters()["width"] = width
        exporter.export(str(path))

    def _export_svg(self, path: Path) -> None:
        # pyqtgraph 0.14's SVGExporter cannot parse the paths Qt 6.12 writes; render through QSvgGenerator.
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(self.size())
        generator.setViewBox(self.rect())
        generator.setTitle(self.getPlotItem().titleLabel.text)
        painter = QPainter(generator)
        self.render(painter)
        painter.end()

    def export_data(self, path: Path) -> None:
        """The drawn numbers as CSV or XLSX by suffix (the same table as ``export hourly``)."""
        write(self.series, path)
