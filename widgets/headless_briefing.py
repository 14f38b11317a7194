"""The briefing without a window: offscreen map and chart, then the same BriefingMaker."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from app.briefing import DEFAULT_REGION
from app.queries import HourlyCounts, MessageRow
from app.store import Store
from maps.view import MapView
from maps.web import WebContext
from widgets.briefing import BriefingMaker
from widgets.hourly_chart import HourlyChart
from widgets.qtapp import create_application, spin_until, teardown

MAP_SIZE = (1000, 620)
CHART_SIZE = (1000, 380)


def _rendered_map(context: WebContext, rows: Sequence[MessageRow], timeout: float) -> MapView:
    view = MapView(context)
    view.resize(*MAP_SIZE)
    view.show()
    view.add_messages(rows)
    expected = sum(1 for r in rows if r.lat is not None)
    markers: dict = {}
    spin_until(lambda: view.stats(lambda s: markers.update(s or {})) or markers.get("markers", -1) >= expected,
               timeout, step_ms=50)
    spin_until(lambda: False, 0.5)  # let clusters settle before the snapshot
    return view


def make_briefing(store: Store, period_end: datetime, rows: Sequence[MessageRow], counts: HourlyCounts,
                  out_dir: Path, region: str = DEFAULT_REGION, timeout: float = 60.0) -> tuple[str, bool]:
    """Render the PDF for the hour ending at ``period_end``; returns (path or error, ok)."""
    create_application(headless=True)
    context = WebContext()
    view = _rendered_map(context, rows, timeout)
    chart = HourlyChart()
    chart.resize(*CHART_SIZE)
    chart.set_counts(counts)
    chart.show()
    maker = BriefingMaker(store, context, view, chart, out_dir)
    outcome: list[tuple[str, bool]] = []
    maker.finished.connect(lambda path, ok: outcome.append((path, ok)))
    maker.make(period_end, region)
    spin_until(lambda: bool(outcome), timeout)
    maker.shutdown()
    teardown(context, maker, view, chart)
    return outcome[0] if outcome else ("время ожидания истекло", False)
