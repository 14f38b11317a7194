"""Overlay layers and official warnings as the JSON ``opershtab_overlays.js`` takes (no Qt).

Everything here but the colours and our labels came from outside (a file, a CAP
source): it travels as JSON values, and feature properties as [name, value]
pairs, so no name ever becomes a key of a JavaScript object.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from app.ops.overlays import OverlayRow
from app.queries.warnings import WarningRow, until_text
from maps.page.script import script_json

MAX_SHOWN_PROPERTIES = 8

_js = partial(script_json, allow_nan=False)  # coordinates from files: NaN is refused, not drawn


def _pairs(properties: object) -> list[list[object]]:
    if not isinstance(properties, dict):
        return []
    return [[str(k), v] for k, v in properties.items() if k != "layer"][:MAX_SHOWN_PROPERTIES]


def overlays_json(rows: Sequence[OverlayRow]) -> str:
    """Overlays in stacking order: id, name, colour, visibility and features as {g: geometry, p: pairs}."""
    return _js([{"id": r.id, "name": r.name, "color": r.color, "visible": r.visible,
                 "features": [{"g": f.get("geometry"), "p": _pairs(f.get("properties"))}
                              for f in r.collection.get("features", []) if isinstance(f, dict)]}
                for r in rows])


def warnings_json(rows: Sequence[WarningRow]) -> str:
    """Warnings with an area: event, severity label and colour, validity (local time), area description."""
    return _js([{"id": r.id, "event": r.event, "severity": r.severity_label, "color": r.color,
                 "from": until_text(r.starts), "until": until_text(r.ends), "area": r.area_desc or "",
                 "sender": r.sender or "", "geometry": r.geometry} for r in rows if r.geometry])
