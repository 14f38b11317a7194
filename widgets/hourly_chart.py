"""Hourly volume as stacked bars per category (pyqtgraph)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from app.categories import CATEGORIES
from app.queries import HourlyCounts
from app.timeutil import to_local

BAR_WIDTH = 0.8


class HourlyChart(pg.PlotWidget):
    """Stacked bars; bar items are created once and updated with ``setOpts``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, background="w")
        self.counts = HourlyCounts(())
        self._bars: dict[str, pg.BarGraphItem] = {}
        self._setup_axes()
        self._legend = self.addLegend(offset=(10, 5), colCount=2, labelTextSize="8pt")
        for category in CATEGORIES:
            bar = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH, brush=category.color, pen=pg.mkPen("w", width=0.5))
            self.addItem(bar)
            self._legend.addItem(bar, category.label)
            self._bars[category.code] = bar

    def _setup_axes(self) -> None:
        self.setTitle("Сообщения по часам", color="#222", size="11pt")
        self.setLabel("left", "Сообщений за час")
        self.showGrid(y=True, alpha=0.25)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()

    def set_counts(self, counts: HourlyCounts) -> None:
        """Show ``counts``: one stacked bar per hour, bottom-up in category order."""
        self.counts = counts
        xs = list(range(len(counts.hours)))
        base = [0] * len(xs)
        for code, bar in self._bars.items():
            heights = list(counts.counts.get(code, (0,) * len(xs)))
            bar.setOpts(x=xs, height=heights, y0=list(base), width=BAR_WIDTH)
            base = [b + h for b, h in zip(base, heights, strict=True)]
        self._set_hour_ticks(counts)
        self.setYRange(0, max([*base, 5]) * 1.25, padding=0)
        self.setXRange(-0.6, max(len(xs), 1) - 0.4, padding=0)

    def _set_hour_ticks(self, counts: HourlyCounts) -> None:
        labels = [to_local(hour).strftime("%H:%M") for hour in counts.hours]
        step = max(1, len(labels) // 12)
        major = [(i, text) for i, text in enumerate(labels) if i % step == 0]
        self.getAxis("bottom").setTicks([major, []])

    def bar_heights(self, code: str) -> list[int]:
        """Heights currently drawn for category ``code`` (tests read the widget, not the data)."""
        heights = self._bars[code].opts.get("height")
        return [int(h) for h in (heights if heights is not None else [])]
