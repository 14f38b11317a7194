"""The briefing without a window: offscreen map and chart, then the same BriefingMaker."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from app.analytics.hourly import HourlyCounts, hourly_counts
from app.cli.common import core_from
from app.common.timeutil import floor_hour, from_local, utcnow
from app.queries.messages import MessageRow, latest_time, messages_in
from app.store.engine import Store
from maps.qt.view import MapView
from maps.qt.web import WebContext
from widgets.analytics.hourly_chart import HourlyChart
from widgets.briefing.maker import FORMATS, BriefingMaker, BriefingResult
from widgets.shell.qtapp import create_application, spin_until, teardown

MAP_SIZE = (1000, 620)
CHART_SIZE = (1000, 380)
FORMAT_NAMES = {"pdf": "PDF", "docx": "DOCX"}


def _bounds_of(rows: Sequence[MessageRow], pad: float = 0.15) -> tuple[float, float, float, float] | None:
    """South, west, north, east around every located message of ``rows``, padded."""
    points = [(r.lat, r.lon) for r in rows if r.lat is not None and r.lon is not None]
    if not points:
        return None
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    d_lat, d_lon = max(max(lats) - min(lats), 0.05) * pad, max(max(lons) - min(lons), 0.05) * pad
    return min(lats) - d_lat, min(lons) - d_lon, max(lats) + d_lat, max(lons) + d_lon


def _rendered_map(context: WebContext, rows: Sequence[MessageRow], focus: Sequence[MessageRow],
                  timeout: float) -> MapView:
    view = MapView(context)
    view.resize(*MAP_SIZE)
    view.show()
    view.add_messages(rows)
    bounds = _bounds_of(focus) or _bounds_of(rows)
    if bounds:
        view.fit_bounds(*bounds)  # not animated: the snapshot never catches a zoom in flight
    expected = sum(1 for r in rows if r.lat is not None)
    markers: dict = {}
    spin_until(lambda: view.stats(lambda s: markers.update(s or {})) or markers.get("markers", -1) >= expected,
               timeout, step_ms=50)
    spin_until(lambda: False, 0.4)  # let the clusters settle before the snapshot
    return view


def make_briefing_files(store: Store, period_end: datetime, rows: Sequence[MessageRow], counts: HourlyCounts,
                        out_dir: Path, region: str, timeout: float = 60.0,
                        formats: Sequence[str] = FORMATS,
                        population: Mapping[str, int] | None = None) -> BriefingResult:
    """Write the briefing files for the hour ending at ``period_end``; never raises for one bad format."""
    create_application(headless=True)
    context = WebContext()
    end = floor_hour(period_end)
    view = _rendered_map(context, rows, [r for r in rows if end - timedelta(hours=1) <= r.published_at < end],
                         timeout)
    chart = HourlyChart()
    chart.resize(*CHART_SIZE)
    chart.set_counts(counts)
    chart.show()
    maker = BriefingMaker(store, context, view, chart, out_dir)
    maker.formats, maker.population = tuple(formats), population
    outcome: list[BriefingResult] = []
    maker.completed.connect(outcome.append)
    maker.make(period_end, region)
    spin_until(lambda: bool(outcome), timeout)
    maker.shutdown()
    teardown(context, maker, view, chart)
    return outcome[0] if outcome else BriefingResult(None, errors={f: "время ожидания истекло" for f in formats})


def make_briefing(store: Store, period_end: datetime, rows: Sequence[MessageRow], counts: HourlyCounts,
                  out_dir: Path, region: str, timeout: float = 60.0) -> tuple[str, bool]:
    """PDF and DOCX for the hour; returns (PDF path or the errors, ok) as the first version did."""
    result = make_briefing_files(store, period_end, rows, counts, out_dir, region, timeout)
    if result.ok:
        return result.files.get("pdf", next(iter(result.files.values()))), True
    return "; ".join(f"{FORMAT_NAMES.get(k, k)}: {v}" for k, v in result.errors.items()), False


def parse_formats(text: str) -> tuple[str, ...]:
    """'pdf,docx' → ('pdf', 'docx'); unknown names raise ValueError."""
    formats = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"неизвестный формат: {', '.join(unknown) or text!r}; допустимы pdf, docx")
    return formats


def _report(result: BriefingResult, formats: Sequence[str]) -> int:
    for fmt in formats:
        if fmt in result.files:
            print(f"Справка {FORMAT_NAMES[fmt]} сохранена: {result.files[fmt]}")
        else:
            error = result.errors.get(fmt, "файл не создан")
            print(f"Ошибка справки {FORMAT_NAMES[fmt]}: {error}", file=sys.stderr)
    if "archive" in result.errors:
        print(f"Справка не записана в архив: {result.errors['archive']}", file=sys.stderr)
    return 0 if result.ok and all(fmt in result.files for fmt in formats) else 1


def run_briefing_command(args: argparse.Namespace) -> int:
    """``briefing``: the hour ending at ``--at`` (default: the last full hour of the data)."""
    try:
        formats = parse_formats(getattr(args, "format", None) or ",".join(FORMATS))
    except ValueError as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    if not out.is_dir() and not out.parent.is_dir():
        print(f"Ошибка: папка для справки не существует: {out.parent}", file=sys.stderr)
        return 2
    core = core_from(args, create=False)
    if core.region is None:
        core.close()
        print("Ошибка: регион не выбран: укажите --region КОД (например RU-SA) или выполните "
              "«settings set region КОД»", file=sys.stderr)
        return 2
    try:
        store = core.store
        latest = latest_time(store)
        period_end = floor_hour(from_local(args.at) if args.at else latest or utcnow())
        start = period_end - timedelta(hours=24)
        rows, counts = messages_in(store, start, period_end), hourly_counts(store, start, period_end)
        region = core.region.name
        population = core.pack.populations() if core.pack else None
        result = make_briefing_files(store, period_end, rows, counts, Path(args.out), region, formats=formats,
                                     population=population)
    finally:
        core.close()
    return _report(result, formats)
