"""Qt side of the configured sources: one thread per enabled source polls it through the core.

Each thread holds the source's lease on a shared PostgreSQL database (``FeedLease``): only one
seat polls a source; when that seat goes away another takes over. A poll's result and the
source's health reach the main thread through a queued signal; nothing is emitted after
``stop()``. Stopping sets one event that also cuts any request in flight (the bounded HTTP
GET's watchdog), so closing the window never waits on a hanging read.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from app.core import Core
from app.intake.backoff import Backoff
from app.intake.connectors import SourcePollResult, SourceSpec, SourceStoppedError
from app.intake.feed_state import FeedHealth
from app.intake.sources import SECRETS, list_sources, source_health, source_poller
from app.sync.lease import FeedLease

log = logging.getLogger(__name__)
LEASE_RETRY_S = 15.0
FAILING_CAP_S = 600.0  # a failing source is asked at most this rarely (its interval doubles up to it)


@dataclass(frozen=True)
class SourceUpdate:
    """What the main thread learns after a poll (or a lease check) of one source."""

    source_id: int
    result: SourcePollResult | None
    health: FeedHealth | None
    polled_here: bool


class SourceRunner(QObject):
    """Polls every enabled source on its own thread while the window is open."""

    updated = Signal(object)  # SourceUpdate
    messagesArrived = Signal(object)  # noqa: N815 — tuple[int, ...] of new message ids
    _relay = Signal(object)  # thread → main thread

    def __init__(self, core: Core, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self._stop = threading.Event()
        self._threads: dict[int, tuple[threading.Thread, threading.Event]] = {}
        self._relay.connect(self._on_relayed)

    @property
    def running_ids(self) -> tuple[int, ...]:
        return tuple(self._threads)

    def start(self) -> None:
        """Start polling the enabled sources (again after ``reload``)."""
        self._stop.clear()
        for spec in list_sources(self.core.store, SECRETS):
            if spec.enabled and spec.id is not None and spec.id not in self._threads:
                wake = threading.Event()
                thread = threading.Thread(target=self._run, args=(spec, wake), daemon=True,
                                          name=f"opershtab-source-{spec.id}")
                self._threads[spec.id] = (thread, wake)
                thread.start()

    def reload(self) -> None:
        """The sources changed (added, edited, removed): restart the threads with the new settings."""
        self.stop()
        self.start()

    def wake(self, source_id: int) -> None:
        """Poll ``source_id`` now instead of at the end of its interval."""
        if source_id in self._threads:
            self._threads[source_id][1].set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop every thread, cutting requests in flight; returns when they ended (or ``timeout``)."""
        self._stop.set()
        for _thread, wake in self._threads.values():
            wake.set()
        for thread, _wake in self._threads.values():
            thread.join(timeout)
        self._threads.clear()

    def _run(self, spec: SourceSpec, wake: threading.Event) -> None:
        lease = FeedLease(self.core.store, spec.state_id)
        pauses = Backoff(spec.interval_s, max(spec.interval_s, FAILING_CAP_S))
        try:
            while not self._stop.is_set():
                interval = self._poll(spec, lease, pauses) if (lease.still_held() or lease.acquire()) \
                    else LEASE_RETRY_S
                wake.wait(interval)
                wake.clear()
        finally:
            lease.release()

    def _poll(self, spec: SourceSpec, lease: FeedLease, pauses: Backoff) -> float:
        """Poll once; the pause before the next poll: the interval, longer while the source keeps failing."""
        assert spec.id is not None
        try:
            result: SourcePollResult | None = source_poller(self.core.store, spec, self.core, self._stop).poll_once()
        except SourceStoppedError:
            return 0.0
        except Exception:  # a broken database must not end the thread silently
            log.exception("source %s: poll failed", spec.name)
            result = None
        if not self._stop.is_set():
            self._relay.emit(SourceUpdate(spec.id, result, self._health(spec), lease.held))
        if result is None or result.error is not None:
            return pauses.next_delay()
        pauses.reset()
        return spec.interval_s

    def _health(self, spec: SourceSpec) -> FeedHealth | None:
        try:
            return source_health(self.core.store, spec)
        except Exception:
            log.exception("source %s: health unavailable", spec.name)
            return None

    def _on_relayed(self, update: SourceUpdate) -> None:
        if self._stop.is_set():
            return  # queued before stop(): whoever stopped us expects silence
        if update.result is not None:
            self.core.announce_arrived(update.result.summary)
            if update.result.summary.new_ids:
                self.messagesArrived.emit(update.result.summary.new_ids)
        self.updated.emit(update)
