"""Live sync on the Qt side: listener callbacks as signals, and the connection indicator."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from app.store.engine import Store
from app.sync.notify import ConnectionState, install_notify_triggers, watch

STATE_TEXT = {
    ConnectionState.CONNECTED: ("#2e7d32", "Сервер: связь есть"),
    ConnectionState.RECONNECTING: ("#f9a825", "Сервер: переподключение…"),
    ConnectionState.OFFLINE: ("#c62828", "Сервер недоступен: правки ставятся в очередь"),
    ConnectionState.LOCAL: ("#546e7a", "Локальная база"),
}


class SyncBridge(QObject):
    """Owns the watcher; re-emits its callbacks (any thread) as queued signals on this object's thread.

    ``changed(Change)``: refresh what is shown (``resync``: reload everything).
    ``stateChanged(str)``: a ``ConnectionState`` value.
    """

    changed = Signal(object)
    stateChanged = Signal(str)  # noqa: N815 (Qt signal naming)

    def __init__(self, store: Store, parent: QObject | None = None, install_triggers: bool = False) -> None:
        super().__init__(parent)
        if install_triggers:
            install_notify_triggers(store)
        self.state: str | None = None
        self._watcher = watch(store, self.changed.emit, self._on_watcher_state)
        self.stateChanged.connect(self._remember_state)

    def _on_watcher_state(self, state: ConnectionState) -> None:
        self.stateChanged.emit(str(state))  # emitted from the watcher thread: delivered queued

    def _remember_state(self, state: str) -> None:
        self.state = state

    def start(self) -> None:
        self._watcher.start()

    def stop(self) -> None:
        """Stop the watcher thread; call from ``closeEvent`` of the owner."""
        self._watcher.stop()


class SyncStatusIndicator(QLabel):
    """A coloured dot and a short Russian phrase for the status bar or the wall corner."""

    def __init__(self, bridge: SyncBridge | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.state = ""
        self.show_state(bridge.state if bridge and bridge.state else ConnectionState.RECONNECTING)
        if bridge is not None:
            bridge.stateChanged.connect(self.show_state)

    def show_state(self, state: str) -> None:
        """Show ``state`` (a ``ConnectionState`` value)."""
        self.state = state
        colour, words = STATE_TEXT.get(ConnectionState(state), ("#546e7a", state))
        self.setText(f'<span style="color:{colour}">●</span> {words}')
        self.setToolTip(words)
