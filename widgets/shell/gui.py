"""The interactive windows: wiring of store, worker, web context and the live source."""

from __future__ import annotations

import argparse

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from app.core import Core
from app.wall.playlist import Playlist, parse_playlist
from maps.qt.web import WebContext
from widgets.shell.main_window import MainWindow
from widgets.shell.qtapp import create_application, teardown
from widgets.shell.region_picker import RegionDialog
from widgets.tasks.live_sources import LiveSource, open_live
from widgets.tasks.worker import DbWorker
from widgets.wall.wall import WallWindow


def _schedule_exit(window: QWidget, seconds: float, screenshot: str | None) -> None:
    def finish() -> None:
        if screenshot:
            window.grab().save(screenshot)
        window.close()

    QTimer.singleShot(int(seconds * 1000), finish)


def _prepare(core: Core, args: argparse.Namespace) -> tuple[WebContext, DbWorker, LiveSource]:
    """Web context, database worker and the live source the command line asks for."""
    context, worker = WebContext(), DbWorker()
    return context, worker, open_live(core, worker, args)


def run_window(core: Core, args: argparse.Namespace) -> int:
    """The operator window until it is closed; returns the exit code."""
    app = create_application()
    context, worker, live = _prepare(core, args)
    if core.region is None and args.exit_after is None:
        RegionDialog(core, worker).exec()  # a fresh install: which subject the centre serves, asked first
    window = MainWindow(core, context, worker)
    window.restore_layout()
    window.show()
    window.load_initial()
    for problem in (core.pack_error, window.map_panel.raster_error):
        if problem:
            window.warn(problem)
    window.attach_live(live)
    if args.exit_after is not None:
        window.open_files = False
        _schedule_exit(window, args.exit_after, args.screenshot)
    code = app.exec()
    live.stop()
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


def run_wall(core: Core, args: argparse.Namespace) -> int:
    """The wall display until closed (or ``--exit-after``); returns the exit code."""
    app = create_application()
    context, worker, live = _prepare(core, args)
    playlist = Playlist(parse_playlist(args.playlist)) if args.playlist else Playlist()
    window = WallWindow(core, context, worker, playlist)
    offscreen = QGuiApplication.platformName() in {"offscreen", "minimal"}
    _place_wall(window, args.screen, args.wall_size, fixed=offscreen or bool(args.screenshot))
    window.load()
    live.attach(window, window.set_feed_health)
    window.set_feed_configured(live.runner is not None or live.player is not None)
    if live.indicator is not None:
        window.show_connection(live.indicator)
    if args.exit_after is not None:
        _schedule_exit(window, args.exit_after, args.screenshot)
    code = app.exec()
    live.stop()
    worker.shutdown()
    teardown(context, window, worker)
    return code
