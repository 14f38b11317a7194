"""Operator corrections of a message's category; they win over the classifier."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.categories import CODES, label
from app.ops.messages import UpdateResult, read_state, update_message
from app.store import CategoryCorrection, Store


def correct_category(store: Store, message_id: int, category: str, secondary: str | None = None,
                     operator: str = "оператор", expected_version: int | None = None,
                     at: datetime | None = None) -> UpdateResult:
    """Record the operator's category for a message and apply it (category_source='operator').

    Goes through the versioned write path: with ``expected_version`` a message another
    operator changed meanwhile is not overwritten (the result says ``conflict``).
    """
    for code in (category, secondary):
        if code is not None and code not in CODES:
            raise ValueError(f"неизвестная категория «{code}»")
    state = read_state(store, message_id)
    if state is None:
        raise KeyError(f"Сообщение №{message_id} не найдено")
    version = state.version if expected_version is None else expected_version
    return update_message(store, message_id, version, operator=operator, at=at, category=category,
                          secondary_category=secondary if secondary != category else None,
                          category_source="operator", confidence=1.0,
                          explanation=f"Категория указана оператором ({operator}): {label(category)}")


def latest_corrections(store: Store) -> dict[int, tuple[str, str | None]]:
    """Message id → (category, secondary) of the newest correction per message."""
    query = select(CategoryCorrection).order_by(CategoryCorrection.corrected_at, CategoryCorrection.id)
    with store.session() as session:
        return {c.message_id: (c.category, c.secondary_category) for c in session.scalars(query)}
