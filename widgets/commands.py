"""The window command: the operator window or, with ``--wall``, the wall display."""

from __future__ import annotations

import argparse

from app.paths import data_dir
from app.seat import WALL, open_seat_store
from app.store import Store, open_store


def _demo_store(args: argparse.Namespace) -> Store:
    if args.db:
        return open_store(args.db)
    path = data_dir() / "demo.sqlite3"
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()  # the demo starts from a clean storm each time
    return open_store(f"sqlite:///{path}")


def _wall_seat(args: argparse.Namespace) -> bool:
    """A wall on a shared PostgreSQL with no intake of its own is a read-only seat."""
    own_intake = args.demo or args.scenario or getattr(args, "feed_url", None)
    return bool(getattr(args, "wall", False) and not own_intake and (args.db or "").startswith("postgresql"))


def run_gui(args: argparse.Namespace) -> int:
    from widgets.gui import run_wall, run_window

    if _wall_seat(args):
        store = open_seat_store(args.db, WALL)  # the server refuses writes from this seat too
    else:
        store = _demo_store(args) if args.demo else open_store(args.db)
    try:
        return run_wall(store, args) if getattr(args, "wall", False) else run_window(store, args)
    finally:
        store.close()
