"""Hourly data as CSV or XLSX: one row per local hour, one column per series, then ``total``.

Columns are machine-friendly: category codes (or municipality names) as headers,
the hour as local ``YYYY-MM-DD HH:00``. CSV is UTF-8 with a BOM so Excel reads
Cyrillic names correctly.
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import datetime
from pathlib import Path

from app.analytics import HourlySeries, hourly_series
from app.ru import count_phrase
from app.store import Store, open_store
from app.timeutil import to_local

FORMATS = ("csv", "xlsx")


def table(series: HourlySeries) -> tuple[list[str], list[list[object]]]:
    """Header and rows of ``series``; rates keep two decimals, counts stay integers."""
    header = ["hour", *series.series, "total"]
    totals = series.total()
    rows: list[list[object]] = []
    for i, hour in enumerate(series.hours):
        values = [_cell(values[i], series.per_thousand) for values in series.series.values()]
        rows.append([to_local(hour).strftime("%Y-%m-%d %H:00"), *values, _cell(totals[i], series.per_thousand)])
    return header, rows


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

    header, rows = table(series)
    book = Workbook()
    sheet = book.active
    sheet.title = "По часам"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 18
    book.save(path)


def write(series: HourlySeries, path: Path, fmt: str | None = None) -> None:
    """Write ``series`` as ``fmt`` (default: from the file suffix)."""
    fmt = fmt or path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ValueError(f"неизвестный формат: {fmt}")
    (write_csv if fmt == "csv" else write_xlsx)(series, path)


def export_hourly(store: Store, start: datetime, end: datetime, by: str, fmt: str, path: Path) -> int:
    """Query and write the hours of [start, end); every municipality gets a column. Returns the row count."""
    series = hourly_series(store, start, end, by, top=None)
    write(series, path, fmt)
    return len(series.hours)


def run_export_hourly(args: argparse.Namespace) -> int:
    """CLI handler of ``export hourly``; errors go to stderr with exit code 2."""
    if args.end <= args.start:
        print("Ошибка: конец окна должен быть позже начала", file=sys.stderr)
        return 2
    store = open_store(getattr(args, "db", None))
    try:
        rows = export_hourly(store, args.start, args.end, args.by, args.fmt, Path(args.out))
    except ValueError as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    print(f"Записано: {count_phrase(rows, 'час', 'часа', 'часов')} → {args.out}")
    return 0
