"""The briefing's own map and chart: offscreen, at the region's fixed extent, with the hour's data only.

Neither the operator's view, zoom and open popup nor the window's chart ever reach a
briefing: the stage has its own ``MapView`` (never shown on screen, no controls, no
popups, markers without text) and its own ``HourlyChart``. The operator window and
the command-line briefing both render through it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from app.analytics.hourly import HourlySeries, hourly_counts
from app.common.timeutil import floor_hour
from app.queries.map import ChoroplethValue, MapWindow, choropleth
from app.queries.messages import MessageRow, messages_in
from app.region import Region, RegionPack, region_bounds
from app.store import Store
from maps.page.build import spec_for
from maps.qt.view import MapView
from maps.qt.web import WebContext
from widgets.analytics.hourly_chart import HourlyChart

MAP_SIZE = (1140, 600)  # the proportions of the PDF's map box (180 × 95 mm): nothing is cropped
CHART_SIZE = (1000, 380)
POLL_MS = 50
WAIT_POLLS = 400  # × POLL_MS: give up waiting for every marker after 20 s and take what is drawn
Extent = tuple[float, float, float, float]
# Leaflet's zoom buttons and attribution are controls of an interactive map, not of a printed one.
NO_CONTROLS = ("(function(){var s=document.createElement('style');s.textContent="
               "'.leaflet-control-zoom,.leaflet-control-layers{display:none!important}';"
               "document.head.appendChild(s);})();")


@dataclass(frozen=True)
class BriefingScene:
    """What one briefing's pictures show: the hour's messages, 24 hours of counts, the fixed extent."""

    period_end: datetime
    rows: tuple[MessageRow, ...]
    counts: HourlySeries
    extent: Extent | None
    pack: RegionPack | None = None
    choropleth: tuple[ChoroplethValue, ...] = ()


def rows_extent(rows: Sequence[MessageRow], pad: float = 0.15) -> Extent | None:
    """South, west, north, east around every located message of ``rows``, padded (no region known)."""
    points = [(r.lat, r.lon) for r in rows if r.lat is not None and r.lon is not None]
    if not points:
        return None
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    d_lat, d_lon = max(max(lats) - min(lats), 0.05) * pad, max(max(lons) - min(lons), 0.05) * pad
    return min(lats) - d_lat, min(lons) - d_lon, max(lats) + d_lat, max(lons) + d_lon


def region_extent(region: Region | None, pack: RegionPack | None) -> Extent | None:
    """The fixed extent of every briefing: the region's outline, else the pack's bounds, else around the capital."""
    if region is not None and (bounds := region_bounds(region.code)) is not None:
        return bounds
    if pack is not None and pack.municipalities:
        return pack.bounds()
    return region.fallback_bounds() if region is not None else None


def hour_scene(store: Store, period_end: datetime, region: Region | None, pack: RegionPack | None) -> BriefingScene:
    """The scene of the hour ending at ``period_end`` (floored), read from the database (worker thread)."""
    end = floor_hour(period_end)
    start = end - timedelta(hours=1)
    rows = tuple(messages_in(store, start, end))
    counts = hourly_counts(store, end - timedelta(hours=24), end)
    values = tuple(choropleth(store, pack, MapWindow(start, end))) if pack is not None else ()
    return BriefingScene(end, rows, counts, region_extent(region, pack) or rows_extent(rows), pack, values)


def anonymous(row: MessageRow) -> MessageRow:
    """What a briefing map needs of a message: place, category, time; no author, text or address."""
    return replace(row, author=None, address=None, text="")


def png_bytes(image: QImage) -> bytes:
    """``image`` as PNG bytes."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def _offscreen(widget: QWidget, size: tuple[int, int]) -> None:
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    widget.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)  # never keeps the program running
    widget.resize(*size)
    widget.show()


Rendered = Callable[[bytes, bytes], None]


class BriefingStage(QObject):
    """Renders a ``BriefingScene`` to (map PNG, chart PNG); one render at a time, the next ones queued."""

    def __init__(self, context: WebContext, region: Region | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context, self._region = context, region
        self._view: MapView | None = None  # built at the first briefing: a window that never makes one pays nothing
        self.chart = HourlyChart()
        _offscreen(self.chart, CHART_SIZE)
        self._widgets: list[QWidget] = [self.chart]
        self._pack: RegionPack | None = None
        self._queue: list[tuple[BriefingScene, Rendered]] = []

    @property
    def view(self) -> MapView:
        """The stage's own map (created on first use)."""
        if self._view is None:
            self._view = MapView(self._context, spec_for(self._region))
            _offscreen(self._view, MAP_SIZE)
            self._view.run_script(NO_CONTROLS)
            self._widgets.append(self._view)
        return self._view

    def render(self, scene: BriefingScene, done: Rendered) -> None:
        """Draw ``scene`` and call ``done(map_png, chart_png)`` once the map has painted it."""
        self._queue.append((scene, done))
        if len(self._queue) == 1:
            self._start()

    def _start(self) -> None:
        if not self.view.is_ready:
            self.view.ready.connect(self._start, Qt.ConnectionType.SingleShotConnection)
            return
        scene = self._queue[0][0]
        stale = self.view.grab().toImage()
        self.chart.set_series(scene.counts)  # laid out while the map draws: the axis is painted by the grab
        self._draw(scene)
        expected = sum(1 for r in scene.rows if r.lat is not None and r.lon is not None)
        self._wait_markers(expected, WAIT_POLLS, lambda: self.view.grab_settled(self._on_map_grabbed, stale))

    def _draw(self, scene: BriefingScene) -> None:
        view = self.view
        view.clear_messages()
        view.set_filter(None)
        if scene.pack is not None and scene.pack is not self._pack:
            view.set_region_pack(scene.pack, list(scene.choropleth))
            self._pack = scene.pack
        elif scene.pack is not None:
            view.set_choropleth(list(scene.choropleth))
        view.add_messages([anonymous(row) for row in scene.rows])  # no names, texts or addresses in the page
        if scene.extent is not None:
            view.fit_bounds(*scene.extent)  # not animated: the snapshot never catches a zoom in flight

    def _wait_markers(self, expected: int, left: int, then: Callable[[], None]) -> None:
        def check(stats: object) -> None:
            markers = stats.get("markers", -1) if isinstance(stats, dict) else -1
            if markers >= expected or left <= 0:
                then()
            else:
                QTimer.singleShot(POLL_MS, self, lambda: self._wait_markers(expected, left - 1, then))

        self.view.stats(check)

    def _on_map_grabbed(self, image: QImage) -> None:
        _scene, done = self._queue.pop(0)
        done(png_bytes(image), png_bytes(self.chart.grab().toImage()))
        if self._queue:
            self._start()

    def close(self) -> None:
        """Delete the offscreen widgets (before the web context goes); once is enough."""
        self._queue.clear()
        widgets, self._widgets = self._widgets, []
        for widget in widgets:
            widget.deleteLater()
