"""Where live messages come from: the demo feed server + real poller, a configured feed,
the direct scenario player, or (on a shared PostgreSQL) other seats' changes.

Every source stores through the core, which announces what arrived; the windows only
show the feed's health. The configured feed follows the settings while the program
runs: a changed address, interval, staleness threshold or token restarts the poller.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtWidgets import QWidget
from sqlalchemy import func, select

from app.common.changes import Changes, Kind
from app.common.clock import ScenarioClock
from app.common.timeutil import utcnow
from app.core import Core, feed_config
from app.demo import DEFAULT_SCENARIO
from app.demo.play import demo_scenario
from app.intake import FeedConfig, FeedHealth
from app.queries.messages import messages_after
from app.store.engine import Store
from app.store.models import Message
from widgets.tasks.feed_runner import FeedRunner, demo_config, start_local_feed
from widgets.tasks.live import ScenarioPlayer
from widgets.tasks.sync_bridge import SyncBridge, SyncStatusIndicator
from widgets.tasks.worker import DbWorker

Health = Callable[[FeedHealth], None]


@dataclass
class LiveSource:
    core: Core
    worker: DbWorker
    runner: FeedRunner | None = None
    server: Any = None
    player: ScenarioPlayer | None = None
    bridge: SyncBridge | None = None
    indicator: SyncStatusIndicator | None = None
    feed_url: str | None = None  # from the command line: wins over the settings
    _last_id: int = 0
    _window: QWidget | None = None
    _on_health: Health | None = None

    @property
    def store(self) -> Store:
        return self.core.store

    @property
    def clock(self) -> Any:
        return self.core.clock

    def attach(self, window: QWidget, on_health: Health) -> None:
        """Start the source; feed health goes to ``on_health`` (the views follow the core's announcements)."""
        self._window, self._on_health = window, on_health
        if self.runner is not None:
            self._start_runner(self.runner)
        if self.player is not None:
            self.player.setParent(window)
            self.player.start()
        if self.runner is None and self.player is None:
            self._follow_other_seats(window)

    def _start_runner(self, runner: FeedRunner) -> None:
        if self._on_health is not None:
            runner.healthChanged.connect(self._on_health)
        runner.start()

    def configured_feed(self) -> FeedConfig | None:
        """The feed the settings (or the command line, or the demo) name, with the stored token."""
        settings, token = self.core.settings, self.core.secrets.token()
        if self.server is not None and not settings.feed_url:
            return replace(demo_config(self.server), token=token)
        return feed_config(settings, token, self.feed_url)

    def reconfigure(self) -> FeedRunner | None:
        """Restart the poller with the current settings (None when no feed is configured any more)."""
        if self.player is not None:
            return None  # the scenario player has no feed to configure
        if self.runner is not None:
            self.runner.stop()
            self.runner.deleteLater()
        config = self.configured_feed()
        self.runner = FeedRunner(self.core, config, stale_after_s=self.core.settings.feed_stale_after_s) \
            if config is not None else None
        if self.runner is not None and self._window is not None:
            self._start_runner(self.runner)
        return self.runner

    def _follow_other_seats(self, window: QWidget) -> None:
        """Without an own intake, show what other seats and pollers store (NOTIFY on PostgreSQL)."""
        self._last_id = latest_id(self.store)
        self.bridge = SyncBridge(self.store, parent=window)
        self.bridge.changed.connect(lambda _change: self._catch_up(window))
        self.indicator = SyncStatusIndicator(self.bridge)  # connection state for the status bar / wall
        self.bridge.start()

    def _catch_up(self, window: QWidget) -> None:
        after = self._last_id
        self.worker.run(lambda: new_ids_since(self.store, after), self._on_caught_up, owner=window)

    def _on_caught_up(self, ids: tuple[int, ...]) -> None:
        if ids:
            self._last_id = max(self._last_id, max(ids))
            self.core.hub.publish(Changes.of(Kind.MESSAGES_ADDED, Kind.INCIDENTS, messages=ids))

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


def new_ids_since(store: Store, after_id: int) -> tuple[int, ...]:
    """Ids of messages other seats stored after ``after_id``."""
    return tuple(row.id for row in messages_after(store, after_id, limit=5000))


def _scenario(args: argparse.Namespace) -> str:
    return getattr(args, "scenario", None) or DEFAULT_SCENARIO


def open_live(core: Core, worker: DbWorker, args: argparse.Namespace) -> LiveSource:
    """The live source the command line asks for (``--demo``, ``--scenario``, ``--feed-url``, settings)."""
    if args.demo:
        server = start_local_feed(args.speed, hours_before=5.0, seed=args.seed, scenario=_scenario(args))
        core.clock = server.server.feed.clock
        source = LiveSource(core, worker, server=server)
    elif args.scenario:
        clock = ScenarioClock(utcnow(), args.speed)
        core.clock = clock
        player = ScenarioPlayer(core, worker, demo_scenario(clock.now(), seed=args.seed, name=args.scenario), clock)
        return LiveSource(core, worker, player=player)
    else:
        source = LiveSource(core, worker, feed_url=getattr(args, "feed_url", None))
    config = source.configured_feed()
    interval = getattr(args, "feed_interval", None)
    if config is not None:
        config = replace(config, interval_s=float(interval)) if interval else config
        source.runner = FeedRunner(core, config, stale_after_s=core.settings.feed_stale_after_s)
    return source


__all__ = ["LiveSource", "open_live"]
