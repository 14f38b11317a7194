"""The interactive window: wiring of store, worker, web context, scenario player."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from app.briefing import DEFAULT_REGION
from app.clock import ScenarioClock, WallClock
from app.demo import demo_scenario
from app.playlist import Playlist, parse_playlist
from app.queries import hourly_counts, last_hours_window, messages_in
from app.store import Store
from app.timeutil import utcnow
from maps.web import WebContext
from widgets.live import LiveBatch, ScenarioPlayer
from widgets.main_window import MainWindow
from widgets.qtapp import create_application, teardown
from widgets.wall import WallWindow
from widgets.worker import DbWorker


def _schedule_exit(window: QWidget, seconds: float, screenshot: str | None) -> None:
    def finish() -> None:
        if screenshot:
            window.grab().save(screenshot)
        window.close()

    QTimer.singleShot(int(seconds * 1000), finish)


def _start_player(store: Store, worker: DbWorker, clock: ScenarioClock, seed: int, window: QWidget,
                  on_error: Callable[[str], None]) -> ScenarioPlayer:
    player = ScenarioPlayer(store, worker, demo_scenario(clock.now(), seed=seed), clock, parent=window)
    player.batchStored.connect(window.apply_batch)  # type: ignore[attr-defined]
    player.failed.connect(on_error)
    player.start()
    return player


def run_window(store: Store, scenario_name: str | None, speed: float, seed: int,
               screenshot: str | None = None, exit_after: float | None = None) -> int:
    """Show the main window until it is closed; returns the exit code."""
    app = create_application()
    context = WebContext()
    worker = DbWorker()
    clock = ScenarioClock(utcnow(), speed) if scenario_name else WallClock()
    window = MainWindow(store, context, worker, clock)
    window.restore_layout()
    window.show()
    window.load_initial()
    player = _start_player(store, worker, clock, seed, window, window.statusBar().showMessage) \
        if scenario_name else None
    if exit_after is not None:
        _schedule_exit(window, exit_after, screenshot)
    code = app.exec()
    if player is not None:
        player.stop()
    worker.shutdown()
    window.briefing.shutdown()
    teardown(context, window, worker)
    return code


def _place_wall(window: WallWindow, screen_index: int | None, size: tuple[int, int], fixed: bool) -> None:
    """Full screen on the chosen monitor; at a fixed resolution when there is no real screen."""
    screens = QGuiApplication.screens()
    screen = screens[screen_index] if screen_index is not None and 0 <= screen_index < len(screens) else None
    if fixed:
        window.setFixedSize(*size)
        window.show()
        return
    if screen is not None:
        window.setScreen(screen)
        window.setGeometry(screen.geometry())
    window.showFullScreen()


def run_wall(store: Store, args: argparse.Namespace) -> int:
    """The wall display until closed (or ``--exit-after``); returns the exit code."""
    app = create_application()
    context = WebContext()
    worker = DbWorker()
    scenario_name = "storm" if args.demo else args.scenario
    clock = ScenarioClock(utcnow(), args.speed) if scenario_name else WallClock()
    playlist = Playlist(parse_playlist(args.playlist)) if args.playlist else Playlist()
    window = WallWindow(store, context, worker, clock, DEFAULT_REGION, playlist)
    offscreen = QGuiApplication.platformName() in {"offscreen", "minimal"}
    _place_wall(window, args.screen, args.wall_size, fixed=offscreen or bool(args.screenshot))
    load_initial_wall(window, store, worker, clock)
    player = _start_player(store, worker, clock, args.seed, window, lambda _text: None) if scenario_name else None
    if args.exit_after is not None:
        _schedule_exit(window, args.exit_after, args.screenshot)
    code = app.exec()
    if player is not None:
        player.stop()
    worker.shutdown()
    teardown(context, window, worker)
    return code


def load_initial_wall(window: WallWindow, store: Store, worker: DbWorker, clock: object) -> None:
    now = clock.now()  # type: ignore[attr-defined]
    start, end = last_hours_window(now)
    worker.run(lambda: LiveBatch(now, messages_in(store, start, end), hourly_counts(store, start, end)),
               window.apply_batch, owner=window)
