"""A wall seat only reads: refused by the application and, on PostgreSQL, by the server too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.intake.writer import store_incoming
from app.ops.messages import read_state, update_message
from app.ops.opqueue import OpQueue, QueuedAction, submit
from app.queries.messages import latest_messages
from app.store.credentials import connect_url, describe_source, settings_url
from app.store.engine import Store, open_store
from app.sync.notify import Change, install_notify_triggers, watch
from app.sync.seats import OPERATOR, WALL, ReadOnlySeatError, attach, open_seat_store, seat_of, seat_url
from tests.fixtures import fixture_messages
from tests.pg_helpers import pg_database, wait_until


@pytest.fixture
def pg_url() -> Iterator[str]:
    with pg_database("opershtab_seat") as url:
        open_store(url).close()
        yield url


def test_wall_seat_cannot_edit_through_the_application(store: Store, tmp_path) -> None:
    message_id = store_incoming(store, fixture_messages()[:1]).new_ids[0]
    wall = attach(Store(store.url), WALL)
    with pytest.raises(ReadOnlySeatError, match="только для просмотра"):
        update_message(wall, message_id, 1, status="closed")
    with pytest.raises(ReadOnlySeatError):
        submit(wall, OpQueue(tmp_path / "q.sqlite3"), QueuedAction(message_id, 1, {"status": "closed"}))
    assert read_state(store, message_id).version == 1  # type: ignore[union-attr]
    assert len(latest_messages(wall)) == 1  # reading is fine
    assert seat_of(store) == OPERATOR and update_message(store, message_id, 1, status="closed").ok
    wall.close()


def test_unknown_fields_are_refused(store: Store) -> None:
    message_id = store_incoming(store, fixture_messages()[:1]).new_ids[0]
    with pytest.raises(ValueError, match="text"):
        update_message(store, message_id, 1, text="подменённый текст")


def test_wall_seat_on_postgresql_is_read_only_at_the_server(pg_url: str) -> None:
    operator = Store(pg_url)
    message_id = store_incoming(operator, fixture_messages()[:1]).new_ids[0]
    wall = open_seat_store(pg_url, WALL)
    with wall.engine.connect() as conn:
        assert conn.execute(text("SHOW default_transaction_read_only")).scalar() == "on"
    with pytest.raises(DBAPIError, match="read-only transaction"):
        update_message(wall, message_id, 1, seat=OPERATOR, status="closed")  # even past the app check
    with pytest.raises(DBAPIError, match="read-only transaction"):
        store_incoming(wall, fixture_messages()[1:2])
    assert len(latest_messages(wall)) == 1
    install_notify_triggers(operator)
    changes: list[Change] = []
    listener = watch(wall, changes.append)  # the wall listens through its read-only connection
    listener.start()
    try:
        wait_until(lambda: changes[:1] == [Change("resync")])
        assert update_message(operator, message_id, 1, status="closed").ok
        wait_until(lambda: Change("update", "messages", (message_id,), 1, message_id) in changes)
    finally:
        listener.stop()
    wall.close()
    operator.close()


def test_seat_url_keeps_other_options_and_leaves_operators_alone() -> None:
    url = "postgresql+psycopg://ops@db.local:5432/opershtab?options=-c%20statement_timeout%3D5000"
    assert seat_url(url, OPERATOR) == url
    wall = seat_url(url, WALL)
    assert "statement_timeout" in wall and "default_transaction_read_only" in wall
    assert seat_url("sqlite:///x.sqlite3", WALL) == "sqlite:///x.sqlite3"


def test_passwords_never_reach_the_settings_url(tmp_path, monkeypatch) -> None:
    url = "postgresql+psycopg://ops:s3cret@db.local:5432/opershtab"
    assert settings_url(url) == "postgresql+psycopg://ops@db.local:5432/opershtab"
    bare = settings_url(url)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    assert connect_url(bare) == bare  # no keyring entry: libpq looks for the password itself
    assert "не задан" in describe_source(bare)
    (tmp_path / "pgpass").write_text("db.local:5432:opershtab:ops:s3cret\n")
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "pgpass"))
    assert "файл паролей" in describe_source(bare)
    monkeypatch.setenv("PGPASSWORD", "s3cret")
    assert "PGPASSWORD" in describe_source(bare)
    assert "в адресе" in describe_source(url)


