"""Storing incoming messages exactly once.

Every connector hands over ``Incoming`` records; ``store_in`` writes them inside
the caller's transaction. A message's identity is (origin, dedupe key): the
namespace of the route as the product knows it (``vk``, ``telegram``,
``feed:…``, ``file:…``: never what an item claims about itself) and the route's
own id of the item (or a hash of its content). Items that carry a link or an
edit time take the careful path of ``app.intake.routes`` (the same post by
another route, edits with history); the rest are one INSERT … ON CONFLICT DO
NOTHING per chunk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from functools import lru_cache
from itertools import chain
from operator import attrgetter

from sqlalchemy import Connection, insert
from sqlalchemy.dialects import postgresql, sqlite

from app.common.timeutil import as_utc, utcnow
from app.store.engine import Store
from app.store.models import Message


@dataclass(slots=True)
class Incoming:
    """A message as a connector delivers it, before storage.

    Treat as immutable (change with ``dataclasses.replace``). Not declared
    frozen: a frozen dataclass's ``__init__`` costs 2.4 µs instead of 0.7 µs
    per message, a tenth of the whole import pipeline (bench/bench_ingest.py).
    ``origin`` is the dedupe namespace (empty: the source); ``thread_key`` the
    parent's id (a comment's post); ``edited_at`` the source's time of this text.
    """

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
    origin: str = ""
    thread_key: str | None = None
    edited_at: datetime | None = None


@dataclass(frozen=True)
class StoreResult:
    inserted: int
    duplicates: int
    new_ids: tuple[int, ...]
    edited_ids: tuple[int, ...] = ()


def origin_of(item: Incoming) -> str:
    """The dedupe namespace of ``item``."""
    return item.origin or item.source


def dedupe_key(item: Incoming) -> str:
    """External id when the source gives one, else a hash of time, author and text."""
    if item.external_id:
        return item.external_id
    raw = "\x1f".join([as_utc(item.published_at).isoformat(), item.author or "", item.text])
    return "h:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


def identity(item: Incoming) -> tuple[str, str]:
    return origin_of(item), dedupe_key(item)


_FIELDS = tuple(f.name for f in fields(Incoming))
_TIMES = ("published_at", "edited_at")


def link_key(url: str | None) -> str | None:
    """A short key of the canonical form of a post's URL (scheme, «www.»/«m.», fragment and utm_* ignored)."""
    from app.intake.links import canonical_url  # local: links is small and only needed for items with URLs

    canonical = canonical_url(url) if url else None
    return None if canonical is None else hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:40]


def row_of(item: Incoming, received: datetime) -> dict[str, object]:
    # A shallow field copy: dataclasses.asdict deep-copies and costs more than the INSERT.
    row = {name: getattr(item, name) for name in _FIELDS}
    row.update(dedupe_key=dedupe_key(item), received_at=received, status="new", origin=origin_of(item),
               link_key=link_key(item.url))
    row["published_at"] = as_utc(item.published_at)
    row["edited_at"] = None if item.edited_at is None else as_utc(item.edited_at)
    return row


def insert_new(conn: Connection, items: Sequence[Incoming], received: datetime) -> list[int]:
    """INSERT … ON CONFLICT (origin, dedupe_key) DO NOTHING RETURNING id."""
    if not items:
        return []
    if conn.dialect.name == "sqlite":
        return _insert_sqlite(conn, items, received)
    rows = [row_of(item, received) for item in items]
    module = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = module.insert(Message).on_conflict_do_nothing(index_elements=["origin", "dedupe_key"])
    return list(conn.execute(stmt.returning(Message.id), rows).scalars())


_SQLITE_CHUNK = 1000  # rows per statement: 1000 x 25 columns stays below SQLite's 32766 variables
_PLAIN = tuple(name for name in _FIELDS if name not in (*_TIMES, "origin"))  # stored as they are
SQLITE_COLUMNS = (*_PLAIN, "published_at", "edited_at", "origin", "dedupe_key", "link_key", "received_at",
                  "status")  # what an import writes


def _insert_sqlite(conn: Connection, items: Sequence[Incoming], received: datetime) -> list[int]:
    """Multi-row INSERT … ON CONFLICT DO NOTHING RETURNING through the driver.

    Same SQL as the Core path, without its per-row parameter machinery (the
    bulk of the cost of an import). Times are written as SQLAlchemy's
    ``UTCDateTime`` writes them (``sqlite_time``; tests compare the two);
    the other columns are str, float, bool or None, which sqlite3 stores as
    SQLAlchemy's Float and Boolean processors would.
    """
    tail = (sqlite_time(received), "new")
    ids: list[int] = []
    for start in range(0, len(items), _SQLITE_CHUNK):  # one tuple per row, flattened: the hot loop of imports
        chunk = items[start:start + _SQLITE_CHUNK]
        params = tuple(chain.from_iterable([
            (*_VALUES(item), sqlite_time(item.published_at), _edited(item), item.origin or item.source,
             dedupe_key(item), link_key(item.url) if item.url else None, *tail)
            for item in chunk]))
        ids.extend(r[0] for r in conn.exec_driver_sql(_sqlite_insert_sql(len(chunk)), params))
    return ids


_VALUES = attrgetter(*_PLAIN)


def _edited(item: Incoming) -> str | None:
    return None if item.edited_at is None else sqlite_time(item.edited_at)


def sqlite_time(moment: datetime) -> str:
    """A moment as ``UTCDateTime`` stores it in SQLite: naive UTC text with microseconds."""
    if moment.tzinfo is not UTC:
        moment = as_utc(moment)
    return moment.isoformat(" ", "microseconds")[:26]  # without «+00:00»


@lru_cache(maxsize=8)
def _sqlite_insert_sql(count: int) -> str:
    row = "(" + ", ".join("?" * len(SQLITE_COLUMNS)) + ")"
    return (f"INSERT INTO messages ({', '.join(SQLITE_COLUMNS)}) VALUES {', '.join([row] * count)} "
            "ON CONFLICT (origin, dedupe_key) DO NOTHING RETURNING id")


def store_incoming(store: Store, items: Iterable[Incoming]) -> StoreResult:
    """Insert ``items`` in one transaction; already-stored ones are counted as duplicates."""
    items = list(items)
    if not items:
        return StoreResult(0, 0, ())
    with store.engine.begin() as conn:
        return store_in(conn, items)


def store_in(conn: Connection, items: Sequence[Incoming]) -> StoreResult:
    """Store ``items`` inside the caller's transaction (so a feed cursor can commit with them).

    Items with a link or an edit time are first matched against what is stored (their own
    earlier delivery, or the same post by another route); the others go straight in.
    """
    if not items:
        return StoreResult(0, 0, ())
    from app.intake.routes import settle_known  # local: routes builds on this module

    now = utcnow()
    careful = [item for item in items if item.url or item.edited_at is not None]
    fresh, edited = (settle_known(conn, careful, now) if careful else ([], ()))
    plain = [item for item in items if not (item.url or item.edited_at is not None)] if careful else list(items)
    new_ids = tuple(sorted(insert_new(conn, plain + fresh, now)))
    return StoreResult(len(new_ids), len(items) - len(new_ids), new_ids, edited)


def insert_plain(store: Store, items: Sequence[Incoming]) -> None:
    """Insert without duplicate handling (fixtures and benchmarks' baselines)."""
    with store.engine.begin() as conn:
        conn.execute(insert(Message), [row_of(item, utcnow()) for item in items])
