"""Official warnings in CAP 1.2 (files or a URL) into the ``warnings`` table.

An alert is stored once per (source, identifier), where the source is the alert's ``sender``
(the authority), whatever route brought it: a file and a URL give one warning. ``Update`` and ``Cancel`` alerts end the
alerts they reference (``references``: «sender,identifier,sent» triples): those get
``expires`` = the new alert's ``sent`` (a cancelled one also ``msg_type`` «Cancel»), also
when the referenced alert arrives after its cancellation. Areas become one GeoJSON geometry:
polygons as they are (CAP writes «lat,lon» pairs), circles («lat,lon radius_km») as 64-sided
polygons. ``app.queries.warnings.active_warnings`` gives what the map and the briefing show.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, and_, insert, or_, select, update

from app.common.timeutil import utcnow
from app.store.models import OfficialWarning

NS = "urn:oasis:names:tc:emergency:cap:1.2"
MAX_BYTES = 8 * 1024 * 1024
CIRCLE_SIDES = 64
_WIDTHS = {"source": 128, "identifier": 256, "sender": 256, "status": 32, "msg_type": 32, "event": 256,
           "severity": 32, "urgency": 32, "certainty": 32, "headline": 512, "area_desc": 1024}


class CapError(ValueError):
    """The document is not a CAP 1.2 alert (the message is the Russian reason)."""


@dataclass(frozen=True)
class Alert:
    """One CAP alert as stored (its first ``info``, the areas of all its infos)."""

    values: dict[str, object]
    references: tuple[tuple[str, str], ...]  # (sender, identifier)


def _find(node: ET.Element, name: str) -> str | None:
    found = node.find(f"{{{NS}}}{name}")
    return None if found is None or found.text is None else found.text.strip()


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _pair(text: str) -> tuple[float, float]:
    lat, lon = (float(v) for v in text.split(","))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(text)
    return lat, lon


def polygon_ring(text: str) -> list[list[float]]:
    """A CAP polygon («lat,lon lat,lon …», closed) as a GeoJSON ring ([lon, lat] pairs)."""
    points = [_pair(p) for p in text.split()]
    ring = [[lon, lat] for lat, lon in points]
    if len(ring) < 4:
        raise ValueError("a polygon needs four points")
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    return ring


def circle_ring(text: str) -> list[list[float]]:
    """A CAP circle («lat,lon radius_km») as a 64-sided GeoJSON ring."""
    centre, radius_text = text.split()
    lat, lon = _pair(centre)
    radius = float(radius_text)
    if not 0 <= radius <= 5000:
        raise ValueError(text)
    ring = []
    for step in range(CIRCLE_SIDES):
        angle = 2 * math.pi * step / CIRCLE_SIDES
        dlat = radius / 111.32 * math.cos(angle)
        dlon = radius / (111.32 * max(0.01, math.cos(math.radians(lat)))) * math.sin(angle)
        ring.append([round(lon + dlon, 6), round(lat + dlat, 6)])
    return [*ring, ring[0]]


def _geometry(infos: list[ET.Element]) -> str | None:
    rings = []
    for info in infos:
        for area in info.findall(f"{{{NS}}}area"):
            for node in area.findall(f"{{{NS}}}polygon"):
                rings.append(polygon_ring(node.text or ""))
            for node in area.findall(f"{{{NS}}}circle"):
                rings.append(circle_ring(node.text or ""))
    if not rings:
        return None
    return json.dumps({"type": "MultiPolygon", "coordinates": [[ring] for ring in rings]})


def _references(text: str | None) -> tuple[tuple[str, str], ...]:
    found = []
    for triple in (text or "").split():
        parts = triple.split(",")
        if len(parts) >= 2:
            found.append((parts[0], parts[1]))
    return tuple(found)


def parse_alert(data: bytes) -> Alert:
    """The alert in ``data`` (``CapError`` when it is not one)."""
    if len(data) > MAX_BYTES:
        raise CapError("файл CAP больше 8 МБ")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        if "amplification" in str(exc) or "entit" in str(exc):
            raise CapError("XML раздувается сущностями (похоже на XML-бомбу) и не принят") from exc
        line, column = getattr(exc, "position", (0, 0))
        raise CapError(f"файл не является XML или повреждён (строка {line}, позиция {column})") from exc
    if root.tag != f"{{{NS}}}alert":
        raise CapError("это не предупреждение CAP 1.2 (нет элемента alert в пространстве имён CAP 1.2)")
    identifier = _find(root, "identifier")
    if not identifier:
        raise CapError("у предупреждения CAP нет identifier")
    infos = root.findall(f"{{{NS}}}info")
    russian = [i for i in infos if (_find(i, "language") or "").lower().startswith("ru")]
    info = (russian or infos)[0] if infos else None
    try:
        geometry = _geometry(infos)
    except (ValueError, TypeError) as exc:
        raise CapError(f"неверная область предупреждения (polygon/circle): {str(exc)[:100]}") from exc
    get = (lambda name: _find(info, name)) if info is not None else (lambda _name: None)
    areas = [_find(a, "areaDesc") or "" for i in infos for a in i.findall(f"{{{NS}}}area")]
    sender = _find(root, "sender")
    values: dict[str, object] = {
        "source": sender or "cap", "identifier": identifier, "sender": sender, "sent": _time(_find(root, "sent")),
        "status": _find(root, "status"), "msg_type": _find(root, "msgType"), "event": get("event"),
        "severity": get("severity"), "urgency": get("urgency"), "certainty": get("certainty"),
        "headline": get("headline"), "description": get("description"), "area_desc": "; ".join(a for a in areas if a),
        "geometry": geometry, "effective": _time(get("effective") or get("onset")), "expires": _time(get("expires")),
    }
    values["refs"] = _find(root, "references")
    return Alert(_fit(values), _references(_find(root, "references")))


def _fit(values: dict[str, object]) -> dict[str, object]:
    """Every text fits its column: cut to width, NUL removed."""
    for name, value in values.items():
        if isinstance(value, str):
            value = value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
            values[name] = value[:_WIDTHS[name]] if name in _WIDTHS else value
    return values


def store_alerts(conn: Connection, alerts: Iterable[Alert]) -> int:
    """Store new alerts and end what they update or cancel; returns how many were new."""
    added = 0
    for alert in alerts:
        values = alert.values
        exists = conn.execute(select(OfficialWarning.id).where(
            OfficialWarning.source == values["source"], OfficialWarning.identifier == values["identifier"])).first()
        if exists is not None:
            continue
        conn.execute(insert(OfficialWarning).values(**values, received_at=utcnow()))
        added += 1
        _end_referenced(conn, alert)
        _ended_before(conn, alert)
    return added


def _end_referenced(conn: Connection, alert: Alert) -> None:
    kind, sent = alert.values["msg_type"], alert.values["sent"] or utcnow()
    if kind not in ("Update", "Cancel") or not alert.references:
        return
    wanted = or_(*(and_(OfficialWarning.sender == s, OfficialWarning.identifier == i) for s, i in alert.references))
    changes: dict[str, object] = {"expires": sent}
    if kind == "Cancel":
        changes["msg_type"] = "Cancel"
    conn.execute(update(OfficialWarning).where(wanted, OfficialWarning.source == alert.values["source"])
                 .values(**changes))


def _ended_before(conn: Connection, alert: Alert) -> None:
    """An alert that arrives after the update or cancel that references it is ended at once."""
    source, key = alert.values["source"], (alert.values["sender"], alert.values["identifier"])
    rows = conn.execute(select(OfficialWarning.msg_type, OfficialWarning.sent, OfficialWarning.refs).where(
        OfficialWarning.source == source, OfficialWarning.msg_type.in_(["Update", "Cancel"]))).all()
    for kind, sent, refs in rows:
        if key in _references(refs):
            changes: dict[str, object] = {"expires": sent or utcnow()}
            if kind == "Cancel":
                changes["msg_type"] = "Cancel"
            conn.execute(update(OfficialWarning).where(OfficialWarning.source == source,
                                                       OfficialWarning.identifier == key[1]).values(**changes))

