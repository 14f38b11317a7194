"""Overlay layers the centre imports: flood zones, evacuation points, grid sections (table ``overlays``).

An overlay is one file's features as a GeoJSON FeatureCollection, with a name and
a colour the operator chooses, shown on the map as its own layer. Reading and its
limits live in ``app.ops.overlay_files``; errors a user can cause are
``OverlayError`` (one Russian sentence). The window calls these functions on its
worker and then announces ``Changes.of(Kind.OVERLAYS)``; views re-read
``list_overlays``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from app.common.cells import clean_text
from app.common.timeutil import utcnow
from app.ops.overlay_files import EXTENSIONS, OverlayError, read_overlay
from app.store import Overlay, Store

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")
MAX_NAME_CHARS = 256
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")

__all__ = ["EXTENSIONS", "OverlayError", "OverlayRow", "delete_overlay", "import_overlay", "list_overlays",
           "update_overlay"]


@dataclass(frozen=True)
class OverlayRow:
    """One overlay as views see it; ``collection`` is its GeoJSON FeatureCollection."""

    id: int
    name: str
    color: str
    visible: bool
    source_file: str | None
    created_at: datetime
    feature_count: int
    collection: dict


def _row(o: Overlay) -> OverlayRow:
    try:
        collection = json.loads(o.features)
    except ValueError:
        collection = {"type": "FeatureCollection", "features": []}
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        collection, features = {"type": "FeatureCollection", "features": []}, []
    return OverlayRow(o.id, o.name, o.color, bool(o.visible), o.source_file, o.created_at, len(features), collection)


def overlay_name(text: str | None, path: Path) -> str:
    """The name as given (or the file's name), as plain text of a bounded length."""
    name = " ".join(clean_text(text or "").split()) or " ".join(clean_text(path.stem).split())
    return (name or "Слой")[:MAX_NAME_CHARS]


def checked_color(color: str | None, fallback: str) -> str:
    """``#rrggbb`` as given, else ``fallback`` (a colour is never free text on the page)."""
    return color.lower() if isinstance(color, str) and _COLOR.fullmatch(color) else fallback


def import_overlay(store: Store, path: str | Path, name: str | None = None, color: str | None = None) -> OverlayRow:
    """Read the file at ``path`` and store it as a new visible overlay; raises ``OverlayError``."""
    source = Path(path)
    features = read_overlay(source)
    collection = {"type": "FeatureCollection", "features": features}
    with store.session() as session:
        existing = int(session.execute(select(func.count()).select_from(Overlay)).scalar_one())
        row = Overlay(name=overlay_name(name, source), color=checked_color(color, PALETTE[existing % len(PALETTE)]),
                      source_file=str(source)[-1024:], visible=True, created_at=utcnow(),
                      features=json.dumps(collection, ensure_ascii=False, separators=(",", ":")))
        session.add(row)
        session.flush()
        return _row(row)


def list_overlays(store: Store) -> list[OverlayRow]:
    """Every overlay, oldest first (the map stacks them in this order)."""
    with store.session() as session:
        return [_row(o) for o in session.scalars(select(Overlay).order_by(Overlay.id))]


def update_overlay(store: Store, overlay_id: int, name: str | None = None, color: str | None = None,
                   visible: bool | None = None) -> OverlayRow | None:
    """Rename, recolour or show/hide an overlay; None when it no longer exists."""
    with store.session() as session:
        row = session.get(Overlay, overlay_id)
        if row is None:
            return None
        if name is not None and name.strip():
            row.name = overlay_name(name, Path(row.name))
        if color is not None:
            row.color = checked_color(color, row.color)
        if visible is not None:
            row.visible = bool(visible)
        session.flush()
        return _row(row)


def delete_overlay(store: Store, overlay_id: int) -> bool:
    """Remove an overlay; False when there was none."""
    with store.session() as session:
        row = session.get(Overlay, overlay_id)
        if row is None:
            return False
        session.delete(row)
        return True
