"""A message card: everything an operator needs about one message, read in one go.

Text, source link, author, place, category with the classifier's explanation, the
status history with who and when, the agency, notes and the answer text (the notes
of the status steps; the answer is the note of the latest «ответ дан» step), the
deadline and the time left in the region's working calendar.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select

from app.common.timeutil import as_utc
from app.ops.board import pending_due
from app.ops.messages import NOTE
from app.ops.routing import HistoryRow, history
from app.ops.statuses import PENDING_STATUSES
from app.ops.workcal import WorkCalendar
from app.store import Agency, Message, Store


@dataclass(frozen=True)
class Card:
    id: int
    version: int
    text: str
    url: str | None
    author: str | None
    source: str
    published_at: datetime
    settlement: str | None
    municipality: str | None
    address: str | None
    region: str | None
    category: str
    category_source: str
    confidence: float | None
    explanation: str | None
    status: str
    importance: str
    agency: str | None
    assigned_at: datetime | None
    incident_id: int | None
    due: datetime | None
    history: tuple[HistoryRow, ...]

    def left(self, at: datetime) -> float:
        """Seconds until the deadline (negative: overdue; 0 without a pending deadline)."""
        return (self.due - as_utc(at)).total_seconds() if self.due else 0.0

    @property
    def notes(self) -> tuple[HistoryRow, ...]:
        """The operators' notes (steps without a status change)."""
        return tuple(h for h in self.history if h.status == NOTE)

    @property
    def answer(self) -> str | None:
        """The answer text: the note of the latest «ответ дан» step."""
        return next((h.note for h in reversed(self.history) if h.status == "answered" and h.note), None)


_COLUMNS = (Message.id, Message.version, Message.text, Message.url, Message.author, Message.source,
            Message.published_at, Message.settlement, Message.municipality, Message.address, Message.region,
            Message.category, Message.category_source, Message.confidence, Message.explanation, Message.status,
            Message.importance, Agency.name, Message.assigned_at, Message.incident_id, Message.first_answer_at,
            Message.final_answer_at)
_FIELDS = [f.name for f in fields(Card)][:len(_COLUMNS) - 2]


def message_card(store: Store, message_id: int, cal: WorkCalendar) -> Card | None:
    """The card of ``message_id`` (None when it is gone)."""
    stmt = (select(*_COLUMNS).outerjoin(Agency, Agency.id == Message.agency_id).where(Message.id == message_id))
    with store.engine.connect() as conn:
        row = conn.execute(stmt).first()
    if row is None:
        return None
    values: dict[str, Any] = dict(zip(_FIELDS, row[:-2], strict=True))
    first, final = cast("tuple[datetime | None, datetime | None]", tuple(row[-2:]))
    due = None
    if values["status"] in PENDING_STATUSES:
        due = pending_due(cal, values["published_at"], values["importance"], values["source"], first, final)
    return Card(**values, due=due, history=history(store, message_id))
