"""What every file reader returns: rows keyed by the file's own headers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from app.intake.validate import Rejection, clip_raw


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
    """A file read into rows; unreadable rows are already rejections."""

    format: str
    source: str
    headers: tuple[str, ...]
    rows: list[SourceRow | Rejection] = field(repr=False)


def json_raw(value: object) -> str:
    """Original content of a structured row, as quarantine keeps it."""
    return json.dumps(value, ensure_ascii=False, default=str)


def file_rejection(source: str, location: str, reason: str, raw: str) -> Rejection:
    """A rejection of a whole file or of a part that could not be split into rows."""
    return Rejection(source[:64], location[:512], reason[:512], clip_raw(raw))


def headers_of(rows: list[SourceRow | Rejection], limit: int = 200) -> tuple[str, ...]:
    """Keys seen in the first ``limit`` rows, in order of first appearance."""
    seen: dict[str, None] = {}
    for row in rows[:limit]:
        if isinstance(row, SourceRow):
            seen.update(dict.fromkeys(row.values))
    return tuple(seen)
