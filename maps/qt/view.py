"""The map widget: a QWebEngineView on the base page, fed with JSON through a bridge."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from app.ops.assistance import AssistanceRow
from app.ops.overlays import OverlayRow
from app.queries.map import ChoroplethValue, IncidentRow, MapWindow
from app.queries.messages import MessageRow
from app.queries.warnings import WarningRow
from app.region.packs import RegionPack
from maps.page import layers
from maps.page.build import MapSpec, build_page
from maps.page.details import Details, DetailStore
from maps.page.overlays import overlays_json, warnings_json
from maps.page.points import PointBatch, details_json
from maps.page.script import script_json
from maps.qt.web import WebContext

PAINT_POLL_MS = 20
SETTLE_TRIES = 50  # × PAINT_POLL_MS: give up waiting for a still frame after about a second
INLINE_POINTS = 20000  # smaller batches (live appends) go inline in the script call
_ID_SIGNALS = {"message_clicked": "messageClicked", "incident_clicked": "incidentClicked",
               "assistance_clicked": "assistanceClicked", "popup": "detailsRequested", "painted": "painted"}
DetailSource = Callable[[int, Callable[[Details | None], None]], None]


class MapBridge(QObject):
    """The page's one way back to Python: a JSON command slot."""

    ready = Signal()
    messageClicked = Signal(int)  # noqa: N815 (Qt signal naming)
    incidentClicked = Signal(int)  # noqa: N815
    assistanceClicked = Signal(int)  # noqa: N815
    detailsRequested = Signal(int)  # noqa: N815 — a popup opened and wants its message's text
    painted = Signal(int)  # a frame the caller asked about (its token) is on screen: benchmarks, no polling
    municipalityClicked = Signal(str)  # noqa: N815
    mapContextRequested = Signal(float, float)  # noqa: N815 — lat, lon of a right click on the map

    @Slot(str)
    def command(self, payload: str) -> None:
        try:
            data = json.loads(payload)
        except ValueError:
            return
        kind = data.get("type") if isinstance(data, dict) else None
        if kind == "ready":
            self.ready.emit()
        elif kind in _ID_SIGNALS and isinstance(data.get("id"), int):
            getattr(self, _ID_SIGNALS[kind]).emit(data["id"])
        elif kind == "municipality_clicked" and isinstance(data.get("name"), str):
            self.municipalityClicked.emit(data["name"])
        elif kind == "map_context" and _is_coordinate(data.get("lat"), 90) and _is_coordinate(data.get("lon"), 180):
            self.mapContextRequested.emit(float(data["lat"]), float(data["lon"]))


def _is_coordinate(value: object, limit: float) -> bool:
    """A finite number within ±``limit`` (bool is an int in Python, but not a coordinate)."""
    return (isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
            and -limit <= value <= limit)


class MapPage(QWebEnginePage):
    """Counts the page's console errors so tests and selftest can see them."""

    def __init__(self, context: WebContext, parent: QObject | None = None) -> None:
        super().__init__(context.profile, parent)
        self.console_errors: list[str] = []

    def javaScriptConsoleMessage(self, level, message, line, source):  # noqa: N802 (Qt API)
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            self.console_errors.append(f"{source}:{line}: {message}")


class MapView(QWebEngineView):
    """Shows the base page; queues script calls until the page says it is ready."""

    ready = Signal()

    def __init__(self, context: WebContext, spec: MapSpec | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._blocks = 0
        self._page = MapPage(context, self)
        self.setPage(self._page)
        self.bridge = MapBridge(self)
        self._channel = QWebChannel(self._page)
        self._channel.registerObject("bridge", self.bridge)
        self._page.setWebChannel(self._channel)
        self._pending: list[str] = []
        self._paint_token = 0
        self.is_ready = False
        self.details = DetailStore()
        self._detail_source: DetailSource | None = None
        self.bridge.ready.connect(self._on_page_ready)
        self.bridge.detailsRequested.connect(self._on_details_requested)
        self.load(context.pages.put("map.html", build_page(spec)))

    @property
    def console_errors(self) -> list[str]:
        return self._page.console_errors

    def run_script(self, script: str) -> None:
        """Run ``script`` now if the page is ready, else once it is."""
        # The trailing ``void 0`` matters: PySide6 mis-counts references of a JS boolean result
        # handed back without a callback, and hundreds of them crash the interpreter at exit.
        script = f"{script}\nvoid 0;"
        if self.is_ready:
            self._page.runJavaScript(script)
        else:
            self._pending.append(script)

    def evaluate(self, expression: str, callback: Callable[[object], None]) -> None:
        """Evaluate a JS expression and hand its JSON-decoded value to ``callback``.

        Values cross as JSON text: PySide6 turns returned JS objects into empty strings.
        """
        script = f"JSON.stringify({expression})"
        self._page.runJavaScript(script, 0, lambda raw: callback(json.loads(raw) if raw else None))

    def after_paint(self, callback: Callable[[], None], timeout_ms: int = 10000) -> None:
        """Call ``callback`` once everything queued so far is done and two frames have been painted."""
        self._paint_token += 1
        token = self._paint_token
        mark = f"window.__opsPainted = {token};"
        frames = f"requestAnimationFrame(() => requestAnimationFrame(() => {{ {mark} }}))"
        # Points loading from a block arrive asynchronously: wait for them, then for two frames.
        self.run_script(f"window.opershtab && opershtab.whenLoaded ? opershtab.whenLoaded(() => {frames}) : {frames};")
        deadline = timeout_ms // PAINT_POLL_MS

        def poll(value: object, left: int = deadline) -> None:
            if value == token or left <= 0:
                callback()
            else:
                QTimer.singleShot(PAINT_POLL_MS, self, lambda: self.evaluate("window.__opsPainted || 0",
                                                                             lambda v: poll(v, left - 1)))

        self.evaluate("window.__opsPainted || 0", poll)

    def grab_settled(self, callback: Callable[[QImage], None], stale: QImage | None = None,
                     tries: int = SETTLE_TRIES) -> None:
        """The view as painted once the page has drawn and the widget shows that frame.

        Two frames in the page do not mean the widget got them yet: grab until the
        image differs from ``stale`` (what was shown before a move) and two grabs
        ``PAINT_POLL_MS`` apart are the same, for at most ``tries`` polls.
        """
        def compare(previous: QImage, left: int) -> None:
            image = self.grab().toImage()
            if (image == previous and image != stale) or left <= 0:
                callback(image)
            else:
                QTimer.singleShot(PAINT_POLL_MS, self, lambda: compare(image, left - 1))

        self.after_paint(lambda: compare(self.grab().toImage(), tries))

    def bounds(self, callback: Callable[[object], None]) -> None:
        """The view's extent as [south, west, north, east]."""
        self.evaluate("opershtab.bounds()", callback)

    def add_messages(self, rows: Sequence[MessageRow]) -> None:
        """New messages (ids already on the map are skipped); their popup text stays here."""
        if rows:
            self.add_points(PointBatch.from_rows(rows))
            if self._detail_source is None:
                self.details.put(rows)

    def add_points(self, batch: PointBatch) -> None:
        """Messages as columns, indexed in the page. A big batch crosses as one binary block that the
        page fetches from ``app://pages`` (a 30 MB script literal took 1.4 s to reach the page)."""
        if len(batch) >= INLINE_POINTS:
            self._blocks += 1
            meta, data = batch.payload()
            url = self._context.pages.put_block(f"points-{id(self)}-{self._blocks}.bin", data)
            self.run_script(f"opershtab.loadPoints({script_json(meta)}, {script_json(url.toString())});")
        elif len(batch):
            self.run_script(batch.script("opershtab.addPoints"))

    def update_messages(self, rows: Sequence[MessageRow]) -> None:
        """Redraw messages already on the map after an operator changed them."""
        if rows:
            self.run_script(PointBatch.from_rows(rows).script("opershtab.updatePoints"))
            if self._detail_source is None:
                self.details.put(rows)

    def prune_before(self, moment: datetime) -> None:
        """Forget messages published before ``moment`` (bounded memory on displays that run for days)."""
        moment_ms = int(moment.timestamp() * 1000)
        self.run_script(f"opershtab.pruneBefore({moment_ms});")
        self.details.prune_before(moment_ms)

    def clear_messages(self) -> None:
        self.run_script("opershtab.clearMessages();")
        self.details.clear()

    def set_detail_source(self, source: DetailSource | None) -> None:
        """Where popups get a message's text: ``source(id, reply)`` calls ``reply(details or None)``
        (e.g. from the database on a worker). Without one, the view keeps the latest messages' text."""
        self._detail_source = source
        if source is not None:
            self.details.clear()

    def _on_details_requested(self, message_id: int) -> None:
        def reply(found: Details | None) -> None:
            self.run_script(f"opershtab.fillPopup({int(message_id)}, {details_json(found)});")

        if self._detail_source is not None:
            self._detail_source(message_id, reply)
        else:
            reply(self.details.get(message_id))

    def fly_to(self, lat: float, lon: float, zoom: int = 12) -> None:
        self.run_script(f"opershtab.flyTo({float(lat)!r}, {float(lon)!r}, {int(zoom)});")

    def set_filter(self, window: MapWindow | None) -> None:
        """Show only messages of the window and its categories (markers and heat)."""
        self.run_script(f"opershtab.setFilter({layers.filter_json(window)});")

    def set_layer_visible(self, name: str, on: bool) -> None:
        if name not in layers.LAYER_NAMES:
            raise ValueError(f"unknown layer {name!r}")
        self.run_script(f"opershtab.setLayerVisible({name!r}, {str(bool(on)).lower()});")

    def set_region_pack(self, pack: RegionPack, values: list[ChoroplethValue]) -> None:
        """Municipality outlines of ``pack`` coloured by ``values`` (messages per 1,000)."""
        self.run_script(f"opershtabLayers.setChoropleth({layers.pack_json(pack)}, "
                        f"{layers.choropleth_values_json(values)});")

    def set_choropleth(self, values: list[ChoroplethValue]) -> None:
        self.run_script(f"opershtabLayers.setChoropleth(null, {layers.choropleth_values_json(values)});")

    def set_incidents(self, rows: Sequence[IncidentRow]) -> None:
        self.run_script(f"opershtabLayers.setIncidents({layers.incidents_json(rows)});")

    def set_assistance(self, rows: Sequence[AssistanceRow]) -> None:
        self.run_script(f"opershtabLayers.setAssistance({layers.assistance_json(rows)});")

    def set_overlays(self, rows: Sequence[OverlayRow]) -> None:
        """Imported overlay layers (``app.ops.overlays.list_overlays``), each its own layer in its colour."""
        self.run_script(f"opershtabOverlays.setOverlays({overlays_json(rows)});")

    def set_warnings(self, rows: Sequence[WarningRow]) -> None:
        """Official warnings in force (``app.queries.warnings.active_warnings``) as areas by severity."""
        self.run_script(f"opershtabOverlays.setWarnings({warnings_json(rows)});")

    def show_popup(self, message_id: int) -> None:
        """Open a message's popup in place and report the click, as a user's click would."""
        self.run_script(f"opershtab.showPopup({int(message_id)});")

    def fit_bounds(self, south: float, west: float, north: float, east: float) -> None:
        self.run_script(f"opershtab.fitBounds({float(south)!r}, {float(west)!r}, {float(north)!r}, {float(east)!r});")

    def stats(self, callback: Callable[[object], None]) -> None:
        """Page counters (for tests and selftest): ``markers`` messages held and indexed, ``visible`` those
        passing the filter, ``drawn`` those the last frame drew, ``items``/``clusters`` what it drew them as,
        ``indexed``/``pending`` index progress, ``popups``, JS ``errors``, ``dialogs``."""
        self.evaluate("window.opershtab ? opershtab.stats() : {leaflet: typeof L, markers: 0}", callback)

    def _on_page_ready(self) -> None:
        self.is_ready = True
        pending, self._pending = self._pending, []
        for script in pending:
            self._page.runJavaScript(script)
        self.ready.emit()

