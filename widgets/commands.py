"""Commands that need Qt: the GUI, the offscreen self-test and the headless briefing."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from app.demo import demo_scenario, play
from app.paths import data_dir
from app.queries import hourly_counts, last_hours_window, latest_time, messages_after, messages_in
from app.store import Store, open_store
from app.timeutil import floor_hour, utcnow


def _demo_store(args: argparse.Namespace) -> Store:
    if args.db:
        return open_store(args.db)
    path = data_dir() / "demo.sqlite3"
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()  # the demo starts from a clean storm each time
    return open_store(f"sqlite:///{path}")


def run_gui(args: argparse.Namespace) -> int:
    from widgets.gui import run_wall, run_window

    scenario_name = "storm" if args.demo else args.scenario
    store = _demo_store(args) if args.demo else open_store(args.db)
    try:
        if getattr(args, "wall", False):
            return run_wall(store, args)
        return run_window(store, scenario_name, args.speed, args.seed, args.screenshot, args.exit_after)
    finally:
        store.close()


def _selftest_store(args: argparse.Namespace, tmp: Path) -> Store:
    if args.db:
        return open_store(args.db)
    store = open_store(f"sqlite:///{tmp / 'selftest.sqlite3'}")
    now = utcnow()
    scenario = demo_scenario(now, hours_before=6)
    peak = scenario.start + timedelta(hours=5)
    play(store, scenario, peak, peak + timedelta(hours=1))  # one simulated storm hour
    return store


def run_selftest(args: argparse.Namespace) -> int:
    """Load the map offscreen with the database's messages; print one JSON line."""
    from widgets.selftest import check_map

    with tempfile.TemporaryDirectory(prefix="opershtab-selftest-") as tmp:
        store = _selftest_store(args, Path(tmp))
        try:
            rows = messages_after(store, 0)
            result = check_map(rows, args.timeout)
        finally:
            store.close()
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["ok"] else 1


def run_briefing(args: argparse.Namespace) -> int:
    """Write the PDF briefing for one hour from the database, without a window."""
    from widgets.headless_briefing import make_briefing

    store = open_store(args.db)
    try:
        latest = latest_time(store)
        period_end = args.at or (floor_hour(latest) if latest else floor_hour(utcnow()))
        start, end = last_hours_window(period_end - timedelta(seconds=1))
        rows = messages_in(store, start, end)
        counts = hourly_counts(store, start, end)
        path, ok = make_briefing(store, period_end, rows, counts, Path(args.out))
    finally:
        store.close()
    print(("Справка сохранена: " if ok else "Ошибка справки: ") + path, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1

