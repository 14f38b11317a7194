"""Grouping messages into incidents, incrementally, with operator merge and split.

A message joins an open incident of the same category when it is about the
same settlement or lies within ``DISTANCE_KM`` of the incident's centre, and
was published within ``GAP`` of the incident's time span. Otherwise it opens a
new incident. Incidents keep counts, first/last seen, a centroid and an extent
polygon (convex hull of the points, buffered). Messages with no place and
«other» messages stay outside incidents.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shapely.geometry import MultiPoint, mapping
from sqlalchemy import Connection, Numeric, cast, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.common.timeutil import as_utc
from app.store.engine import Store
from app.store.models import Incident, Message

GAP = timedelta(hours=6)
STATUS_LABELS = {"open": "открыто", "closed": "закрыто", "merged": "объединено"}
DISTANCE_KM = 5.0
EXTENT_BUFFER_DEGREES = 0.01


@dataclass(frozen=True)
class IncidentRow:
    """An incident as every view shows it: the list, the map, the exports."""

    id: int
    category: str
    settlement: str | None
    municipality: str | None
    region: str | None
    lat: float | None
    lon: float | None
    extent: dict | None
    message_count: int
    status: str
    first_seen: datetime
    last_seen: datetime


def status_label(status: str) -> str:
    """The Russian word for an incident's status (the code itself when unknown)."""
    return STATUS_LABELS.get(status, status)


def incident_row(incident: Incident) -> IncidentRow:
    """The plain row of a stored incident (its extent parsed; a broken one is None)."""
    return IncidentRow(incident.id, incident.category, incident.settlement, incident.municipality, incident.region,
                       incident.lat, incident.lon, _parse_extent(incident.extent), incident.message_count,
                       incident.status, incident.first_seen, incident.last_seen)


def _parse_extent(text: str | None) -> dict | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) and "type" in value else None


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def _near(message: Message, incident: Incident) -> bool:
    if message.settlement and incident.settlement:
        return bool(message.settlement == incident.settlement and message.region == incident.region)
    if None in (message.lat, message.lon, incident.lat, incident.lon):
        return False
    return km_between(message.lat, message.lon, incident.lat, incident.lon) <= DISTANCE_KM  # type: ignore[arg-type]


def _in_time(message: Message, incident: Incident) -> bool:
    at = as_utc(message.published_at)
    return as_utc(incident.first_seen) - GAP <= at <= as_utc(incident.last_seen) + GAP


def _groupable(message: Message) -> bool:
    has_place = message.settlement is not None or (message.lat is not None and message.lon is not None)
    return message.category != "other" and has_place and message.incident_id is None


def _extent(points: Sequence[tuple[float, float]]) -> str | None:
    if not points:
        return None
    hull = MultiPoint([(lon, lat) for lat, lon in points]).convex_hull.buffer(EXTENT_BUFFER_DEGREES)
    return json.dumps(mapping(hull.simplify(EXTENT_BUFFER_DEGREES / 4)))


POINT_GRID = 3  # decimals of the points the extent is drawn around: ~100 m, far below its 0.01° buffer


def _most_common(session: Session, incident_id: int, column: InstrumentedAttribute) -> str | None:
    """The column's most common value among the incident's messages (the earliest message's on a tie)."""
    return session.execute(select(column).where(Message.incident_id == incident_id, column.is_not(None),
                                                column != "")
                           .group_by(column).order_by(func.count().desc(), func.min(Message.id))
                           .limit(1)).scalar()


def refresh(session: Session, incident: Incident) -> None:
    """Recompute counts, time span, centre and extent of an incident from its messages.

    Aggregates run in the database and the extent is drawn around the members' distinct points on
    a ~100 m grid, so a refresh reads a few rows however many messages the incident holds (an
    import of 700,000 messages about one town refreshes that incident once per batch).
    """
    members = Message.incident_id == incident.id
    count, first, last = session.execute(select(func.count(), func.min(Message.published_at),
                                                func.max(Message.published_at)).where(members)).one()
    incident.message_count = count
    if not count:
        incident.status = "closed" if incident.status == "open" else incident.status
        return
    incident.first_seen, incident.last_seen = as_utc(first), as_utc(last)
    located = members & Message.lat.is_not(None) & Message.lon.is_not(None)
    incident.lat, incident.lon = session.execute(select(func.avg(Message.lat), func.avg(Message.lon))
                                                 .where(located)).one()
    grid = [func.round(cast(Message.lat, Numeric), POINT_GRID), func.round(cast(Message.lon, Numeric), POINT_GRID)]
    points = [(float(lat), float(lon)) for lat, lon in session.execute(select(*grid).where(located).distinct())]
    incident.extent = _extent(points)  # type: ignore[assignment]
    incident.settlement = _most_common(session, incident.id, Message.settlement)
    incident.municipality = _most_common(session, incident.id, Message.municipality)
    incident.region = _most_common(session, incident.id, Message.region)


def _open_new(session: Session, message: Message) -> Incident:
    incident = Incident(category=message.category, settlement=message.settlement,
                        municipality=message.municipality, region=message.region,
                        first_seen=message.published_at, last_seen=message.published_at,
                        message_count=0, lat=message.lat, lon=message.lon, status="open")
    session.add(incident)
    session.flush()
    return incident


def _attach(session: Session, message: Message, candidates: list[Incident]) -> Incident:
    for incident in candidates:
        if incident.category == message.category and _near(message, incident) and _in_time(message, incident):
            break
    else:
        incident = _open_new(session, message)
        candidates.append(incident)
    message.incident_id = incident.id
    at = as_utc(message.published_at)
    incident.first_seen = min(as_utc(incident.first_seen), at)
    incident.last_seen = max(as_utc(incident.last_seen), at)
    return incident


def update_incidents(store: Store, new_message_ids: Iterable[int]) -> list[int]:
    """Attach new messages to incidents (opening new ones as needed); returns touched incident ids."""
    with store.session() as session:
        return group_in(session, new_message_ids)


def update_incidents_in(conn: Connection, new_message_ids: Iterable[int]) -> list[int]:
    """``update_incidents`` inside the caller's transaction (intake groups with the batch it stores)."""
    with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
        touched = group_in(session, new_message_ids)
        session.commit()  # releases the savepoint; the caller's transaction commits the rest
        return touched


def group_in(session: Session, new_message_ids: Iterable[int]) -> list[int]:
    """Group ``new_message_ids`` using ``session``; returns the touched incident ids."""
    ids = list(new_message_ids)
    if not ids:
        return []
    query = select(Message).where(Message.id.in_(ids)).order_by(Message.published_at, Message.id)
    messages = [m for m in session.scalars(query) if _groupable(m)]
    categories = {m.category for m in messages}
    candidates = list(session.scalars(select(Incident).where(
        Incident.status == "open", Incident.category.in_(categories))))
    touched = {_attach(session, m, candidates).id: None for m in messages}
    session.flush()
    for incident in candidates:
        if incident.id in touched:
            refresh(session, incident)
    session.flush()
    return list(touched)


def update_municipalities(conn: Connection, message_ids: Sequence[int]) -> None:
    """Incidents of these messages take their messages' most common municipality again."""
    for start in range(0, len(message_ids), 900):
        chunk = list(message_ids[start:start + 900])
        incident_ids = conn.execute(select(Message.incident_id).distinct()
                                    .where(Message.id.in_(chunk), Message.incident_id.is_not(None))).scalars().all()
        for incident_id in incident_ids:
            top = conn.execute(select(Message.municipality).where(Message.incident_id == incident_id,
                                                                  Message.municipality.is_not(None))
                               .group_by(Message.municipality)
                               .order_by(func.count().desc(), Message.municipality).limit(1)).scalar()
            conn.execute(update(Incident).where(Incident.id == incident_id).values(municipality=top))


def merge_incidents(store: Store, ids: Sequence[int]) -> int:
    """Merge incidents into the oldest one (lowest id); the others become «merged». Returns its id."""
    if len(set(ids)) < 2:
        raise ValueError("для объединения нужны хотя бы два инцидента")
    target_id, *others = sorted(set(ids))
    with store.session() as session:
        target = session.get(Incident, target_id)
        if target is None:
            raise KeyError(f"incident {target_id} does not exist")
        for other_id in others:
            for message in session.scalars(select(Message).where(Message.incident_id == other_id)):
                message.incident_id = target_id
            other = session.get(Incident, other_id)
            if other is None:
                raise KeyError(f"incident {other_id} does not exist")
            other.status, other.merged_into, other.message_count = "merged", target_id, 0
        session.flush()
        refresh(session, target)
    return target_id


def split_incident(store: Store, incident_id: int, message_ids: Sequence[int]) -> int:
    """Move the given messages of an incident into a new incident; returns the new id."""
    with store.session() as session:
        source = session.get(Incident, incident_id)
        moving = list(session.scalars(select(Message).where(
            Message.id.in_(list(message_ids)), Message.incident_id == incident_id)))
        if source is None or not moving or len(moving) == source.message_count:
            raise ValueError("выделить можно только часть сообщений инцидента")
        created = _open_new(session, moving[0])
        created.category = source.category
        for message in moving:
            message.incident_id = created.id
        session.flush()
        refresh(session, source)
        refresh(session, created)
        return created.id


def incident_rows(store: Store, include_merged: bool = False) -> list[IncidentRow]:
    """Incidents as plain rows, largest first."""
    query = select(Incident).order_by(Incident.message_count.desc(), Incident.id)
    if not include_merged:
        query = query.where(Incident.status != "merged")
    with store.session() as session:
        return [incident_row(i) for i in session.scalars(query)]
