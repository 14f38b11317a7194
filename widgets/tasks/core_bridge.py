"""The core's change announcements and view-state changes on the Qt main thread.

``Core.hub`` calls listeners on whichever thread published (the database worker,
a feed thread); ``CoreBridge.changed`` re-emits each ``Changes`` queued to the main
thread, where views decide for themselves what to refresh. ``viewChanged`` does the
same for ``core.view`` (the one view state). ``Coalescer`` merges a burst of
announcements into one refresh.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from app.common.changes import Changes
from app.core import Core


class CoreBridge(QObject):
    """``changed(Changes)`` and ``viewChanged(View)`` on the main thread for ``core``."""

    changed = Signal(object)
    viewChanged = Signal(object)  # noqa: N815 (Qt signal naming)
    _published = Signal(object)
    _viewed = Signal(object)

    def __init__(self, core: Core, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self._published.connect(self.changed.emit, Qt.ConnectionType.QueuedConnection)
        self._viewed.connect(self.viewChanged.emit, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = [core.hub.subscribe(self._published.emit), core.view.subscribe(self._viewed.emit)]
        self.destroyed.connect(lambda *_: self.close())

    def close(self) -> None:
        """Stop listening (also done when the bridge is destroyed)."""
        unsubscribe, self._unsubscribe = self._unsubscribe, []
        for stop in unsubscribe:
            stop()


class Coalescer(QObject):
    """Collects ``Changes`` and calls ``callback(merged)`` once a burst has been quiet for ``delay_ms``."""

    def __init__(self, callback: Callable[[Changes], None], delay_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._callback = callback
        self._pending = Changes()
        self._timer = QTimer(self, singleShot=True, interval=delay_ms)
        self._timer.timeout.connect(self.flush)

    def add(self, changes: Changes) -> None:
        """Remember ``changes``; the refresh follows after the delay (not restarted by later ones)."""
        self._pending = self._pending | changes
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Refresh now with what was collected."""
        self._timer.stop()
        pending, self._pending = self._pending, Changes()
        if pending:
            self._callback(pending)
