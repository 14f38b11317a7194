"""Message rows as the JSON the map page takes (no Qt)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from app.queries import MessageRow
from app.timeutil import to_local


def point(row: MessageRow) -> dict[str, object]:
    return {
        "id": row.id,
        "lat": row.lat,
        "lon": row.lon,
        "category": row.category,
        "t": int(row.published_at.timestamp() * 1000),
        "time": to_local(row.published_at).strftime("%d.%m %H:%M"),
        "author": row.author,
        "settlement": row.settlement,
        "address": row.address,
        "text": row.text,
    }


def points_json(rows: Iterable[MessageRow]) -> str:
    """A JSON array safe to splice into a script call (JSON is a JS literal)."""
    return json.dumps([point(r) for r in rows if r.lat is not None and r.lon is not None], ensure_ascii=True)
