"""Where live messages come from: the demo feed server + real poller, a configured feed,
the direct scenario player, or (on a shared PostgreSQL) other seats' changes."""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QWidget
from sqlalchemy import func, select

from app.clock import ScenarioClock, WallClock
from app.demo import demo_scenario
from app.enrich import enrich
from app.feed import FeedConfig
from app.feed_health import FeedHealth
from app.intake import Incoming
from app.models import Message
from app.municipalities import MunicipalityIndex, load_region_pack
from app.queries import hourly_counts, last_hours_window, messages_after
from app.store import Store
from app.timeutil import utcnow
from widgets.feed_runner import FeedRunner, demo_config, start_local_feed
from widgets.live import LiveBatch, ScenarioPlayer, arrived_batch
from widgets.sync_status import SyncBridge, SyncStatusIndicator
from widgets.worker import DbWorker

Enrich = Callable[[Incoming], Incoming]


def make_enrich(pack_path: str | None) -> Enrich:
    """The classify-and-locate step, with municipalities when a region pack is given."""
    packs: list[MunicipalityIndex] = load_region_pack(pack_path) if pack_path else []
    return functools.partial(enrich, packs=tuple(packs))


@dataclass
class LiveSource:
    store: Store
    worker: DbWorker
    clock: Any
    enrich: Enrich
    runner: FeedRunner | None = None
    server: Any = None
    player: ScenarioPlayer | None = None
    bridge: SyncBridge | None = None
    indicator: SyncStatusIndicator | None = None
    _last_id: int = 0

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


def open_live(store: Store, worker: DbWorker, args: argparse.Namespace) -> LiveSource:
    """The live source the command line asks for (``--demo``, ``--scenario``, ``--feed-url``)."""
    enrich_step = make_enrich(getattr(args, "region_pack", None))
    if args.demo:
        server = start_local_feed(args.speed, hours_before=5.0, seed=args.seed)
        runner = FeedRunner(store, demo_config(server), enrich=enrich_step)
        return LiveSource(store, worker, server.server.feed.clock, enrich_step, runner=runner, server=server)
    if args.scenario:
        clock = ScenarioClock(utcnow(), args.speed)
        player = ScenarioPlayer(store, worker, demo_scenario(clock.now(), seed=args.seed), clock)
        return LiveSource(store, worker, clock, enrich_step, player=player)
    feed_url = getattr(args, "feed_url", None)
    if feed_url:
        config = FeedConfig(url=feed_url, feed_id=feed_url, interval_s=args.feed_interval)
        return LiveSource(store, worker, WallClock(), enrich_step, runner=FeedRunner(store, config, enrich_step))
    return LiveSource(store, worker, WallClock(), enrich_step)



__all__ = ["LiveBatch", "LiveSource", "make_enrich", "open_live"]
