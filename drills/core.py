"""Drill registry and the check log every drill writes into."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from app.store.engine import Store, open_store


class SkipDrillError(Exception):
    """The drill cannot run here (e.g. no PostgreSQL server); reported, not counted as failed."""


@dataclass
class Checks:
    """What a drill checked: (description, passed) in order."""

    items: list[tuple[str, bool]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def check(self, ok: object, description: str) -> bool:
        self.items.append((description, bool(ok)))
        return bool(ok)

    def note(self, line: str) -> None:
        self.notes.append(line)

    @property
    def passed(self) -> bool:
        return bool(self.items) and all(ok for _, ok in self.items)


@dataclass(frozen=True)
class Drill:
    name: str
    did: str
    run: Callable[[Checks], None]


DRILLS: list[Drill] = []


def drill(name: str, did: str) -> Callable[[Callable[[Checks], None]], Callable[[Checks], None]]:
    """Register a drill: ``did`` says in one line what it does to the application."""
    def register(fn: Callable[[Checks], None]) -> Callable[[Checks], None]:
        DRILLS.append(Drill(name, did, fn))
        return fn
    return register


@contextmanager
def temp_store(name: str = "drill.sqlite3") -> Iterator[tuple[Store, Path]]:
    """A fresh migrated SQLite database in a temporary directory."""
    tmp = Path(tempfile.mkdtemp(prefix="opershtab-drill-"))
    store = open_store(f"sqlite:///{tmp / name}")
    try:
        yield store, tmp
    finally:
        store.close()
        shutil.rmtree(tmp, ignore_errors=True)


def scalar(store: Store, sql: str) -> object:
    with store.engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def counts(store: Store) -> tuple[int, int]:
    """(messages, distinct external ids): equal and complete means exactly once."""
    return (int(scalar(store, "SELECT count(*) FROM messages") or 0),
            int(scalar(store, "SELECT count(DISTINCT external_id) FROM messages") or 0))


def integrity(store: Store) -> str:
    return str(scalar(store, "PRAGMA integrity_check"))
