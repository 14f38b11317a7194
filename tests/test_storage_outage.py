"""The database going away under intake: sessions killed mid-import are reconnected, nothing lost or twice;
a storage failure a user can act on is one Russian sentence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from app.intake import RAW, RawRecord, run_pipeline, storage_problem
from app.intake.storage import retrying, write_clash
from app.store.engine import Store
from app.store.models import Message
from tests.conftest import USE_POSTGRESQL
from tests.pg_helpers import terminate_backends

START = datetime(2023, 4, 22, 12, 0, tzinfo=UTC)


def _records(count: int, store, kill_at: int):  # type: ignore[no-untyped-def]
    for i in range(count):
        if i == kill_at:
            assert terminate_backends(store.url) >= 1  # every session of the import's database, mid-import
        fields = {"id": f"o{i}", "time": (START + timedelta(seconds=i)).isoformat(), "text": f"Нет воды, дом {i}"}
        yield RawRecord(fields, f"строка {i}", "", "file:outage.csv", "file:outage")


@pytest.mark.skipif(not USE_POSTGRESQL, reason="PostgreSQL sessions are ended by the server (DB=postgresql)")
def test_import_reconnects_after_the_server_ends_its_sessions(store):
    summary = run_pipeline(store, _records(5000, store, kill_at=2500), RAW, batch_size=1000)
    with store.session() as session:
        total = session.scalar(select(func.count()).select_from(Message))
        distinct = session.scalar(select(func.count(Message.external_id.distinct())))
    assert summary.imported == total == distinct == 5000


def test_lost_connections_are_retried_and_other_errors_are_not():
    calls = {"n": 0}

    def flaky() -> str:
        calls["n"] += 1
        if calls["n"] < 3:
            raise OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))
        return "stored"

    assert retrying(flaky, wait=lambda _s: False) == "stored" and calls["n"] == 3
    full = OperationalError("INSERT", {}, Exception("database or disk is full"))
    with pytest.raises(OperationalError):
        retrying(lambda: (_ for _ in ()).throw(full), wait=lambda _s: False)
    assert storage_problem(full).startswith("диск с базой данных заполнен")
    assert storage_problem(ValueError("x")) is None


def test_a_sqlite_write_clash_runs_the_batch_again_and_a_real_lock_is_not_retried(store):
    """Two writers in one process (the window's source threads): the batch refused at once runs again."""
    if not store.url.startswith("sqlite"):
        pytest.skip("SQLite's WAL snapshots only")
    other, calls = Store(store.url), {"n": 0}
    insert = "INSERT INTO feed_state (feed_id, error_count, messages_total) VALUES (:id, 0, 0)"

    def batch() -> int:  # shaped like store_batch: a savepoint, a read, then the write
        calls["n"] += 1
        with store.engine.begin() as conn, conn.begin_nested():
            conn.execute(text("SELECT count(*) FROM feed_state")).scalar()  # this transaction's snapshot
            if calls["n"] == 1:  # meanwhile another writer of the file commits
                with other.engine.begin() as racing:
                    racing.execute(text(insert), {"id": "race"})
            conn.execute(text(insert), {"id": "mine"})
        return calls["n"]

    try:
        assert retrying(batch, wait=lambda _s: False) == 2  # refused at once the first time, stored the second
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM feed_state")).scalar() == 2
    finally:
        other.close()
    locked = OperationalError("INSERT", {}, Exception("database is locked"))
    assert write_clash(locked, 0.01) and not write_clash(locked, 31.0)  # 31 s: another program's lock
    with pytest.raises(OperationalError):
        retrying(lambda: (_ for _ in ()).throw(locked), wait=lambda _s: False)  # a clash that never ends: raised
