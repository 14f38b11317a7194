"""A layer as a plain table (CSV for any program, XLSX for Excel): Russian column titles, defused cells."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from app.common.cells import safe_cell
from app.export.gis import Layer


def write_table(layer: Layer, fmt: str, path: Path) -> int:
    """Every row of ``layer`` (with or without a place) as ``fmt``; returns the number of rows."""
    titles = [f.title for f in layer.fields]
    count = 0
    if fmt == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(titles)
            for feature in layer.features:
                writer.writerow([safe_cell(v) for v in feature.values])
                count += 1
        return count
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(layer.title[:31])
    sheet.append(titles)
    for feature in layer.features:
        sheet.append([safe_cell(v) for v in feature.values])
        count += 1
    save_workbook(book, path)
    return count


def save_workbook(book: Any, path: Path) -> None:
    """Zip the workbook in memory, then write the bytes: openpyxl's zip file, failing half-way on a full
    disk, cannot even close, and its errors would be printed at exit after the operator's one sentence."""
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
