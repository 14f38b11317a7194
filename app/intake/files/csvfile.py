"""CSV in UTF-8 or cp1251, separated by «,», «;» or tabs (sniffed)."""

from __future__ import annotations

import csv
import io
import sys

from app.intake.files.table import SourceRow, Table, file_rejection
from app.intake.validate import Rejection

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # oversized fields are rejected by validation, not by csv
DELIMITERS = ",;\t"


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 when most non-ASCII lines are UTF-8, else cp1251.

    Lines that are not UTF-8 in a UTF-8 file keep their bytes as surrogates, so
    validation rejects those rows («не UTF-8») instead of garbling the whole file.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    lines = [line for line in data.splitlines() if not line.isascii()]
    good = sum(1 for line in lines if _is_utf8(line))
    if good * 2 > len(lines):
        return data.decode("utf-8", "surrogateescape"), "utf-8"
    return data.decode("cp1251", "replace"), "cp1251"


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def sniff_delimiter(text: str) -> str:
    """The separator of the first lines: csv.Sniffer, else the most frequent of «,», «;», tab."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = sample.split("\n", 1)[0]
        return max(DELIMITERS, key=header.count)


def read_csv(data: bytes, source: str, delimiter: str | None = None) -> Table:
    """Rows of a CSV file with a header line."""
    text, _encoding = decode(data)
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = _header(reader)
    rows: list[SourceRow | Rejection] = []
    blank = delimiter + " \t\r\n"
    while True:  # a csv.Error rejects that line and reading goes on with the next
        try:
            for cells in reader:
                joined = delimiter.join(cells)
                if joined.strip(blank) or any(cell.strip() for cell in cells):  # blank rows are skipped
                    rows.append(_row(cells, joined, headers, reader.line_num, delimiter, source))
            break
        except csv.Error as exc:
            rows.append(file_rejection(source, f"строка {reader.line_num}", f"ошибка CSV: {exc}", ""))
    return Table("csv", source, headers, rows)


def _header(reader: object) -> tuple[str, ...]:
    for cells in reader:  # type: ignore[attr-defined]
        if any(cell.strip() for cell in cells):
            return tuple(cell.strip() for cell in cells)
    return ()


def _row(cells: list[str], joined: str, headers: tuple[str, ...], line: int, delimiter: str,
         source: str) -> SourceRow | Rejection:
    raw = _unparse(cells, joined, delimiter)
    location = f"строка {line}"
    if len(cells) != len(headers):
        return file_rejection(source, location, f"неверное число полей: {len(cells)} вместо {len(headers)}", raw)
    return SourceRow(location, raw, dict(zip(headers, cells, strict=True)))


def _unparse(cells: list[str], joined: str, delimiter: str) -> str:
    """The row as CSV text again (what quarantine shows); ``joined`` is it when no cell needs quoting."""
    plain = '"' not in joined and "\n" not in joined and "\r" not in joined
    if joined and plain and joined.count(delimiter) == len(cells) - 1:
        return joined
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="").writerow(cells)
    return out.getvalue()
