"""The status bar's permanent figures: messages of the last 24 hours and the clock in the region's time."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from app.common import ru
from app.common.changes import Changes, Kind
from app.common.timeutil import to_local
from app.core import Core
from app.queries.messages import count_in
from widgets.tasks.core_bridge import Coalescer, CoreBridge
from widgets.tasks.worker import DbWorker

CLOCK_MS = 1000
COUNT_DELAY_MS = 1000
DAY = timedelta(hours=24)


class StatusFigures(QObject):
    """``total_label`` («За 24 часа: …») follows arrivals; ``clock_label`` ticks with the core's clock."""

    def __init__(self, core: Core, worker: DbWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.core, self.worker = core, worker
        self.total_label, self.clock_label = QLabel(), QLabel()
        self._coalescer = Coalescer(lambda _changes: self.count(), COUNT_DELAY_MS, self)
        self.bridge = CoreBridge(core, self)
        self.bridge.changed.connect(self._on_core_changed)
        self._clock = QTimer(self, interval=CLOCK_MS)
        self._clock.timeout.connect(self._on_clock_timeout)
        self._clock.start()
        self._on_clock_timeout()

    def count(self) -> None:
        """Count the last 24 hours' messages again (off the UI thread)."""
        now, store = self.core.clock.now(), self.core.store
        self.worker.run(lambda: count_in(store, now - DAY, now), self._on_counted, owner=self)

    def _on_counted(self, total: int) -> None:
        self.total_label.setText(f"За 24 часа: {ru.messages(total)}")

    def _on_core_changed(self, changes: Changes) -> None:
        if changes.touches(Kind.MESSAGES_ADDED, Kind.REGION):
            self._coalescer.add(changes)

    def _on_clock_timeout(self) -> None:
        self.clock_label.setText(to_local(self.core.clock.now()).strftime("Время: %d.%m %H:%M"))
