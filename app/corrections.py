"""Operator corrections of a message's category; they win over the classifier."""

from __future__ import annotations

from sqlalchemy import select

from app.categories import CODES
from app.models import CategoryCorrection, Message
from app.store import Store
from app.timeutil import utcnow


def correct_category(store: Store, message_id: int, category: str, secondary: str | None = None,
                     operator: str = "оператор") -> None:
    """Record the operator's category for a message and apply it (category_source='operator')."""
    for code in (category, secondary):
        if code is not None and code not in CODES:
            raise ValueError(f"unknown category {code!r}")
    with store.session() as session:
        message = session.get(Message, message_id)
        if message is None:
            raise KeyError(f"message {message_id} does not exist")
        session.add(CategoryCorrection(message_id=message_id, category=category, secondary_category=secondary,
                                       operator=operator, corrected_at=utcnow()))
        message.category = category
        message.secondary_category = secondary if secondary != category else None
        message.category_source = "operator"
        message.confidence = 1.0
        message.explanation = f"Категория указана оператором ({operator})"


def latest_corrections(store: Store) -> dict[int, tuple[str, str | None]]:
    """Message id → (category, secondary) of the newest correction per message."""
    query = select(CategoryCorrection).order_by(CategoryCorrection.corrected_at, CategoryCorrection.id)
    with store.session() as session:
        return {c.message_id: (c.category, c.secondary_category) for c in session.scalars(query)}
