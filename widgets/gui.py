"""The interactive window: wiring of store, worker, web context, scenario player."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from app.clock import ScenarioClock, WallClock
from app.demo import demo_scenario
from app.store import Store
from app.timeutil import utcnow
from maps.web import WebContext
from widgets.live import ScenarioPlayer
from widgets.main_window import MainWindow
from widgets.qtapp import create_application, teardown
from widgets.worker import DbWorker


def _schedule_exit(window: MainWindow, seconds: float, screenshot: str | None) -> None:
    def finish() -> None:
        if screenshot:
            window.grab().save(screenshot)
        window.close()

    QTimer.singleShot(int(seconds * 1000), finish)


def run_window(store: Store, scenario_name: str | None, speed: float, seed: int,
               screenshot: str | None = None, exit_after: float | None = None) -> int:
    """Show the main window until it is closed; returns the exit code."""
    app = create_application()
    context = WebContext()
    worker = DbWorker()
    clock = ScenarioClock(utcnow(), speed) if scenario_name else WallClock()
    window = MainWindow(store, context, worker, clock)
    window.show()
    window.load_initial()
    player = None
    if scenario_name:
        player = ScenarioPlayer(store, worker, demo_scenario(clock.now(), seed=seed), clock, parent=window)
        player.batchStored.connect(window.apply_batch)
        player.failed.connect(window.statusBar().showMessage)
        player.start()
    if exit_after is not None:
        _schedule_exit(window, exit_after, screenshot)
    code = app.exec()
    if player is not None:
        player.stop()
    worker.shutdown()
    window.briefing.shutdown()
    teardown(context, window, worker)
    return code
