"""Helpers for the analytics tests: messages at chosen moments, a throw-away PostgreSQL database."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from app.intake.writer import Incoming, store_incoming
from app.store.engine import Store, open_store
from tests.pg_helpers import pg_database


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
    with pg_database("opershtab_analytics") as url:
        store = open_store(url)
        try:
            yield store
        finally:
            store.close()
