"""Writing published files of the points of assistance: GeoJSON and the press map HTML.

Files are written atomically (a temporary file beside the target, then
``os.replace``): a press service that copies the file at the wrong moment gets
yesterday's map or today's, never half of one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.common.files import write_text_atomic
from app.common.ru import count_phrase
from app.ops.assistance import AssistanceRow, to_geojson

FORMATS = ("geojson", "html")


def write_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` so that readers see the old or the new file, never a part."""
    return write_text_atomic(path, text)


def export_geojson(rows: Sequence[AssistanceRow], path: str | Path) -> int:
    """The points as a GeoJSON FeatureCollection file; returns how many were written."""
    write_atomic(path, to_geojson(list(rows)))
    return len(rows)


def export_html(html: str, path: str | Path) -> Path:
    """A ready HTML document (the press map built by ``maps.press.html``), written atomically."""
    return write_atomic(path, html)


def points_phrase(n: int) -> str:
    """«1 пункт помощи», «2 пункта помощи», «5 пунктов помощи»."""
    return f"{count_phrase(n, 'пункт', 'пункта', 'пунктов')} помощи"


def summary_line(n: int, path: str | Path) -> str:
    """The one line the CLI and the status bar show after an export."""
    return f"Записано: {points_phrase(n)} → {path}"
