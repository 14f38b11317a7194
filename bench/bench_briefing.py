"""Briefing benchmark (offscreen, real QtWebEngine): PDF + DOCX with map snapshot and graph.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_briefing.py [--reps 5] [--hours 6]``
Database: the storm demo scenario (``--hours`` of it) in a temporary SQLite file.
Prints one JSON line: median seconds of one briefing (figures, map and chart grab, PDF, DOCX,
archive record) with the map already loaded, and of the whole headless run (map load included).
Target: ≤ 3 s. Targets live here, never in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
TARGET_S = 3.0


def _storm_store(tmp: Path, hours: int):
    from app.common.timeutil import utcnow
    from app.core import open_core
    from app.demo.play import demo_scenario, play

    core = open_core(f"sqlite:///{tmp / 'bench.sqlite3'}", region="RU-KDA")
    scenario = demo_scenario(utcnow(), hours_before=hours)
    end = scenario.start + timedelta(hours=hours)
    stored = play(core.store, scenario, scenario.start, end, core.pipeline).imported
    return core.store, end, stored


def _timed_runs(store, end, rows, counts, out: Path, reps: int) -> list[float]:
    """Briefings on one briefing stage (as in the window: its own offscreen map, already loaded)."""
    from app.region import region
    from maps.qt.web import WebContext
    from widgets.briefing.headless import scene_of
    from widgets.briefing.maker import BriefingMaker
    from widgets.briefing.stage import BriefingStage
    from widgets.shell.qtapp import create_application, spin_until, teardown

    create_application(headless=True)
    context = WebContext()
    profile = region("RU-KDA")
    stage = BriefingStage(context, profile)
    scene = scene_of(store, end, rows, counts, profile)
    spin_until(lambda: stage.view.is_ready, 60)  # as in the window after its first briefing
    maker = BriefingMaker(store, context, stage, lambda _end: scene, out)
    results: list = []
    maker.completed.connect(results.append)
    times = []
    for i in range(reps):
        started = time.perf_counter()
        maker.make(end, "Краснодарский край")
        spin_until(lambda i=i: len(results) > i, 60, step_ms=5)
        times.append(time.perf_counter() - started)
        assert results[i].ok, results[i].errors
    maker.shutdown()
    stage.close()
    teardown(context, maker, stage)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--hours", type=int, default=6)
    parser.add_argument("--json", action="store_true", help="also print BENCH_JSON for bench/run_all.py")
    args = parser.parse_args()
    from app.analytics.hourly import hourly_counts
    from app.queries.messages import messages_in
    from widgets.briefing.headless import make_briefing_files

    with tempfile.TemporaryDirectory(prefix="bench-briefing-") as tmp_name:
        tmp = Path(tmp_name)
        store, end, stored = _storm_store(tmp, args.hours)
        start = end - timedelta(hours=24)
        rows, counts = messages_in(store, start, end), hourly_counts(store, start, end)
        runs = _timed_runs(store, end, rows, counts, tmp / "out", args.reps)
        started = time.perf_counter()
        whole = make_briefing_files(store, end, rows, counts, tmp / "whole", "Краснодарский край")
        whole_s = time.perf_counter() - started
        store.close()
    median = statistics.median(runs)
    if args.json:
        from bench.common import emit

        emit({"runs_s": runs, "ok": whole.ok, "messages": stored})
    print(json.dumps({"messages": stored, "reps": args.reps, "briefing_median_s": round(median, 3),
                      "briefing_runs_s": [round(t, 3) for t in runs], "headless_with_map_load_s": round(whole_s, 3),
                      "ok": whole.ok, "target_s": TARGET_S, "within_target": median <= TARGET_S}))
    return 0 if median <= TARGET_S and whole.ok else 1


if __name__ == "__main__":
    sys.exit(main())
