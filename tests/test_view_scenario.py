"""`--demo --scenario NAME` serves the scenario's region and the window opens framed on it with its messages."""

from __future__ import annotations

import argparse
from datetime import timedelta

import pytest

from app.cli import build_parser
from app.common.timeutil import utcnow
from app.demo import demo_scenario, play, scenario_region
from app.queries.messages import messages_by_ids
from app.region import region_bounds
from tests.qt_helpers import page_value

SCENARIOS = {"storm": "RU-KDA", "cold-snap": "RU-CHE", "frost": "RU-SA"}


def _args(tmp_path, *extra: str) -> argparse.Namespace:
    return build_parser().parse_args(["--db", f"sqlite:///{tmp_path / 'demo.sqlite3'}", "--demo", *extra])


def _contains(shown, bounds) -> bool:
    """Whether the map's view holds the middle of ``bounds`` and most of its width."""
    south, west, north, east = bounds
    middle = ((south + north) / 2, (west + east) / 2)
    inside = shown[0] < middle[0] < shown[2] and shown[1] < middle[1] < shown[3]
    return inside and (shown[3] - shown[1]) >= 0.8 * (east - west)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_demo_scenario_chooses_its_region_and_the_map_frames_it(qtbot, web_context, tmp_path, name):
    from widgets.shell.commands import _demo_core
    from widgets.shell.main_window import MainWindow
    from widgets.tasks.worker import DbWorker

    core = _demo_core(_args(tmp_path, "--scenario", name))
    try:
        assert core.region is not None and core.region.code == SCENARIOS[name] == scenario_region(name)
        now = utcnow()
        summary = play(core.store, demo_scenario(now, seed=7, name=name), now - timedelta(hours=6), now, core.pipeline)
        placed = sum(1 for row in messages_by_ids(core.store, summary.new_ids) if row.lat is not None)
        assert placed > 50
        window = MainWindow(core, web_context, DbWorker())
        window.open_files = False
        qtbot.addWidget(window, before_close_func=lambda w: w.briefing.shutdown())
        window.show()
        window.load_initial()
        qtbot.waitUntil(lambda: window.map_view.is_ready, timeout=40000)
        south, west, north, east = region_bounds(core.region.code)
        qtbot.waitUntil(lambda: page_value(qtbot, window.map_view, "opershtab.stats().markers")
                        == placed, timeout=40000)
        shown = page_value(qtbot, window.map_view, "opershtab.bounds()")
        middle = ((south + north) / 2, (west + east) / 2)
        assert shown[0] < middle[0] < shown[2] and shown[1] < middle[1] < shown[3]  # the region in the middle
        assert (shown[3] - shown[1]) < 4 * (east - west)  # framed on it, not on the whole country
        assert window.windowTitle() == f"Оперштаб — {core.region.name}"
        if name == "storm":  # the federal view: a subject's row frames it, «Вся Россия» the country
            window.regions.regionActivated.emit("RU-SA")
            sa = region_bounds("RU-SA")
            qtbot.waitUntil(lambda: _contains(page_value(qtbot, window.map_view, "opershtab.bounds()"), sa),
                            timeout=10000)
            window.regions.russiaRequested.emit()
            qtbot.waitUntil(lambda: _contains(page_value(qtbot, window.map_view, "opershtab.bounds()"),
                                              (45.0, 30.0, 70.0, 170.0)), timeout=10000)
    finally:
        core.close()


def test_demo_without_scenario_is_the_storm(tmp_path):
    from widgets.shell.commands import _demo_core

    core = _demo_core(_args(tmp_path))
    try:
        assert core.region is not None and core.region.code == "RU-KDA"
    finally:
        core.close()


def test_scenario_player_plays_the_named_scenario(qapp, tmp_path):
    from app.core import open_core
    from widgets.tasks.live_sources import open_live
    from widgets.tasks.worker import DbWorker

    core = open_core(f"sqlite:///{tmp_path / 'p.sqlite3'}", region="RU-SA")
    worker = DbWorker()
    try:
        args = build_parser().parse_args(["--scenario", "frost"])
        live = open_live(core, worker, args)
        assert live.player is not None and live.player.scenario.name == "frost"
    finally:
        worker.shutdown()
        core.close()
