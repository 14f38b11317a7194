"""Moving a standalone SQLite installation to PostgreSQL and back: every row, every id."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import MetaData, insert, select

from app.intake.writer import Incoming, store_incoming
from app.ops.messages import update_message
from app.store.engine import Store
from app.store.models import Agency, CategoryCorrection, Incident, Setting
from app.store.transfer import TransferError, transfer
from tests.fixtures import fixture_messages
from tests.pg_helpers import ROOT, pg_database

MOMENT = datetime(2026, 11, 24, 12, 30, tzinfo=UTC)


def _fill(store: Store) -> None:
    ids = store_incoming(store, fixture_messages()).new_ids
    with store.engine.begin() as conn:
        conn.execute(insert(Agency), [{"id": 7, "name": "Кубаньэнерго", "kind": "agency"}])
        conn.execute(insert(Incident), [{"id": 3, "category": "power", "first_seen": MOMENT, "last_seen": MOMENT,
                                         "message_count": 2, "extent": '{"r": 1.5}'}])
        conn.execute(insert(CategoryCorrection), [{"message_id": ids[5], "category": "water", "corrected_at": MOMENT}])
        conn.execute(insert(Setting), [{"key": "crisis_start", "value": '"2026-11-24T11:00:00Z"'}])
    update_message(store, ids[0], 1, status="assigned", agency_id=7, assigned_at=MOMENT, incident_id=3)


def _dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    meta = MetaData()
    with store.engine.connect() as conn:
        meta.reflect(conn)
        return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
                for t in meta.sorted_tables}


def test_sqlite_to_postgresql_and_back_keeps_every_row(store: Store, tmp_path) -> None:
    _fill(store)
    original = _dump(store)
    back_url = f"sqlite:///{tmp_path / 'back.sqlite3'}"
    with pg_database("opershtab_transfer") as pg_url:
        there = transfer(store.url, pg_url)
        assert there.rows["messages"] == len(fixture_messages()) and there.rows["status_history"] == 1
        pg = Store(pg_url)
        assert _dump(pg) == original  # ids, aware times, booleans, JSON text: identical
        new_id = store_incoming(pg, [Incoming("other", "новое", MOMENT, external_id="x")]).new_ids[0]
        assert new_id == max(r[0] for r in original["messages"]) + 1  # the sequence was moved on
        pg.close()
        back = transfer(pg_url, back_url)
    assert back.rows["messages"] == len(fixture_messages()) + 1
    returned = _dump(Store(back_url))
    assert returned["messages"][:-1] == original["messages"] and returned["incidents"] == original["incidents"]


def test_refuses_a_filled_target_unless_replacing(store: Store, tmp_path) -> None:
    _fill(store)
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    transfer(store.url, target)
    with pytest.raises(TransferError, match="не пуста"):
        transfer(store.url, target)
    assert transfer(store.url, target, replace=True).rows == transfer(store.url, target, replace=True).rows
    assert _dump(Store(target)) == _dump(store)


def test_refuses_a_source_that_is_not_an_opershtab_database(tmp_path) -> None:
    empty = Store(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with empty.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE unrelated (x INTEGER)")
    with pytest.raises(TransferError, match="нет схемы"):
        transfer(empty.url, f"sqlite:///{tmp_path / 'target.sqlite3'}")


def test_command_line_transfer_to_postgresql(store: Store) -> None:
    _fill(store)
    with pg_database("opershtab_transfer") as pg_url:
        done = subprocess.run([sys.executable, "main.py", "transfer", "--from", store.url, "--to", pg_url],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert f"messages: {len(fixture_messages())}" in done.stdout
        again = subprocess.run([sys.executable, "main.py", "transfer", "--from", store.url, "--to", pg_url],
                               cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert again.returncode == 2 and "не пуста" in again.stderr
