"""Export of the points of assistance, for the window and the command line (no Qt).

``assistance export`` is registered by ``app/cli/assistance.py``; its handler
lives here because the HTML press map is built in ``maps`` (``app`` never
imports ``maps``).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from app.cli.assistance import FORMATS
from app.cli.common import core_from
from app.common.timeutil import utcnow
from app.export import export_aid
from app.ops.assistance import list_points
from app.ops.assistance_export import export_geojson, summary_line
from app.store.engine import Store
from maps.press.html import DEFAULT_TITLE, write_press_html


def export_points(store: Store, fmt: str, path: str | Path, title: str = DEFAULT_TITLE,
                  generated_at: datetime | None = None, region_code: str = "") -> int:
    """Read every point from ``store`` and write it as ``fmt`` (a GIS layer or html); returns the count."""
    if fmt not in FORMATS:
        raise ValueError(f"неизвестный формат: {fmt}")
    rows = list_points(store)
    if fmt == "geojson":
        return export_geojson(rows, path)  # the published interface: full property names, as before
    if fmt != "html":
        return export_aid(rows, fmt, path)
    write_press_html(rows, path, title, generated_at or utcnow(), region_code)
    return len(rows)


def run_export_command(args: argparse.Namespace) -> int:
    """CLI handler of ``assistance export``; errors go to stderr with exit code 2."""
    core = core_from(args, create=False)
    store = core.store
    try:
        code = core.region.code if core.region else ""
        count = export_points(store, args.fmt, args.out, args.title or DEFAULT_TITLE, region_code=code)
    except (OSError, ValueError) as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return 2
    finally:
        core.close()
    print(summary_line(count, args.out))
    return 0
