"""The core's change announcements on the Qt main thread.

``Core.hub`` calls listeners on whichever thread published (the database worker,
a feed thread); ``CoreBridge.changed`` re-emits each ``Changes`` queued to the main
thread, where views decide for themselves what to refresh.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from app.core import Core


class CoreBridge(QObject):
    """``changed(Changes)`` on the main thread for every announcement of ``core``."""

    changed = Signal(object)
    _published = Signal(object)

    def __init__(self, core: Core, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self._published.connect(self.changed.emit, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = core.hub.subscribe(self._published.emit)
        self.destroyed.connect(lambda *_: self._unsubscribe())

    def close(self) -> None:
        self._unsubscribe()
