"""Hourly data as CSV or XLSX: one row per local hour, one column per series, then ``total``.

Headers are Russian: «Час», each category's label with its code in brackets for
machines («Электроснабжение (power)»), or municipality names, then «Всего». The hour
is local ``YYYY-MM-DD HH:00``. CSV is UTF-8 with a BOM so Excel reads Cyrillic names.
Files appear whole (``atomic_target``); names from a pack are defused (``safe_cell``).
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from app.analytics.hourly import HourlySeries, hourly_series
from app.categories import CODES, label
from app.common.cells import safe_cell
from app.common.files import atomic_target
from app.common.timeutil import to_local
from app.store import Store

FORMATS = ("csv", "xlsx")


def table(series: HourlySeries) -> tuple[list[str], list[list[object]]]:
    """Header and rows of ``series``; rates keep two decimals, counts stay integers."""
    header = ["Час", *(_title(key) for key in series.series), "Всего"]
    totals = series.total()
    rows: list[list[object]] = []
    for i, hour in enumerate(series.hours):
        values = [_cell(values[i], series.per_thousand) for values in series.series.values()]
        rows.append([to_local(hour).strftime("%Y-%m-%d %H:00"), *values, _cell(totals[i], series.per_thousand)])
    return header, rows


def _title(key: str) -> str:
    return f"{label(key)} ({key})" if key in CODES else str(safe_cell(key))


def _cell(value: float, rate: bool) -> float | int:
    return round(value, 2) if rate else int(value)


def write_csv(series: HourlySeries, path: Path) -> None:
    header, rows = table(series)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_xlsx(series: HourlySeries, path: Path) -> None:
    from openpyxl import Workbook

    from app.export.tables import save_workbook

    header, rows = table(series)
    book = Workbook()
    sheet = book.active
    sheet.title = "По часам"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 18
    save_workbook(book, path)


def write(series: HourlySeries, path: Path, fmt: str | None = None) -> None:
    """Write ``series`` as ``fmt`` (default: from the file suffix)."""
    fmt = fmt or path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ValueError(f"неизвестный формат: {fmt}")
    with atomic_target(path) as temporary:
        (write_csv if fmt == "csv" else write_xlsx)(series, temporary)


def export_hourly(store: Store, start: datetime, end: datetime, by: str, fmt: str, path: Path) -> int:
    """Query and write the hours of [start, end); every municipality gets a column. Returns the row count."""
    series = hourly_series(store, start, end, by, top=None)
    write(series, path, fmt)
    return len(series.hours)
