"""Helpers for the analytics tests: messages at chosen moments, a throw-away PostgreSQL database."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

import pytest
from sqlalchemy import create_engine, text

from app.intake import Incoming, store_incoming
from app.store import Store, open_store

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def add(store: Store, moments: Iterable[datetime], category: str = "power",
        municipality: str | None = "Армавир") -> None:
    """Store one message per moment."""
    items = [Incoming(source="t", external_id=f"{uuid.uuid4().hex}", published_at=m, text="сообщение",
                      category=category, municipality=municipality, settlement=municipality)
             for m in moments]
    store_incoming(store, items)


@contextmanager
def pg_store() -> Iterator[Store]:
    """A migrated store in a fresh PostgreSQL database (skips when the server is absent)."""
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        admin.connect().close()
    except Exception as exc:
        pytest.skip(f"no PostgreSQL server at 127.0.0.1:5432: {exc}")
    name = f"opershtab_analytics_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    store = open_store(PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name)
    try:
        yield store
    finally:
        store.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
