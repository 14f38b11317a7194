"""Placing stored messages again when the region pack changes (municipality and subject)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import bindparam, select, update

from app.incidents import update_municipalities
from app.region import RegionPack, region_of_point
from app.store import Message, Store

BATCH = 2000


def replace_stored(store: Store, pack: RegionPack, progress: Callable[[int], None] | None = None,
                   cancel: threading.Event | None = None) -> tuple[int, bool]:
    """Give every located message the municipality of ``pack``; returns (messages changed, cancelled)."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(Message.id, Message.lat, Message.lon, Message.municipality, Message.region)
                            .where(Message.lat.is_not(None), Message.lon.is_not(None)).order_by(Message.id)).all()
    changed = 0
    for start in range(0, len(rows), BATCH):
        if cancel is not None and cancel.is_set():
            return changed, True
        changed += _replace_batch(store, pack, rows[start:start + BATCH])
        if progress is not None:
            progress(min(start + BATCH, len(rows)))
    return changed, False


def _replace_batch(store: Store, pack: RegionPack, rows: Sequence[Any]) -> int:
    found = pack.index.locate_many([(r.lat, r.lon) for r in rows]) if pack.index is not None else [None] * len(rows)
    updates = []
    for row, index in zip(rows, found, strict=True):
        unit = pack.municipalities[index] if index is not None else None
        municipality = unit.name if unit else None
        subject = (unit.region if unit else None) or row.region or region_of_point(row.lat, row.lon)
        if (municipality, subject) != (row.municipality, row.region):
            updates.append({"mid": row.id, "m": municipality, "r": subject})
    if updates:
        table: Any = Message.__table__
        stmt = (update(table).where(table.c.id == bindparam("mid"))
                .values(municipality=bindparam("m"), region=bindparam("r")))
        with store.engine.begin() as conn:
            conn.execute(stmt, updates)
            update_municipalities(conn, [u["mid"] for u in updates])
    return len(updates)
