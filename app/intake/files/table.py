"""What every file reader returns: rows keyed by the file's own headers, read as they are needed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain, islice

from app.intake.jsonpage import safe_dumps
from app.intake.validate import Rejection, clip_raw

HEADER_SAMPLE = 200  # rows whose keys make the headers of a JSON file


@dataclass(slots=True)
class SourceRow:
    """One row of a file: where it is, its original content and its values by header.

    Treat as immutable; not frozen because a frozen ``__init__`` costs three times as much per row.
    """

    location: str
    raw: str
    values: Mapping[str, object]


@dataclass(frozen=True)
class Table:
    """A file read into rows (an iterator: a file is read once, as it is imported); unreadable rows are
    already rejections. ``origin`` is the dedupe namespace of the file's rows: its kind of content
    (a profile, or its headers), never its name; ``source`` is the rows' default source label."""

    format: str
    source: str
    headers: tuple[str, ...]
    rows: Iterable[SourceRow | Rejection] = field(repr=False)
    origin: str = ""


def json_raw(value: object) -> str:
    """Original content of a structured row, as quarantine keeps it."""
    return safe_dumps(value)


def file_rejection(source: str, location: str, reason: str, raw: str) -> Rejection:
    """A rejection of a whole file or of a part that could not be split into rows."""
    return Rejection(source[:64], location[:512], reason[:512], clip_raw(raw))


def headers_of(rows: Iterable[SourceRow | Rejection], limit: int = HEADER_SAMPLE) -> tuple[str, ...]:
    """Keys seen in the first ``limit`` rows, in order of first appearance."""
    seen: dict[str, None] = {}
    for row in islice(rows, limit):
        if isinstance(row, SourceRow):
            seen.update(dict.fromkeys(row.values))
    return tuple(seen)


def with_headers(rows: Iterator[SourceRow | Rejection]) -> tuple[tuple[str, ...], Iterator[SourceRow | Rejection]]:
    """The headers of the first rows, and all rows again (the first ones kept, the rest still unread)."""
    first = list(islice(rows, HEADER_SAMPLE))
    return headers_of(first), chain(first, rows)
