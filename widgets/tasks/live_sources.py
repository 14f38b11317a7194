"""Where live messages come from: the demo feed server + real poller, a configured feed,
the direct scenario player, or (on a shared PostgreSQL) other seats' changes."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QWidget
from sqlalchemy import func, select

from app.analytics.hourly import hourly_counts, last_hours_window
from app.common.clock import ScenarioClock
from app.common.timeutil import utcnow
from app.core import Core
from app.demo.play import demo_scenario
from app.intake.feed import FeedConfig
from app.intake.feed_state import FeedHealth
from app.queries.messages import messages_after
from app.store.engine import Store
from app.store.models import Message
from widgets.tasks.feed_runner import FeedRunner, demo_config, start_local_feed
from widgets.tasks.live import LiveBatch, ScenarioPlayer, arrived_batch
from widgets.tasks.sync_bridge import SyncBridge, SyncStatusIndicator
from widgets.tasks.worker import DbWorker


@dataclass
class LiveSource:
    core: Core
    worker: DbWorker
    runner: FeedRunner | None = None
    server: Any = None
    player: ScenarioPlayer | None = None
    bridge: SyncBridge | None = None
    indicator: SyncStatusIndicator | None = None
    _last_id: int = 0

    @property
    def store(self) -> Store:
        return self.core.store

    @property
    def clock(self) -> Any:
        return self.core.clock

    def attach(self, window: QWidget, on_health: Callable[[FeedHealth], None]) -> None:
        """Deliver new messages to ``window.apply_batch`` and feed health to ``on_health``."""
        if self.runner is not None:
            self.runner.messagesArrived.connect(lambda ids: self._deliver(window, tuple(ids)))
            self.runner.healthChanged.connect(on_health)
            self.runner.start()
        if self.player is not None:
            self.player.setParent(window)
            self.player.batchStored.connect(window.apply_batch)  # type: ignore[attr-defined]
            self.player.start()
        if self.runner is None and self.player is None:
            self._follow_other_seats(window)

    def _follow_other_seats(self, window: QWidget) -> None:
        """Without an own intake, show what other seats and pollers store (NOTIFY on PostgreSQL)."""
        self._last_id = latest_id(self.store)
        self.bridge = SyncBridge(self.store, parent=window)
        self.bridge.changed.connect(lambda _change: self._catch_up(window))
        self.indicator = SyncStatusIndicator(self.bridge)  # connection state for the status bar / wall
        self.bridge.start()

    def _catch_up(self, window: QWidget) -> None:
        after, now = self._last_id, self.clock.now()
        self.worker.run(lambda: new_since(self.store, after, now), lambda batch: self._on_caught_up(window, batch),
                        owner=window)

    def _on_caught_up(self, window: QWidget, batch: LiveBatch) -> None:
        if batch.rows:
            self._last_id = max(self._last_id, max(row.id for row in batch.rows))
            window.apply_batch(batch)  # type: ignore[attr-defined]

    def _deliver(self, window: QWidget, ids: tuple[int, ...]) -> None:
        now = self.clock.now()
        self.worker.run(lambda: arrived_batch(self.store, now, ids), window.apply_batch,  # type: ignore[attr-defined]
                        owner=window)

    def stop(self) -> None:
        if self.bridge is not None:
            self.bridge.stop()
        if self.player is not None:
            self.player.stop()
        if self.runner is not None:
            self.runner.stop()
        if self.server is not None:
            self.server.close()


def latest_id(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.max(Message.id))).scalar() or 0)


def new_since(store: Store, after_id: int, now: datetime) -> LiveBatch:
    rows = messages_after(store, after_id, limit=5000)
    return LiveBatch(now, rows, hourly_counts(store, *last_hours_window(now)))


def open_live(core: Core, worker: DbWorker, args: argparse.Namespace) -> LiveSource:
    """The live source the command line asks for (``--demo``, ``--scenario``, ``--feed-url``, settings)."""
    if args.demo:
        server = start_local_feed(args.speed, hours_before=5.0, seed=args.seed)
        core.clock = server.server.feed.clock
        return LiveSource(core, worker, runner=FeedRunner(core, demo_config(server)), server=server)
    if args.scenario:
        clock = ScenarioClock(utcnow(), args.speed)
        core.clock = clock
        player = ScenarioPlayer(core, worker, demo_scenario(clock.now(), seed=args.seed), clock)
        return LiveSource(core, worker, player=player)
    feed_url = getattr(args, "feed_url", None) or core.settings.feed_url
    if feed_url:
        interval = getattr(args, "feed_interval", None) or core.settings.feed_interval_s
        config = FeedConfig(url=feed_url, feed_id=feed_url, interval_s=interval)
        return LiveSource(core, worker, runner=FeedRunner(core, config))
    return LiveSource(core, worker)


__all__ = ["LiveBatch", "LiveSource", "open_live"]
