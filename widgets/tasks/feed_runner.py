"""Qt side of the HTTP feed poller: a long-lived thread, signals for new messages and health.

The poller thread sleeps on a ``threading.Event`` between polls (``wake()``
polls at once, ``stop()`` ends it, also during a retry back-off). The thread
hands each poll to the main thread (queued); the public signals are emitted
there, and nothing is emitted once ``stop()`` was called, not even what the
thread queued just before.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace

from PySide6.QtCore import QObject, QTimer, Signal

from app.common.timeutil import utcnow
from app.core import Core
from app.demo import DEFAULT_SCENARIO
from app.demo.feed_server import RunningFeedServer, demo_feed, start_feed_server
from app.intake.feed import FeedConfig, FeedPoller, FeedStoppedError, PollResult
from app.intake.feed_state import STALE_INTERVALS, FeedHealth, feed_health, refreshed

log = logging.getLogger(__name__)


class FeedRunner(QObject):
    """Polls one feed on a background thread while the window is open."""

    messagesArrived = Signal(object)  # noqa: N815 — tuple[int, ...] of new message ids
    healthChanged = Signal(object)  # noqa: N815 — FeedHealth
    pollFinished = Signal(object)  # noqa: N815 — PollResult
    _polled = Signal(object, object)  # PollResult | None, FeedHealth | None: thread → main thread

    def __init__(self, core: Core, config: FeedConfig, parent: QObject | None = None,
                 stale_after_s: float | None = None) -> None:
        super().__init__(parent)
        self.core, self.store, self.config = core, core.store, config
        # Health calls a feed stale after STALE_INTERVALS of this unit: the configured threshold, spread.
        self.stale_after_s = stale_after_s or STALE_INTERVALS * config.interval_s
        self._unit_s = self.stale_after_s / STALE_INTERVALS
        self._stop, self._wake = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None
        self._health: FeedHealth | None = None
        self._started_at = utcnow()
        self._ticker = QTimer(self)  # staleness shows even while the thread is stuck in retries
        self._ticker.setInterval(int(min(5.0, config.interval_s) * 1000))
        self._ticker.timeout.connect(self._on_ticker_timeout)
        self.healthChanged.connect(self._on_health_changed)
        self._polled.connect(self._on_polled)

    @property
    def health(self) -> FeedHealth | None:
        return self._health

    def start(self) -> None:
        if self._thread is not None:
            return
        self._started_at = utcnow()
        self._thread = threading.Thread(target=self._run, name="opershtab-feed", daemon=True)
        self._thread.start()
        self._ticker.start()

    def wake(self) -> None:
        """Poll now instead of at the end of the interval."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread (interrupting a back-off wait) and wait for it."""
        self._ticker.stop()
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        poller = self.core.feed_poller(self.config, wait=self._stop.wait)
        try:
            while not self._stop.is_set():
                self._poll(poller)
                self._wake.wait(self.config.interval_s)
                self._wake.clear()
        finally:
            poller.close()

    def _poll(self, poller: FeedPoller) -> None:
        try:
            result = poller.poll_once()
        except FeedStoppedError:
            return
        except Exception:  # a broken database must not kill the thread silently
            log.exception("feed poll failed")
            result = None
        if not self._stop.is_set():
            self._polled.emit(result, self._read_health())

    def _read_health(self) -> FeedHealth | None:
        try:
            return feed_health(self.store, self.config.id, self._unit_s)
        except Exception:
            log.exception("feed health unavailable")
            return None

    def _on_polled(self, result: PollResult | None, health: FeedHealth | None) -> None:
        if self._stop.is_set():
            return  # queued before stop(): whoever stopped us expects silence
        if result is not None:
            self.core.announce_arrived(result.summary)
            self.pollFinished.emit(result)
            if result.summary.new_ids:
                self.messagesArrived.emit(result.summary.new_ids)
        if health is not None:
            self.healthChanged.emit(health)

    def _on_health_changed(self, health: FeedHealth) -> None:
        self._health = health

    def _on_ticker_timeout(self) -> None:
        now = utcnow()
        current = self._health or FeedHealth(self.config.id, "waiting", now, None, None, None, 0, 0, None)
        updated = refreshed(current, self._unit_s, now)
        silent_since_start = (now - self._started_at).total_seconds() > self.stale_after_s
        if updated.last_success_at is None and silent_since_start:
            updated = replace(updated, state="stale")  # never succeeded: staleness is not silent either
        if self._health is None or updated.state != self._health.state:
            self.healthChanged.emit(updated)
        else:
            self._health = updated


def start_local_feed(speed: float = 60.0, hours_before: float = 5.0, seed: int = 2023,
                     scenario: str = DEFAULT_SCENARIO) -> RunningFeedServer:
    """Scenario ``scenario``'s feed server in-process on a free 127.0.0.1 port (for the GUI demo).

    Poll ``server.url`` with a ``FeedRunner``; call ``server.close()`` on exit.
    """
    return start_feed_server(demo_feed(speed, hours_before, seed, scenario))


def demo_config(server: RunningFeedServer, interval_s: float = 2.0) -> FeedConfig:
    """Poller settings for the in-process demo feed."""
    return FeedConfig(url=server.url, feed_id="demo-storm", interval_s=interval_s, page_size=500)
