"""Quarantine: rejected input rows kept with their reason and original content."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, tuple_

from app.common.timeutil import utcnow
from app.intake.validate import Rejection
from app.store.engine import Store
from app.store.models import Quarantine


@dataclass(frozen=True)
class QuarantineRow:
    """One stored rejection, as the rejects window shows it."""

    id: int
    source: str
    location: str | None
    reason: str
    raw: str
    received_at: datetime


def quarantine_in(conn: Connection, rejections: Sequence[Rejection]) -> int:
    """Store ``rejections`` in the caller's transaction; ones already quarantined are not stored twice.

    Returns how many rows were added.
    """
    safe = [Rejection(_safe(r.source), _safe(r.location), _safe(r.reason), _safe(r.raw)) for r in rejections]
    fresh = _not_yet_stored(conn, _unique(safe))
    if fresh:
        now = utcnow()
        conn.execute(insert(Quarantine), [
            {"source": r.source, "location": r.location, "reason": r.reason, "raw": r.raw, "received_at": now}
            for r in fresh
        ])
    return len(fresh)


def _safe(text: str) -> str:
    """Text the database accepts: undecodable input (lone surrogates) and NULs become visible marks."""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")


def _unique(rejections: Sequence[Rejection]) -> list[Rejection]:
    return list({(r.source, r.location, r.raw): r for r in rejections}.values())


def _not_yet_stored(conn: Connection, rejections: list[Rejection]) -> list[Rejection]:
    if not rejections:
        return []
    pairs = {(r.source, r.location) for r in rejections}
    stmt = select(Quarantine.source, Quarantine.location, Quarantine.raw).where(
        tuple_(Quarantine.source, Quarantine.location).in_(list(pairs)))
    stored = {tuple(row) for row in conn.execute(stmt)}
    return [r for r in rejections if (r.source, r.location, r.raw) not in stored]


def store_rejections(store: Store, rejections: Sequence[Rejection]) -> int:
    """Store ``rejections`` in a transaction of their own."""
    with store.engine.begin() as conn:
        return quarantine_in(conn, rejections)


def list_quarantine(store: Store, limit: int = 1000, offset: int = 0) -> list[QuarantineRow]:
    """Newest rejections first."""
    stmt = (select(Quarantine).order_by(Quarantine.id.desc()).limit(limit).offset(offset))
    with store.session() as session:
        return [QuarantineRow(q.id, q.source, q.location, q.reason, q.raw, q.received_at)
                for q in session.scalars(stmt)]


def quarantine_count(store: Store) -> int:
    """How many rejections are stored."""
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(Quarantine)) or 0)
