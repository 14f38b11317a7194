"""The one-intake feed lease: only one seat polls a feed on a shared database.

``feed_lease`` takes a PostgreSQL session-level advisory lock on a dedicated
connection. Only the holder polls the feed; when the holder dies its connection
closes, the server drops the lock and another seat takes it over. On SQLite (one
seat) the lease is always held.
"""

from __future__ import annotations

import logging
from datetime import datetime
from types import TracebackType
from typing import Any

from app.common.timeutil import utcnow
from app.store import Store
from app.sync.notify import libpq_conninfo

log = logging.getLogger(__name__)


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
