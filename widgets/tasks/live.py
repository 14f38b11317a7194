"""Plays the storm scenario into the database in step with a scenario clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from app.analytics.hourly import HourlyCounts, hourly_counts, last_hours_window
from app.common.clock import ScenarioClock
from app.core import Core
from app.demo.play import play
from app.demo.simulator import StormScenario
from app.queries.messages import MessageRow, latest_messages, messages_by_ids
from app.store.engine import Store
from widgets.tasks.worker import DbWorker


@dataclass(frozen=True)
class LiveBatch:
    """New rows and the refreshed 24-hour counts, as of scenario time ``now``."""

    now: datetime
    rows: list[MessageRow]
    counts: HourlyCounts


def load_batch(core: Core, start: datetime, end: datetime, scenario: StormScenario | None) -> LiveBatch:
    """Store what the scenario published in [start, end) through the core's pipeline; read back what is new."""
    new_ids = core.announce_arrived(play(core.store, scenario, start, end, core.pipeline)).new_ids if scenario else ()
    return arrived_batch(core.store, end, new_ids)


def initial_batch(store: Store, now: datetime, limit: int) -> LiveBatch:
    """What the views show at start: the newest messages and the last 24 hours' counts."""
    return LiveBatch(now, latest_messages(store, limit), hourly_counts(store, *last_hours_window(now)))


def arrived_batch(store: Store, now: datetime, ids: tuple[int, ...]) -> LiveBatch:
    """Messages a feed just stored (and the pipeline grouped), read back with the day's counts."""
    return LiveBatch(now, messages_by_ids(store, ids), hourly_counts(store, *last_hours_window(now)))


class ScenarioPlayer(QObject):
    """Each tick stores the messages published since the previous tick."""

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
        self._worker.run(lambda: load_batch(self._core, start, end, self.scenario), self._on_batch,
                         self._on_failure, owner=self)

    def _on_batch(self, batch: LiveBatch) -> None:
        self._busy = False
        self._played_until = batch.now
        self.batchStored.emit(batch)

    def _on_failure(self, exc: BaseException) -> None:
        self._busy = False
        self.failed.emit(f"Ошибка записи сценария: {exc}")
