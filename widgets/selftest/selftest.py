"""Offscreen check that the offline map works: Leaflet loads, markers draw, nothing leaks out.

With ``open_popups`` every message's popup and the details side panel are opened
too (up to ``POPUP_LIMIT``), so hostile text in the database gets its chance to run.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from app.cli.common import core_from
from app.common.clock import ManualClock
from app.common.timeutil import utcnow
from app.core import Core, open_core
from app.demo import DEMO_REGION, demo_scenario, play
from app.queries.messages import MessageRow, messages_after
from maps.qt.view import MapView
from maps.qt.web import WebContext
from widgets.selftest.bundle import run_bundle_checks
from widgets.shell.qtapp import create_application, spin_until, teardown

POPUP_LIMIT = 500
STREET_ZOOM = 16


def _poll_stats(view: MapView, expected: int, timeout: float) -> dict:
    stats: dict = {}

    def ask() -> None:
        view.stats(lambda value: stats.update(value or {}))

    def done() -> bool:
        ask()
        return view.is_ready and stats.get("markers", -1) >= expected

    spin_until(done, timeout, step_ms=50)
    ask()
    spin_until(lambda: False, 0.2)
    return stats


def _result(view: MapView, context: WebContext, stats: dict, expected: int, started: float) -> dict:
    result = {
        "leaflet_loaded": stats.get("leaflet") == "object",
        "markers_expected": expected,
        "markers_rendered": int(stats.get("markers", 0)),
        "blocked_requests": context.guard.blocked_count,
        "js_errors": int(stats.get("errors", 0)) + len(view.console_errors),
        "dialogs": int(stats.get("dialogs", 0)),
        "load_ms": round((time.monotonic() - started) * 1000),
    }
    result["ok"] = bool(result["leaflet_loaded"] and result["markers_rendered"] == expected
                        and result["blocked_requests"] == 0 and result["js_errors"] == 0 and result["dialogs"] == 0)
    return result


def check_map(rows: Sequence[MessageRow], timeout: float) -> dict:
    """Load the map with ``rows``; the result says whether the map works offline."""
    create_application(headless=True)
    context = WebContext()
    view = MapView(context)
    view.resize(1200, 800)
    view.show()
    started = time.monotonic()
    view.add_messages(rows)
    expected = sum(1 for r in rows if r.lat is not None and r.lon is not None)
    result = _result(view, context, _poll_stats(view, expected, timeout), expected, started)
    placed = [r for r in rows if r.lat is not None and r.lon is not None]
    if placed:
        result["street_zoom_drawn"] = _drawn_at_street_zoom(view, placed[0].lat, placed[0].lon, timeout)  # type: ignore[arg-type]
        result["ok"] = result["ok"] and result["street_zoom_drawn"] > 0
    teardown(context, view)
    return result


def _drawn_at_street_zoom(view: MapView, lat: float, lon: float, timeout: float, zoom: int = STREET_ZOOM) -> int:
    """Messages drawn once the map is zoomed in on a message (a hostile category once blanked this view)."""
    stats: dict = {}

    def there() -> bool:
        view.run_script(f"opershtab.setView({float(lat)}, {float(lon)}, {zoom});")
        view.stats(lambda value: stats.update(value or {}))
        return stats.get("frame_zoom") == zoom and int(stats.get("drawn", 0)) > 0

    spin_until(there, min(timeout, 20), step_ms=100)
    return int(stats.get("drawn", 0)) if stats.get("frame_zoom") == zoom else 0


def _open_all(panel: object, ids: Sequence[int], timeout: float) -> tuple[int, int]:
    """Open each message's popup in the page; each click must fill the side panel."""
    shown: list[str] = []
    panel.detailsShown.connect(shown.append)  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout
    for number, message_id in enumerate(ids, 1):
        panel.view.show_popup(message_id)  # type: ignore[attr-defined]
        if not spin_until(lambda n=number: len(shown) >= n, max(0.1, deadline - time.monotonic()), step_ms=5):
            break
    popups: dict = {}
    panel.view.stats(lambda s: popups.update(s or {}))  # type: ignore[attr-defined]
    spin_until(lambda: bool(popups), 5)
    return int(popups.get("popups", 0)), len(shown)


def check_map_with_popups(core: Core, rows: Sequence[MessageRow], timeout: float) -> dict:
    """Like ``check_map``, through the full map panel, then every popup and side panel is opened."""
    from widgets.map.map_panel import MapPanel
    from widgets.tasks.worker import DbWorker

    create_application(headless=True)
    context, worker = WebContext(), DbWorker()
    panel = MapPanel(core, context, worker)
    panel.resize(1400, 900)
    panel.show()
    started = time.monotonic()
    panel.view.add_messages(rows)
    panel.view.set_filter(None)
    placed = [r.id for r in rows if r.lat is not None and r.lon is not None]
    stats = _poll_stats(panel.view, len(placed), timeout)
    popups, details = _open_all(panel, placed[:POPUP_LIMIT], timeout)
    stats = _poll_stats(panel.view, len(placed), 5)
    result = _result(panel.view, context, stats, len(placed), started)
    result.update(popups_opened=popups, side_panels_opened=details)
    result["ok"] = result["ok"] and popups == details == min(len(placed), POPUP_LIMIT)
    worker.shutdown()
    teardown(context, panel)
    return result


def _selftest_core(args: argparse.Namespace, tmp: Path) -> Core:
    """The database given with --db, or a temporary one seeded with one simulated storm hour."""
    if getattr(args, "db", None):
        return core_from(args, create=False)
    core = open_core(f"sqlite:///{tmp / 'selftest.sqlite3'}", region=getattr(args, "region", None) or DEMO_REGION)
    scenario = demo_scenario(utcnow(), hours_before=6)
    peak = scenario.start + timedelta(hours=5)
    core.announce_arrived(play(core.store, scenario, peak, peak + timedelta(hours=1), core.pipeline))
    return core


def run_selftest(args: argparse.Namespace) -> int:
    """``selftest [--open-popups]``: print one JSON line; non-zero exit when anything failed."""
    with tempfile.TemporaryDirectory(prefix="opershtab-selftest-") as tmp:
        core = _selftest_core(args, Path(tmp))
        try:
            rows = messages_after(core.store, 0)
            if getattr(args, "open_popups", False):
                result = check_map_with_popups(core, rows, args.timeout)
            else:
                result = check_map(rows, args.timeout)
        finally:
            core.close()
    if getattr(args, "bundle_checks", True):
        result |= run_bundle_checks(args.timeout)  # migrations from empty, briefing PDF with bundled fonts
        result["ok"] = result["ok"] and result["bundle_ok"]
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["ok"] else 1


def demo_panel_png(core: Core, pack_path: str, now: datetime, path: str, size: tuple[int, int] = (1500, 950)) -> dict:
    """The map panel with a region pack and the database's last 24 hours, saved as PNG; returns page stats."""
    from widgets.map.map_panel import MapPanel
    from widgets.tasks.worker import DbWorker

    core.clock = ManualClock(now)
    context, worker = WebContext(), DbWorker()
    panel = MapPanel(core, context, worker)
    panel.resize(*size)
    panel.show()
    spin_until(lambda: panel.view.is_ready, 60)
    loaded: list[object] = []
    panel.packLoaded.connect(loaded.append)
    panel.load_region_pack(pack_path)
    panel.load_window()
    spin_until(lambda: bool(loaded), 30)
    stats = _poll_stats(panel.view, 1, 30)
    spin_until(lambda: False, 2.0)  # clusters, tiles of the canvas and labels settle
    panel.grab().save(path, "PNG")
    stats = _poll_stats(panel.view, 1, 5)
    worker.shutdown()
    teardown(context, panel)
    return stats
