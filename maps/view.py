"""The map widget: a QWebEngineView on the base page, fed with JSON through a bridge."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from app.queries import MessageRow
from maps.page import MapSpec, build_page
from maps.points import points_json
from maps.web import WebContext


class MapBridge(QObject):
    """The page's one way back to Python: a JSON command slot."""

    ready = Signal()
    messageClicked = Signal(int)  # noqa: N815 (Qt signal naming)

    @Slot(str)
    def command(self, payload: str) -> None:
        try:
            data = json.loads(payload)
        except ValueError:
            return
        kind = data.get("type") if isinstance(data, dict) else None
        if kind == "ready":
            self.ready.emit()
        elif kind == "message_clicked" and isinstance(data.get("id"), int):
            self.messageClicked.emit(data["id"])


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
        self._page = MapPage(context, self)
        self.setPage(self._page)
        self.bridge = MapBridge(self)
        self._channel = QWebChannel(self._page)
        self._channel.registerObject("bridge", self.bridge)
        self._page.setWebChannel(self._channel)
        self._pending: list[str] = []
        self.is_ready = False
        self.bridge.ready.connect(self._on_page_ready)
        self.load(context.pages.put("map.html", build_page(spec)))

    @property
    def console_errors(self) -> list[str]:
        return self._page.console_errors

    def run_script(self, script: str) -> None:
        """Run ``script`` now if the page is ready, else once it is."""
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

    def add_messages(self, rows: Sequence[MessageRow]) -> None:
        if rows:
            self.run_script(f"opershtab.addMessages({points_json(rows)});")

    def clear_messages(self) -> None:
        self.run_script("opershtab.clearMessages();")

    def fly_to(self, lat: float, lon: float, zoom: int = 12) -> None:
        self.run_script(f"opershtab.flyTo({float(lat)!r}, {float(lon)!r}, {int(zoom)});")

    def stats(self, callback: Callable[[object], None]) -> None:
        """Page counters: leaflet type, markers, JS errors, dialogs (for tests and selftest)."""
        self.evaluate("window.opershtab ? opershtab.stats() : {leaflet: typeof L, markers: 0}", callback)

    def _on_page_ready(self) -> None:
        self.is_ready = True
        pending, self._pending = self._pending, []
        for script in pending:
            self._page.runJavaScript(script)
        self.ready.emit()
