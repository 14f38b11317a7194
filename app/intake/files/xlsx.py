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
        sheet.reset_dimensions()  # the declared <dimension> (A1:XFD1048576) is no promise: read the real cells
        number, headers = _headers(sheet.iter_rows(values_only=True))
        rows = sheet.iter_rows(min_row=number + 1, max_col=max(1, len(headers)), values_only=True)
    except Exception as exc:
        reason = _unreadable(exc)
        rejection = file_rejection(source, path.name, reason, str(exc))
        return Table("xlsx", source, (), [rejection])
    return Table("xlsx", source, headers, _rows(book, rows, headers, sheet.title, source, number + 1))


def _unreadable(exc: Exception) -> str:
    if isinstance(exc, zipfile.BadZipFile | OSError | EOFError | zlib.error):
        return "файл Excel повреждён: архив внутри не читается (размеры или контрольные суммы не сходятся)"
    return f"файл Excel не читается: повреждён или не является книгой Excel ({exc.__class__.__name__})"


MAX_COLUMNS = 1000  # a table of messages has a dozen columns; a row's width bounds the work of every row


def _headers(rows: Iterator[Sequence[object]]) -> tuple[int, tuple[str, ...]]:
    """The first non-empty row's number and its headers, up to its last non-empty cell."""
    for number, cells in enumerate(rows, start=1):
        if not _blank(cells):
            width = max(i for i, cell in enumerate(cells) if cell is not None and str(cell).strip()) + 1
            return number, tuple(str(cell).strip() if cell is not None and str(cell).strip() else f"Столбец {i + 1}"
                                 for i, cell in enumerate(cells[:min(width, MAX_COLUMNS)]))
    return 0, ()


def _blank(cells: Sequence[object]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in cells)


def _rows(book: object, rows: Iterable[Sequence[object]], headers: tuple[str, ...], title: str,
          source: str, first: int) -> Iterator[SourceRow | Rejection]:
    try:
        for number, cells in enumerate(rows, start=first):
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
