"""Points of assistance: water delivery, warming centres, aid points (operator-entered).

The table is ``app.store.models.AssistancePoint`` (migration 0005).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from sqlalchemy import select

from app.common.timeutil import utcnow
from app.store.engine import Store
from app.store.models import AssistancePoint

KINDS: dict[str, str] = {
    "water": "Подвоз воды",
    "warming": "Пункт обогрева",
    "aid": "Пункт помощи",
    "charging": "Пункт зарядки",
    "other": "Прочее",
}
STATUSES: dict[str, str] = {"open": "Работает", "planned": "Планируется", "closed": "Закрыт"}


@dataclass(frozen=True)
class AssistanceRow:
    """A point as views see it (plain, immutable)."""

    id: int
    kind: str
    name: str
    lat: float
    lon: float
    address: str | None = None
    status: str = "open"
    hours: str | None = None
    notes: str | None = None


_FIELDS = ("kind", "name", "lat", "lon", "address", "status", "hours", "notes")


def validate(row: AssistanceRow) -> None:
    """Raise ValueError with a Russian message when a point cannot be saved."""
    if row.kind not in KINDS:
        raise ValueError(f"Неизвестный тип пункта: {row.kind}")
    if row.status not in STATUSES:
        raise ValueError(f"Неизвестный статус пункта: {row.status}")
    if not row.name.strip():
        raise ValueError("У пункта должно быть название")
    if not (-90 <= row.lat <= 90 and -180 <= row.lon <= 180):
        raise ValueError("Координаты пункта вне допустимого диапазона")


def save_point(store: Store, row: AssistanceRow) -> int:
    """Insert (``row.id == 0``) or update a point; returns its id."""
    validate(row)
    values = {name: getattr(row, name) for name in _FIELDS}
    with store.session() as session:
        point = session.get(AssistancePoint, row.id) if row.id else None
        if row.id and point is None:
            raise KeyError(f"нет пункта помощи №{row.id}")
        point = point or AssistancePoint()
        for name, value in values.items():
            setattr(point, name, value)
        point.updated_at = utcnow()
        session.add(point)
        session.flush()
        return point.id


def delete_point(store: Store, point_id: int) -> bool:
    with store.session() as session:
        point = session.get(AssistancePoint, point_id)
        if point is None:
            return False
        session.delete(point)
        return True


def list_points(store: Store) -> list[AssistanceRow]:
    with store.session() as session:
        points = session.scalars(select(AssistancePoint).order_by(AssistancePoint.id)).all()
        return [AssistanceRow(p.id, *(getattr(p, name) for name in _FIELDS)) for p in points]


def to_feature(row: AssistanceRow) -> dict:
    props = {k: v for k, v in asdict(row).items() if k not in ("lat", "lon")}
    props.update(kind_label=KINDS[row.kind], status_label=STATUSES[row.status])
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]}, "properties": props}


def to_geojson(rows: list[AssistanceRow]) -> str:
    """The points as a GeoJSON FeatureCollection (for publication)."""
    return json.dumps({"type": "FeatureCollection", "features": [to_feature(r) for r in rows]},
                      ensure_ascii=False, indent=1)
