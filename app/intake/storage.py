"""The database going away under intake: a full disk said in Russian, a restarted server waited for.

``storage_problem`` turns what the drivers raise (SQLite's «database or disk is full», a
PostgreSQL server gone) into one Russian sentence. ``retrying`` runs a unit of work (one
batch's transaction) again after a lost connection, with capped backoff, for up to
``OUTAGE_S`` seconds: a server restart or a short outage costs time, never a batch, and
never a duplicate (the batch either committed whole or not at all).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError

from app.intake.backoff import Backoff

log = logging.getLogger(__name__)
T = TypeVar("T")
OUTAGE_S = 120.0
CLASH_BEFORE_S = 5.0  # well below SQLite's busy timeout (30 s): «locked» sooner is a write clash, not a lock
CLASH_RETRIES = 8
_LOST = ("server closed the connection", "terminating connection", "connection refused", "could not connect",
         "connection is closed", "connection timed out", "the database system is starting up",
         "the database system is shutting down", "consuming input failed", "connection to server",
         "no connection to the server", "server conn crashed", "connection already closed", "ssl syscall error",
         "the database system is in recovery mode", "cannot connect now")


def _text(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).lower()


def connection_lost(exc: BaseException) -> bool:
    """The database server went away (restart, outage, network): the work can be tried again."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, DBAPIError) and any(marker in _text(exc) for marker in _LOST)


def write_clash(exc: BaseException, seconds: float) -> bool:
    """SQLite (WAL) refused at once to turn a transaction's read into a write: another writer committed meanwhile.

    SQLite's busy timeout does not wait for this (SQLITE_BUSY_SNAPSHOT): «database is locked» long before
    the timeout. The transaction was rolled back whole, so running it again is safe. A lock another
    program held for the whole timeout takes ``CLASH_BEFORE_S`` and more, and is not retried.
    """
    return seconds < CLASH_BEFORE_S and isinstance(exc, DBAPIError) and "database is locked" in _text(exc)


def storage_problem(exc: BaseException) -> str | None:
    """One Russian sentence for a storage failure a user can act on, or None for anything else."""
    text = _text(exc)
    if "disk is full" in text or "no space left" in text or "could not extend file" in text:
        return ("диск с базой данных заполнен: сохранённое цело (целыми пакетами), остальное не записано; "
                "освободите место и повторите — повтор не создаст дублей")
    if "database is locked" in text:
        return "база данных занята другой программой дольше 30 с: повторите, когда она освободится"
    if "readonly database" in text or "read-only" in text:
        return "база данных открыта только для чтения: запись невозможна"
    if connection_lost(exc):
        return "сервер базы данных недоступен: сохранённое цело, повторите, когда он вернётся"
    if isinstance(exc, OperationalError):
        return f"ошибка базы данных: {str(getattr(exc, 'orig', exc)).splitlines()[0][:200]}"
    return None


def retrying(work: Callable[[], T], wait: Callable[[float], bool] | None = None, outage_s: float = OUTAGE_S,
             on_retry: Callable[[str], None] | None = None) -> T:
    """``work()``, again after each lost connection until ``outage_s`` have passed (then the error stands)."""
    wait = wait or threading.Event().wait
    deadline, pauses, clashes = time.monotonic() + outage_s, Backoff(0.5, 10.0), Backoff(0.05, 1.0)
    while True:
        started = time.monotonic()
        try:
            return work()
        except DBAPIError as exc:
            if write_clash(exc, time.monotonic() - started) and clashes.failures < CLASH_RETRIES:
                delay = clashes.next_delay()  # another writer of the file committed first: the whole unit again
                log.info("SQLite write clash, again in %g s", delay)
                if wait(delay):
                    raise InterruptedError("stopped while waiting for the database") from exc
                continue
            delay = pauses.next_delay()
            if not connection_lost(exc) or time.monotonic() + delay > deadline:
                raise
            log.warning("связь с базой данных потеряна, повтор через %g с", delay)
            log.info("lost connection: %s", _text(exc)[:300])
            if on_retry is not None:
                on_retry(f"связь с базой данных потеряна, повтор через {delay:g} с")
        if wait(delay):
            raise InterruptedError("stopped while waiting for the database")
