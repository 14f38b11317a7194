"""Plays the storm scenario into the database in step with a scenario clock (through the core's pipeline).

The core announces every stored batch; the views refresh themselves from that announcement.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from app.common.clock import ScenarioClock
from app.core import Core
from app.demo.play import play
from app.demo.simulator import StormScenario
from app.intake import ImportSummary
from widgets.tasks.worker import DbWorker


def play_span(core: Core, start: datetime, end: datetime, scenario: StormScenario) -> tuple[datetime, ImportSummary]:
    """Store what the scenario published in [start, end) through the core's pipeline; the core announces it."""
    return end, core.announce_arrived(play(core.store, scenario, start, end, core.pipeline))


class ScenarioPlayer(QObject):
    """Each tick stores the messages published since the previous tick; ``batchStored(ImportSummary)``."""

    batchStored = Signal(object)  # noqa: N815 (Qt signal naming)
    failed = Signal(str)

    def __init__(self, core: Core, worker: DbWorker, scenario: StormScenario, clock: ScenarioClock,
                 interval_ms: int = 1000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._core, self._worker, self.scenario, self.clock = core, worker, scenario, clock
        self._played_until = scenario.start
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        """Catch up from the scenario start to now, then keep pace."""
        self._on_timer_timeout()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _on_timer_timeout(self) -> None:
        if self._busy:
            return  # the writer is behind: the next tick covers the gap
        start, end = self._played_until, self.clock.now()
        self._busy = True
        self._worker.run(lambda: play_span(self._core, start, end, self.scenario), self._on_batch,
                         self._on_failure, owner=self)

    def _on_batch(self, played: tuple[datetime, ImportSummary]) -> None:
        self._busy = False
        self._played_until, summary = played
        self.batchStored.emit(summary)

    def _on_failure(self, exc: BaseException) -> None:
        self._busy = False
        self.failed.emit(f"Ошибка записи сценария: {exc}")
