"""The window command: the operator window or, with ``--wall``, the wall display (through the core)."""

from __future__ import annotations

import argparse

from app.cli.common import core_from
from app.common.paths import data_dir
from app.core import Core, open_core
from app.demo import DEFAULT_SCENARIO, scenario_region
from app.sync.seats import WALL


def _demo_core(args: argparse.Namespace) -> Core:
    """The demonstration: a clean database (unless --db), the scenario's region (``--scenario``), the pack asked for."""
    url = args.db
    if not url:
        path = data_dir() / "demo.sqlite3"
        for stale in path.parent.glob(path.name + "*"):
            stale.unlink()  # the demo starts from a clean storm each time
        url = f"sqlite:///{path}"
    region = args.region or scenario_region(args.scenario or DEFAULT_SCENARIO)  # the scenario's subject
    return open_core(url, region=region, region_pack=args.region_pack)


def _wall_seat(args: argparse.Namespace) -> bool:
    """A wall on a shared PostgreSQL with no intake of its own is a read-only seat."""
    own_intake = args.demo or args.scenario or getattr(args, "feed_url", None)
    return bool(getattr(args, "wall", False) and not own_intake and (args.db or "").startswith("postgresql"))


def run_gui(args: argparse.Namespace) -> int:
    from widgets.shell.gui import run_wall, run_window

    if _wall_seat(args):  # the server refuses writes from this seat too
        core = core_from(args, seat=WALL)
    elif args.demo:
        core = _demo_core(args)
    else:
        core = core_from(args)
    try:
        return run_wall(core, args) if getattr(args, "wall", False) else run_window(core, args)
    finally:
        core.close()
