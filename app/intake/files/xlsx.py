"""Excel workbooks (.xlsx): the first sheet, headers in its first non-empty row, read row by row.

The archive is refused by its declared sizes before openpyxl unpacks anything (``zip_problem``):
a 7 MB file that unpacks to gigabytes costs a few milliseconds, not the machine.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from app.intake.files.archive import zip_problem
from app.intake.files.table import SourceRow, Table, file_rejection, json_raw
from app.intake.validate import Rejection


def read_xlsx(path: Path, source: str) -> Table:
    """Rows of the first worksheet (read as the table is iterated)."""
    problem = zip_problem(path)
    if problem is not None:
        return Table("xlsx", source, (), [file_rejection(source, path.name, f"файл Excel не принят: {problem}", "")])
    from openpyxl import load_workbook  # local: only spreadsheets need it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        headers = _headers(rows)
    except Exception as exc:
        reason = _unreadable(exc)
        rejection = file_rejection(source, path.name, reason, str(exc))
        return Table("xlsx", source, (), [rejection])
    return Table("xlsx", source, headers, _rows(book, rows, headers, sheet.title, source))


def _unreadable(exc: Exception) -> str:
    if isinstance(exc, zipfile.BadZipFile | OSError | EOFError | zlib.error):
        return "файл Excel повреждён: архив внутри не читается (размеры или контрольные суммы не сходятся)"
    return f"файл Excel не читается: повреждён или не является книгой Excel ({exc.__class__.__name__})"


def _headers(rows: Iterator[Sequence[object]]) -> tuple[str, ...]:
    for cells in rows:
        if not _blank(cells):
            return tuple(str(cell).strip() if cell is not None else f"Столбец {i + 1}" for i, cell in enumerate(cells))
    return ()


def _blank(cells: Sequence[object]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in cells)


def _rows(book: object, rows: Iterable[Sequence[object]], headers: tuple[str, ...], title: str,
          source: str) -> Iterator[SourceRow | Rejection]:
    try:
        for number, cells in enumerate(rows, start=2):
            if _blank(cells):
                continue
            values = {h: _cell(v) for h, v in zip(headers, cells, strict=False)}
            yield SourceRow(f"лист «{title}», строка {number}", json_raw(values), values)
    except Exception as exc:  # a sheet broken half-way: what was read stays, the rest is one rejection
        yield file_rejection(source, f"лист «{title}»", f"лист Excel повреждён, дальше не читается "
                             f"({exc.__class__.__name__})", str(exc))
    finally:
        book.close()  # type: ignore[attr-defined]


def _cell(value: object) -> object:
    return value.strip() if isinstance(value, str) else value
