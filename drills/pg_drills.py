"""PostgreSQL: the server ends our sessions (pg_terminate_backend on a throwaway database) mid-work."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, text

from app.intake.writer import Incoming, store_incoming
from app.store.engine import open_store
from drills.core import Checks, SkipDrillError, drill

ADMIN = os.environ.get("OPERSHTAB_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _batch(first: int, count: int) -> list[Incoming]:
    start = datetime(2026, 11, 24, tzinfo=UTC)
    return [Incoming("drill", f"Нет воды, дом {i}", start + timedelta(seconds=i), external_id=f"pg-{i}")
            for i in range(first, first + count)]


def _terminate(admin, name: str) -> int:
    with admin.connect() as conn:
        return len(conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name}).all())


def _exercise(admin, url: str, name: str, checks: Checks) -> None:
    store = open_store(url)
    try:
        store_incoming(store, _batch(0, 500))
        killed = _terminate(admin, name)
        checks.note(f"terminated {killed} server session(s) of the application")
        store_incoming(store, _batch(500, 500))  # pool_pre_ping must replace the dead connections
        store_incoming(store, _batch(0, 1000))  # a retry of everything stores nothing twice
        with store.engine.connect() as conn:
            total = conn.execute(text("SELECT count(*), count(DISTINCT external_id) FROM messages")).one()
        checks.check(killed >= 1, "the application's sessions were ended by the server")
        checks.check(tuple(total) == (1000, 1000), f"writes after the restart succeed, exactly once ({tuple(total)})")
    finally:
        store.close()


@drill("postgresql: backend terminated", "pg_terminate_backend on every session of a throwaway database "
       "between two imports, then re-import everything")
def terminated(checks: Checks) -> None:
    try:
        admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
        admin.connect().close()
    except Exception as exc:
        raise SkipDrillError(f"no PostgreSQL at {ADMIN}: {exc.__class__.__name__}") from exc
    name = f"opershtab_drill_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _exercise(admin, ADMIN.rsplit("/", 1)[0] + "/" + name, name, checks)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
