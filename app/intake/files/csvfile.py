"""CSV in UTF-8 or cp1251, separated by «,», «;» or tabs (sniffed), read as a stream.

The encoding and the separator are decided from the first megabyte; then the file is read
line by line, so memory does not grow with its size. A field longer than ``MAX_FIELD``
characters rejects its row (csv's own limit), a line longer than ``MAX_LINE`` too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from app.intake.files.table import SourceRow, Table, file_rejection
from app.intake.validate import Rejection

MAX_FIELD = 16 << 20  # characters: validation rejects a text over 1 MB with its size; this only bounds memory
MAX_LINE = 64 << 20
SAMPLE = 1 << 20
DELIMITERS = ",;\t"
TOO_LONG = "\x1fстрока слишком длинная\x1f"
csv.field_size_limit(MAX_FIELD)


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 when most non-ASCII lines are UTF-8, else cp1251.

    Lines that are not UTF-8 in a UTF-8 file keep their bytes as surrogates, so
    validation rejects those rows («не UTF-8») instead of garbling the whole file.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    encoding = detect_encoding(data)
    return data.decode(encoding, "surrogateescape" if encoding == "utf-8" else "replace"), encoding


def detect_encoding(sample: bytes) -> str:
    """«utf-16» (by its BOM), «utf-8», «cp1251» or «koi8-r», judged by the bytes of ``sample``.

    A few bytes that are not UTF-8 in a file of UTF-8 Cyrillic (one 0xFF) leave it UTF-8: text in
    cp1251 or KOI8-R almost never forms valid UTF-8 sequences, so valid multibyte characters
    outnumbering stray bytes decide. Between the two single-byte encodings the case of the letters
    decides: Russian text is mostly lower case, which is 0xE0–0xFF in cp1251 and 0xC0–0xDF in KOI8-R.
    """
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and len(sample) >= SAMPLE:  # a character cut by the sample's end
            return "utf-8"
    text = sample.decode("utf-8", "surrogateescape")
    stray = sum(1 for c in text if "\udc80" <= c <= "\udcff")
    valid = sum(1 for c in text if ord(c) > 127 and not "\udc80" <= c <= "\udcff")
    if valid >= stray:
        return "utf-8"
    upper = sum(1 for b in sample if 0xC0 <= b <= 0xDF)
    lower = sum(1 for b in sample if b >= 0xE0)
    return "koi8-r" if upper > lower else "cp1251"


def sniff_delimiter(text: str) -> str:
    """The separator of the first lines: csv.Sniffer, else the most frequent of «,», «;», tab."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = sample.split("\n", 1)[0]
        return max(DELIMITERS, key=header.count)


def _lines(text: io.TextIOBase) -> Iterator[str]:
    """Lines of the text, a line longer than ``MAX_LINE`` replaced by a marker csv rejects."""
    while line := text.readline(MAX_LINE):
        if len(line) == MAX_LINE and not line.endswith("\n"):
            while (rest := text.readline(MAX_LINE)) and not rest.endswith("\n"):
                pass
            line = TOO_LONG + "\n"  # one cell csv passes through: _rows rejects it
        yield line


def open_text(stream: BinaryIO) -> tuple[io.TextIOWrapper, str]:
    """The file as text in its detected encoding (a UTF-8 BOM skipped)."""
    sample = stream.read(SAMPLE)
    stream.seek(0)
    encoding = detect_encoding(sample[3:] if sample.startswith(b"\xef\xbb\xbf") else sample)
    if encoding == "utf-8":
        return io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline=""), encoding
    return io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline=""), encoding


def read_csv(path: Path, source: str, delimiter: str | None = None) -> Table:
    """Rows of a CSV file with a header line (read as the table is iterated)."""
    stream = path.open("rb")
    text, _encoding = open_text(stream)
    sample = text.read(64 * 1024)
    text.seek(0)
    delimiter = delimiter or sniff_delimiter(sample)
    reader = csv.reader(_lines(text), delimiter=delimiter)
    headers = _header(reader)
    return Table("csv", source, headers, _rows(reader, headers, delimiter, source, stream))


def read_csv_bytes(data: bytes, source: str, delimiter: str | None = None) -> Table:
    """``read_csv`` of bytes in memory (tests, previews of pasted text)."""
    text, _encoding = decode(data)
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = _header(reader)
    return Table("csv", source, headers, _rows(reader, headers, delimiter, source, None))


def _rows(reader: object, headers: tuple[str, ...], delimiter: str, source: str,
          stream: BinaryIO | None) -> Iterator[SourceRow | Rejection]:
    blank = delimiter + " \t\r\n"
    try:
        while True:  # a csv.Error rejects that line and reading goes on with the next
            try:
                for cells in reader:  # type: ignore[attr-defined]
                    if cells == [TOO_LONG]:
                        yield file_rejection(source, f"строка {reader.line_num}",  # type: ignore[attr-defined]
                                             f"строка длиннее {MAX_LINE >> 20} МБ", "")
                        continue
                    joined = delimiter.join(cells)
                    if joined.strip(blank) or any(cell.strip() for cell in cells):  # blank rows are skipped
                        yield _row(cells, joined, headers, reader.line_num, delimiter, source)  # type: ignore[attr-defined]
                break
            except csv.Error as exc:
                reason = f"поле длиннее {MAX_FIELD >> 20} МБ" if "larger" in str(exc) else f"ошибка CSV: {exc}"
                yield file_rejection(source, f"строка {reader.line_num}", reason, "")  # type: ignore[attr-defined]
    finally:
        if stream is not None:
            stream.close()


def _header(reader: object) -> tuple[str, ...]:
    try:
        for cells in reader:  # type: ignore[attr-defined]
            if any(cell.strip() for cell in cells):
                return tuple(cell.strip() for cell in cells)
    except csv.Error:
        return ()
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
