"""The briefing without a window: the same stage (own offscreen map and chart) and the same BriefingMaker."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from app.analytics.hourly import HourlySeries, hourly_counts
from app.cli.common import core_from
from app.common.timeutil import floor_hour, from_local, utcnow
from app.core import crisis_of
from app.ops.deadlines import WorkCalendar
from app.queries.map import MapWindow, choropleth
from app.queries.messages import MessageRow, latest_time, messages_in
from app.region import Region, RegionPack
from app.store.engine import Store
from maps.qt.web import WebContext
from widgets.briefing.maker import FORMATS, BriefingMaker, BriefingResult, Crisis
from widgets.briefing.stage import BriefingScene, BriefingStage, region_extent, rows_extent
from widgets.shell.qtapp import create_application, spin_until, teardown

FORMAT_NAMES = {"pdf": "PDF", "docx": "DOCX"}


def scene_of(store: Store, period_end: datetime, rows: Sequence[MessageRow], counts: HourlySeries,
             region: Region | None = None, pack: RegionPack | None = None) -> BriefingScene:
    """The hour's messages of ``rows`` at the region's fixed extent (around the messages without a region)."""
    end = floor_hour(period_end)
    hour = tuple(r for r in rows if end - timedelta(hours=1) <= r.published_at < end)
    extent = region_extent(region, pack) or rows_extent(hour) or rows_extent(rows)
    values = tuple(choropleth(store, pack, MapWindow(end - timedelta(hours=1), end))) if pack is not None else ()
    return BriefingScene(end, hour, counts, extent, pack, values)


def make_briefing_files(store: Store, period_end: datetime, rows: Sequence[MessageRow], counts: HourlySeries,
                        out_dir: Path, region: str, timeout: float = 60.0,
                        formats: Sequence[str] = FORMATS,
                        population: Mapping[str, int] | None = None, profile: Region | None = None,
                        pack: RegionPack | None = None, crisis: Crisis | None = None,
                        calendar: WorkCalendar | None = None) -> BriefingResult:
    """Write the briefing files for the hour ending at ``period_end``; never raises for one bad format."""
    create_application(headless=True)
    context = WebContext()
    stage = BriefingStage(context, profile)
    scene = scene_of(store, period_end, rows, counts, profile, pack)
    maker = BriefingMaker(store, context, stage, lambda _end: scene, out_dir)
    maker.formats, maker.population, maker.crisis, maker.calendar = tuple(formats), population, crisis, calendar
    outcome: list[BriefingResult] = []
    maker.completed.connect(outcome.append)
    maker.make(period_end, region)
    spin_until(lambda: bool(outcome), timeout)
    maker.shutdown()
    stage.close()
    teardown(context, maker, stage)
    return outcome[0] if outcome else BriefingResult(None, errors={f: "время ожидания истекло" for f in formats})


def make_briefing(store: Store, period_end: datetime, rows: Sequence[MessageRow], counts: HourlySeries,
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
        population = core.pack.populations() if core.pack else None
        crisis = crisis_of(core.settings)
        result = make_briefing_files(store, period_end, rows, counts, Path(args.out), core.region.name,
                                     formats=formats, population=population, profile=core.region, pack=core.pack,
                                     crisis=(crisis.start, crisis.name), calendar=core.calendar())
    finally:
        core.close()
    return _report(result, formats)
