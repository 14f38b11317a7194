"""The window command: the operator window or, with ``--wall``, the wall display."""

from __future__ import annotations

import argparse

from app.paths import data_dir
from app.store import Store, open_store


def _demo_store(args: argparse.Namespace) -> Store:
    if args.db:
        return open_store(args.db)
    path = data_dir() / "demo.sqlite3"
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()  # the demo starts from a clean storm each time
    return open_store(f"sqlite:///{path}")


def run_gui(args: argparse.Namespace) -> int:
    from widgets.gui import run_wall, run_window

    store = _demo_store(args) if args.demo else open_store(args.db)
    try:
        return run_wall(store, args) if getattr(args, "wall", False) else run_window(store, args)
    finally:
        store.close()
