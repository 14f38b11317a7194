"""Concurrency between seats: optimistic edits of messages and the one-intake feed lease.

Edits: every message carries a ``version``; ``update_message`` changes a row only
if the version is still the one the operator saw, and bumps it. Otherwise nothing
is written and the result carries the fresh row, so the second operator sees
what the first one did instead of silently overwriting it.

Feeds: ``feed_lease`` takes a PostgreSQL session-level advisory lock on a
dedicated connection. Only the holder polls the feed; when the holder dies its
connection closes, the server drops the lock and another seat takes it over.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Literal

from sqlalchemy import insert, select, update

from app.models import Message, StatusHistory
from app.seat import Seat, require_write, seat_of
from app.store import Store
from app.sync import libpq_conninfo
from app.timeutil import utcnow

log = logging.getLogger(__name__)

EDITABLE = frozenset({
    "status", "category", "secondary_category", "category_source", "agency_id", "importance", "assigned_at",
    "first_answer_at", "final_answer_at", "incident_id", "address", "settlement", "municipality", "lat", "lon",
})
Outcome = Literal["updated", "conflict", "missing"]


@dataclass(frozen=True)
class MessageState:
    """The editable state of one message as stored, with its version."""

    id: int
    version: int
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UpdateResult:
    """``updated``: written, ``current`` is the new state; ``conflict``: not written, ``current`` is fresh."""

    outcome: Outcome
    message_id: int
    current: MessageState | None

    @property
    def ok(self) -> bool:
        return self.outcome == "updated"

    def explain(self) -> str:
        """A sentence for the operator (Russian)."""
        if self.outcome == "updated":
            return "Изменения сохранены."
        if self.outcome == "missing":
            return f"Сообщение №{self.message_id} не найдено: его удалили или перенесли."
        who = self.current.version if self.current else "?"
        return (f"Сообщение №{self.message_id} уже изменил другой оператор (версия {who}). "
                "Показано текущее состояние; повторите правку, если она ещё нужна.")

    def raise_for_conflict(self) -> UpdateResult:
        """Raise ``EditConflictError`` unless the update went through."""
        if not self.ok:
            raise EditConflictError(self)
        return self


class EditConflictError(RuntimeError):
    """Someone else changed the message first (or it is gone); ``result.current`` is fresh."""

    def __init__(self, result: UpdateResult) -> None:
        super().__init__(result.explain())
        self.result = result


_STATE_COLUMNS = [Message.id, Message.version, *(getattr(Message, name) for name in sorted(EDITABLE))]


def read_state(store: Store, message_id: int) -> MessageState | None:
    """The stored editable state of ``message_id`` (None if there is none)."""
    with store.engine.connect() as conn:
        row = conn.execute(select(*_STATE_COLUMNS).where(Message.id == message_id)).first()
    if row is None:
        return None
    return MessageState(row[0], row[1], dict(zip(sorted(EDITABLE), row[2:], strict=True)))


def update_message(store: Store, message_id: int, expected_version: int, *, seat: Seat | None = None,
                   operator: str | None = None, note: str | None = None, **changes: Any) -> UpdateResult:
    """Apply ``changes`` if the row still has ``expected_version``; bump the version.

    A status change also records a ``status_history`` row in the same transaction.
    Raises ``ReadOnlySeatError`` for a wall seat and ``ValueError`` for fields that
    are not editable. Conflicts are returned, not raised (see ``raise_for_conflict``).
    """
    seat = seat or seat_of(store)
    require_write(seat)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    stmt = (update(Message).where(Message.id == message_id, Message.version == expected_version)
            .values(**changes, version=Message.version + 1).returning(Message.version))
    with store.engine.begin() as conn:
        written = conn.execute(stmt).scalar_one_or_none()
        if written is not None and "status" in changes:
            conn.execute(insert(StatusHistory).values(message_id=message_id, status=changes["status"], at=utcnow(),
                                                      operator=operator or seat.name, note=note))
    current = read_state(store, message_id)
    if written is not None:
        return UpdateResult("updated", message_id, current)
    return UpdateResult("missing" if current is None else "conflict", message_id, current)


_LEASE_CLASS = 0x0F5D  # first key of the two-int advisory lock: "opershtab feed lease"


class FeedLease:
    """An advisory lock on one feed, held by a dedicated connection (always held on SQLite).

    Use as a context manager or call ``acquire()`` / ``release()``; before each
    poll check ``still_held()``: it verifies the lock connection is alive.
    """

    def __init__(self, store: Store, feed_id: str) -> None:
        self.feed_id = feed_id
        self._postgres = store.engine.dialect.name == "postgresql"
        self._conninfo = libpq_conninfo(store.url) if self._postgres else ""
        self._conn: Any = None
        self.held = not self._postgres
        self.since: datetime | None = utcnow() if self.held else None

    def acquire(self) -> bool:
        """Try once to take the lease; never blocks. Returns ``held``."""
        if self.held or not self._postgres:
            return self.held
        import psycopg

        try:
            self._conn = self._conn or psycopg.connect(self._conninfo, autocommit=True, connect_timeout=3,
                                                       keepalives=1, keepalives_idle=5, keepalives_interval=2,
                                                       keepalives_count=2, application_name="opershtab-lease")
            self.held = bool(self._conn.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))",
                                                (_LEASE_CLASS, self.feed_id)).fetchone()[0])
        except psycopg.Error as exc:
            log.info("feed lease %s: %s", self.feed_id, exc)
            self._drop()
        self.since = utcnow() if self.held else None
        return self.held

    def still_held(self) -> bool:
        """``held``, verified against the server: a lost connection means a lost lease."""
        if not self._postgres or not self.held:
            return self.held
        import psycopg

        try:
            self._conn.execute("SELECT 1")
        except psycopg.Error:
            self._drop()
        return self.held

    def release(self) -> None:
        """Give the lease up (closing the connection drops the lock on the server)."""
        self._drop()

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # already broken: nothing to give back
                log.debug("closing lease connection failed", exc_info=True)
        self._conn = None
        self.held = not self._postgres
        self.since = None if self._postgres else self.since

    def __enter__(self) -> FeedLease:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def feed_lease(store: Store, feed_id: str) -> FeedLease:
    """The lease of ``feed_id`` (not yet acquired; ``with`` acquires once, check ``.held``)."""
    return FeedLease(store, feed_id)
