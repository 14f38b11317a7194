"""Excel workbooks (.xlsx): the first sheet, headers in its first non-empty row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import load_workbook

from app.intake.files.table import SourceRow, Table, file_rejection, json_raw
from app.intake.validate import Rejection


def read_xlsx(path: Path, source: str) -> Table:
    """Rows of the first worksheet."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        rejection = file_rejection(source, path.name, f"файл Excel не читается: {exc}", "")
        return Table("xlsx", source, (), [rejection])
    try:
        sheet = book.worksheets[0]
        return _table(sheet.iter_rows(values_only=True), sheet.title, source)
    finally:
        book.close()


def _table(rows_iter: Iterable[Sequence[object]], title: str, source: str) -> Table:
    headers: tuple[str, ...] = ()
    rows: list[SourceRow | Rejection] = []
    for number, cells in enumerate(rows_iter, start=1):
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        if not headers:
            headers = tuple(str(cell).strip() if cell is not None else f"Столбец {i + 1}"
                            for i, cell in enumerate(cells))
            continue
        values = {h: _cell(v) for h, v in zip(headers, cells, strict=False)}
        rows.append(SourceRow(f"лист «{title}», строка {number}", json_raw(values), values))
    return Table("xlsx", source, headers, rows)


def _cell(value: object) -> object:
    return value.strip() if isinstance(value, str) else value
