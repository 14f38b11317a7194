"""Storing incoming messages exactly once.

Every connector (simulator, HTTP feed, file import) hands over ``Incoming``
records; ``store_incoming`` writes them in one transaction and skips what is
already stored under the same (source, dedupe key).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import Connection, insert
from sqlalchemy.dialects import postgresql, sqlite

from app.models import Message
from app.store import Store
from app.timeutil import as_utc, utcnow


@dataclass(frozen=True)
class Incoming:
    """A message as a connector delivers it, before storage."""

    source: str
    text: str
    published_at: datetime
    external_id: str | None = None
    author: str | None = None
    url: str | None = None
    lat: float | None = None
    lon: float | None = None
    address: str | None = None
    settlement: str | None = None
    municipality: str | None = None
    region: str | None = None
    category: str = "other"
    secondary_category: str | None = None
    confidence: float | None = None
    is_complaint: bool = True
    explanation: str | None = None
    category_source: str = "source"  # source | classifier | operator


@dataclass(frozen=True)
class StoreResult:
    inserted: int
    duplicates: int
    new_ids: tuple[int, ...]


def dedupe_key(item: Incoming) -> str:
    """External id when the source gives one, else a hash of source+time+author+text."""
    if item.external_id:
        return item.external_id
    raw = "\x1f".join([item.source, as_utc(item.published_at).isoformat(), item.author or "", item.text])
    return "h:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _row(item: Incoming, received: datetime) -> dict[str, object]:
    row = asdict(item)
    row.update(dedupe_key=dedupe_key(item), received_at=received, status="new")
    row["published_at"] = as_utc(item.published_at)
    return row


def _insert_ignoring_duplicates(conn: Connection, rows: list[dict[str, object]]) -> list[int]:
    module = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = module.insert(Message).on_conflict_do_nothing(index_elements=["source", "dedupe_key"])
    return list(conn.execute(stmt.returning(Message.id), rows).scalars())


def store_incoming(store: Store, items: Iterable[Incoming]) -> StoreResult:
    """Insert ``items`` in one transaction; already-stored ones are counted as duplicates."""
    rows = [_row(item, utcnow()) for item in items]
    if not rows:
        return StoreResult(0, 0, ())
    with store.engine.begin() as conn:
        new_ids = tuple(sorted(_insert_ignoring_duplicates(conn, rows)))
    return StoreResult(len(new_ids), len(rows) - len(new_ids), new_ids)


def insert_plain(store: Store, items: Sequence[Incoming]) -> None:
    """Insert without duplicate handling (fixtures and benchmarks' baselines)."""
    with store.engine.begin() as conn:
        conn.execute(insert(Message), [_row(item, utcnow()) for item in items])
