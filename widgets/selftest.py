"""Offscreen check that the offline map works: Leaflet loads, markers draw, nothing leaks out."""

from __future__ import annotations

import time
from collections.abc import Sequence

from app.queries import MessageRow
from maps.view import MapView
from maps.web import WebContext
from widgets.qtapp import create_application, spin_until, teardown


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
    stats = _poll_stats(view, expected, timeout)
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
    teardown(context, view)
    return result
