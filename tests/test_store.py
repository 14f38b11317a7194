"""Storage: migrations from empty to head on SQLite and PostgreSQL, WAL, exactly-once inserts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from app.analytics.hourly import hourly_counts
from app.intake.writer import Incoming, dedupe_key, store_incoming
from app.queries.messages import messages_after
from app.store.engine import Store, open_store, table_names
from tests.fixtures import FIXTURE_COUNTS, FIXTURE_START, fixture_messages
from tests.pg_helpers import pg_database


@pytest.fixture
def pg_url():
    """A throw-away PostgreSQL database on the local server (skips when there is none)."""
    with pg_database("opershtab_store") as url:
        yield url


def test_sqlite_migrates_from_empty_and_uses_wal(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'new' / 'db.sqlite3'}")
    assert {"alembic_version", "briefings", "messages", "quarantine", "incidents"} <= set(table_names(store.engine))
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    store.migrate()  # idempotent
    store.close()


def test_postgresql_migrates_and_dedupes(pg_url):
    store = open_store(pg_url)
    assert {"alembic_version", "briefings", "messages", "quarantine", "incidents"} <= set(table_names(store.engine))
    first = store_incoming(store, fixture_messages())
    again = store_incoming(store, fixture_messages())
    assert first.inserted == len(fixture_messages()) and again.inserted == 0
    assert again.duplicates == len(fixture_messages())
    counts = hourly_counts(store, FIXTURE_START, FIXTURE_START.replace(hour=15))
    assert list(counts.series["power"]) == FIXTURE_COUNTS["power"]
    store.close()


def test_reimport_adds_nothing(store: Store):
    items = fixture_messages()
    assert store_incoming(store, items).inserted == len(items)
    result = store_incoming(store, items)
    assert (result.inserted, result.duplicates) == (0, len(items))
    assert len(messages_after(store, 0)) == len(items)


def test_messages_without_id_dedupe_by_content(store: Store):
    moment = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    a = Incoming("chat", "Нет света на Красной", moment, author="Оля")
    b = Incoming("chat", "Нет света на Красной", moment, author="Коля")
    assert dedupe_key(a) != dedupe_key(b)
    assert store_incoming(store, [a, b, a]).inserted == 2


def test_times_come_back_as_aware_utc(store: Store):
    store_incoming(store, fixture_messages()[:1])
    row = messages_after(store, 0)[0]
    assert row.published_at.tzinfo is not None and row.published_at.utcoffset().total_seconds() == 0


def test_models_match_migrations(tmp_path):
    """Alembic head and the SQLAlchemy models describe the same schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.store.models import Base

    store = open_store(f"sqlite:///{tmp_path / 'cmp.sqlite3'}")
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    store.close()
    assert diff == []
