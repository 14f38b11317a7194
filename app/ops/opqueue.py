"""Operator actions queued while the shared server is unreachable.

An action that cannot reach the server (connection refused, backend killed,
network cut) is written to a local SQLite file in the user's data directory
(``opqueue.sqlite3``) instead of being lost. On reconnect ``replay`` applies
the queue in order through ``update_message``: each action ends as
``applied``, ``conflict`` (someone changed the message meanwhile: the fresh
state is reported to the operator) or ``missing``; an action that fails again
for connection reasons stays queued for the next reconnect.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.exc import DBAPIError, OperationalError

from app.common.paths import data_dir
from app.common.timeutil import utcnow
from app.ops.messages import MessageState, update_message
from app.store.engine import Store
from app.sync.seats import Seat

_SCHEMA = """CREATE TABLE IF NOT EXISTS actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER NOT NULL, expected_version INTEGER NOT NULL,
    changes TEXT NOT NULL, operator TEXT, queued_at TEXT NOT NULL)"""


@dataclass(frozen=True)
class QueuedAction:
    """One edit to replay: the version the operator saw and the fields to set."""

    message_id: int
    expected_version: int
    changes: dict[str, Any] = field(default_factory=dict)
    operator: str | None = None
    queued_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class ReplayOutcome:
    action: QueuedAction
    outcome: Literal["applied", "conflict", "missing", "queued"]
    current: MessageState | None = None


def _encode(value: Any) -> Any:
    return {"__dt__": value.isoformat()} if isinstance(value, datetime) else value


def _decode(value: Any) -> Any:
    return datetime.fromisoformat(value["__dt__"]) if isinstance(value, dict) and "__dt__" in value else value


def is_connection_error(exc: BaseException) -> bool:
    """True for failures that mean "server unreachable", not "request wrong"."""
    return isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


class OpQueue:
    """A persistent FIFO of ``QueuedAction`` in a local SQLite file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "opqueue.sqlite3"
        with self._db() as db:
            db.execute(_SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as db, db:
            yield db

    def enqueue(self, action: QueuedAction) -> QueuedAction:
        """Persist ``action``; returns it with its queue id and time."""
        changes = json.dumps({k: _encode(v) for k, v in action.changes.items()}, ensure_ascii=False)
        queued_at = action.queued_at or utcnow()
        with self._db() as db:
            cursor = db.execute("INSERT INTO actions (message_id, expected_version, changes, operator, queued_at) "
                                "VALUES (?, ?, ?, ?, ?)", (action.message_id, action.expected_version, changes,
                                                          action.operator, queued_at.isoformat()))
        return QueuedAction(action.message_id, action.expected_version, action.changes, action.operator,
                            queued_at, cursor.lastrowid)

    def pending(self) -> list[QueuedAction]:
        """Queued actions, oldest first."""
        with self._db() as db:
            rows = db.execute("SELECT id, message_id, expected_version, changes, operator, queued_at "
                              "FROM actions ORDER BY id").fetchall()
        return [QueuedAction(r[1], r[2], {k: _decode(v) for k, v in json.loads(r[3]).items()}, r[4],
                             datetime.fromisoformat(r[5]), r[0]) for r in rows]

    def _remove(self, action_id: int | None) -> None:
        with self._db() as db:
            db.execute("DELETE FROM actions WHERE id = ?", (action_id,))

    def __len__(self) -> int:
        with self._db() as db:
            return int(db.execute("SELECT count(*) FROM actions").fetchone()[0])


def _apply(store: Store, action: QueuedAction, seat: Seat | None) -> ReplayOutcome:
    result = update_message(store, action.message_id, action.expected_version, seat=seat,
                            operator=action.operator, **action.changes)
    outcome = "applied" if result.ok or _already_there(action, result.current) else result.outcome
    return ReplayOutcome(action, outcome, result.current)  # type: ignore[arg-type]


def _already_there(action: QueuedAction, current: MessageState | None) -> bool:
    """An earlier attempt committed but its answer was lost with the connection."""
    return current is not None and all(current.fields.get(k) == v for k, v in action.changes.items())


def submit(store: Store, queue: OpQueue, action: QueuedAction, seat: Seat | None = None) -> ReplayOutcome:
    """Apply ``action`` now, or queue it when the server is unreachable."""
    try:
        return _apply(store, action, seat)
    except Exception as exc:
        if not is_connection_error(exc):
            raise
        return ReplayOutcome(queue.enqueue(action), "queued")


def replay(store: Store, queue: OpQueue, seat: Seat | None = None) -> list[ReplayOutcome]:
    """Apply queued actions in order; stop at the first connection failure (the rest stays queued)."""
    outcomes: list[ReplayOutcome] = []
    for action in queue.pending():
        try:
            outcome = _apply(store, action, seat)
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            outcomes.append(ReplayOutcome(action, "queued"))
            break
        queue._remove(action.id)
        outcomes.append(outcome)
    return outcomes
