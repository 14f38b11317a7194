"""The one versioned write path for operator edits of messages.

Every message carries a ``version``; ``update_message`` changes a row only if the
version is still the one the operator saw, and bumps it. Otherwise nothing is
written and the result carries the fresh row, so the second operator sees what
the first one did instead of silently overwriting it. In the same transaction a
status change writes its ``status_history`` row and a category change its
``category_corrections`` row; a note given without a status change is kept as a
«заметка» step of the history (an undo notes «отмена действия» so). The result keeps
the state before the edit, which is what «Отменить» writes back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, insert, select, update

from app.common.timeutil import utcnow
from app.store.engine import Store
from app.store.models import CategoryCorrection, Message, StatusHistory
from app.sync.seats import Seat, require_write, seat_of

log = logging.getLogger(__name__)

EDITABLE = frozenset({
    "status", "category", "secondary_category", "category_source", "confidence", "explanation", "agency_id",
    "importance", "assigned_at", "first_answer_at", "final_answer_at", "incident_id", "address", "settlement",
    "municipality", "region", "lat", "lon",
})
Outcome = Literal["updated", "conflict", "missing"]
NOTE = "note"  # the history step of an operator's note (no status change)


@dataclass(frozen=True)
class MessageState:
    """The editable state of one message as stored, with its version."""

    id: int
    version: int
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UpdateResult:
    """``updated``: written, ``current`` is the new state; ``conflict``: not written, ``current`` is fresh.

    ``before`` is the state the edit replaced (only when written).
    """

    outcome: Outcome
    message_id: int
    current: MessageState | None
    before: MessageState | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "updated"

    def explain(self) -> str:
        """A sentence for the operator (Russian)."""
        if self.outcome == "updated":
            return "Изменения сохранены."
        if self.outcome == "missing":
            return f"Сообщение №{self.message_id} не найдено: его удалили или перенесли."
        who = self.current.version if self.current else "?"
        return (f"Сообщение №{self.message_id} уже изменил другой оператор (версия {who}). "
                "Показано текущее состояние; повторите правку, если она ещё нужна.")

    def raise_for_conflict(self) -> UpdateResult:
        """Raise ``EditConflictError`` unless the update went through."""
        if not self.ok:
            raise EditConflictError(self)
        return self


class EditConflictError(RuntimeError):
    """Someone else changed the message first (or it is gone); ``result.current`` is fresh."""

    def __init__(self, result: UpdateResult) -> None:
        super().__init__(result.explain())
        self.result = result


_STATE_COLUMNS = [Message.id, Message.version, *(getattr(Message, name) for name in sorted(EDITABLE))]


def read_state(store: Store, message_id: int) -> MessageState | None:
    """The stored editable state of ``message_id`` (None if there is none)."""
    with store.engine.connect() as conn:
        return _state(conn, message_id)


def _state(conn: Connection, message_id: int) -> MessageState | None:
    row = conn.execute(select(*_STATE_COLUMNS).where(Message.id == message_id)).first()
    if row is None:
        return None
    return MessageState(row[0], row[1], dict(zip(sorted(EDITABLE), row[2:], strict=True)))


def update_message(store: Store, message_id: int, expected_version: int, *, seat: Seat | None = None,
                   operator: str | None = None, note: str | None = None, at: datetime | None = None,
                   **changes: Any) -> UpdateResult:
    """Apply ``changes`` if the row still has ``expected_version``; bump the version.

    A status change also records a ``status_history`` row and a category change a
    ``category_corrections`` row, in the same transaction. Raises
    ``ReadOnlySeatError`` for a wall seat and ``ValueError`` for fields that are not
    editable. Conflicts are returned, not raised (see ``raise_for_conflict``).
    """
    seat = seat or seat_of(store)
    require_write(seat)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    stmt = (update(Message).where(Message.id == message_id, Message.version == expected_version)
            .values(**changes, version=Message.version + 1).returning(Message.version))
    with store.engine.begin() as conn:
        before = _state(conn, message_id)
        written = conn.execute(stmt).scalar_one_or_none()
        if written is not None:
            _journal(conn, message_id, changes, operator or seat.name, note, at or utcnow())
    current = read_state(store, message_id)
    if written is not None:
        return UpdateResult("updated", message_id, current, before)
    return UpdateResult("missing" if current is None else "conflict", message_id, current)


def _journal(conn: Connection, message_id: int, changes: dict[str, Any], operator: str, note: str | None,
             now: datetime) -> None:
    """The audit rows of an edit: who changed the status or the category, and when."""
    if "status" in changes or note:  # a note without a status change is a «заметка» step
        conn.execute(insert(StatusHistory).values(message_id=message_id, status=changes.get("status", NOTE),
                                                  at=now, operator=operator, note=note))
    if "category" in changes and changes.get("category_source") == "operator":
        conn.execute(insert(CategoryCorrection).values(
            message_id=message_id, category=changes["category"], secondary_category=changes.get("secondary_category"),
            operator=operator, corrected_at=now))
