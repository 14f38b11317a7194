"""Read side: plain immutable rows for views (never live ORM objects)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select

from app.common.timeutil import as_utc
from app.store.engine import Store
from app.store.models import Message


@dataclass(frozen=True)
class MessageRow:
    id: int
    published_at: datetime
    source: str
    author: str | None
    text: str
    settlement: str | None
    region: str | None
    address: str | None
    category: str
    lat: float | None
    lon: float | None
    municipality: str | None = None
    status: str = "new"
    importance: str = "normal"
    version: int = 1
    incident_id: int | None = None


_ROW_COLUMNS = (
    Message.id, Message.published_at, Message.source, Message.author, Message.text, Message.settlement,
    Message.region, Message.address, Message.category, Message.lat, Message.lon,
    Message.municipality, Message.status, Message.importance, Message.version, Message.incident_id,
)


def _rows(store: Store, stmt: object) -> list[MessageRow]:
    with store.engine.connect() as conn:
        return [MessageRow(*row) for row in conn.execute(stmt)]  # type: ignore[call-overload]


def latest_messages(store: Store, limit: int = 200) -> list[MessageRow]:
    """Newest messages first."""
    stmt = select(*_ROW_COLUMNS).order_by(Message.published_at.desc(), Message.id.desc()).limit(limit)
    return _rows(store, stmt)


def messages_by_ids(store: Store, ids: Sequence[int]) -> list[MessageRow]:
    stmt = select(*_ROW_COLUMNS).where(Message.id.in_(list(ids))).order_by(Message.id)
    return _rows(store, stmt)


def messages_after(store: Store, after_id: int, limit: int | None = None) -> list[MessageRow]:
    """Messages with an id above ``after_id`` (a map's incremental feed)."""
    stmt = select(*_ROW_COLUMNS).where(Message.id > after_id).order_by(Message.id).limit(limit)
    return _rows(store, stmt)


def messages_in(store: Store, start: datetime, end: datetime) -> list[MessageRow]:
    stmt = select(*_ROW_COLUMNS).where(*_period(start, end)).order_by(Message.published_at)
    return _rows(store, stmt)


def _period(start: datetime, end: datetime) -> tuple[ColumnElement[bool], ...]:
    return (Message.published_at >= as_utc(start), Message.published_at < as_utc(end))


def count_in(store: Store, start: datetime, end: datetime) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Message).where(*_period(start, end))).scalar_one()


def latest_time(store: Store) -> datetime | None:
    with store.engine.connect() as conn:
        return conn.execute(select(func.max(Message.published_at))).scalar()
