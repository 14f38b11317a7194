"""What goes out to GIS: messages, incidents, points of assistance and the per-1,000 choropleth as layers.

Field names are ≤ 10 ASCII characters (a Shapefile's limit) and the same in
every format; ``docs/GIS.md`` lists them with their Russian titles. Times are
the region's local time with its UTC offset, as text (a Shapefile has no time
type). Each feature carries the colour its layer is styled by in KML: the
category's for messages and incidents, the kind's for points of assistance,
the rate class's (as on the map) for municipalities.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from shapely.geometry import MultiPolygon, Point, shape
from shapely.geometry.base import BaseGeometry

from app import categories
from app.common.timeutil import to_local
from app.export.gis import Feature, Field, Layer, export_layer
from app.export.messages import message_rows
from app.incidents import status_label as incident_status
from app.ops.assistance import KINDS, STATUSES, AssistanceRow
from app.queries.map import ChoroplethValue, IncidentRow, MapWindow, choropleth, incidents_in
from app.region.packs import RegionPack
from app.store import Store

FAR_PAST = datetime(1970, 1, 1, tzinfo=UTC)
FAR_FUTURE = datetime(2200, 1, 1, tzinfo=UTC)
RATE_COLORS = ("#fff5eb", "#fdd0a2", "#fd8d3c", "#e6550d", "#a63603")  # as the map's legend
NO_RATE_COLOR = "#bbbbbb"
KIND_COLORS = {"water": "#1f78d1", "warming": "#e4572e", "aid": "#2ca02c", "charging": "#6a3d9a", "other": "#7f7f7f"}

MESSAGE_FIELDS = (
    Field("id", "№", "int"), Field("source", "Источник"), Field("ext_id", "Внешний идентификатор"),
    Field("published", "Опубликовано (местное время)"), Field("text", "Текст"), Field("category", "Код категории"),
    Field("cat_label", "Категория"), Field("secondary", "Код второй категории"), Field("sec_label", "Вторая категория"),
    Field("settlement", "Населённый пункт"), Field("municipal", "Муниципалитет"), Field("region", "Регион"),
    Field("status", "Код статуса"), Field("stat_label", "Статус"), Field("agency", "Ведомство"),
    Field("incident", "Происшествие", "int"), Field("complaint", "Жалоба"), Field("lat", "Широта", "float"),
    Field("lon", "Долгота", "float"),
)
_MESSAGE_KEYS = ("id", "source", "external_id", "published_at", "text", "category", "category_label", "secondary",
                 "secondary_label", "settlement", "municipality", "region", "status", "status_label", "agency",
                 "incident_id", "is_complaint", "lat", "lon")
INCIDENT_FIELDS = (
    Field("id", "№", "int"), Field("category", "Код категории"), Field("cat_label", "Категория"),
    Field("settlement", "Населённый пункт"), Field("municipal", "Муниципалитет"), Field("status", "Код статуса"),
    Field("stat_label", "Статус"), Field("messages", "Сообщений", "int"), Field("first_seen", "Первое сообщение"),
    Field("last_seen", "Последнее сообщение"), Field("lat", "Широта центра", "float"),
    Field("lon", "Долгота центра", "float"),
)
AID_FIELDS = (
    Field("id", "№", "int"), Field("kind", "Код типа"), Field("kind_label", "Тип пункта"), Field("name", "Название"),
    Field("address", "Адрес"), Field("status", "Код статуса"), Field("stat_label", "Статус"),
    Field("hours", "Часы работы"), Field("notes", "Примечания"), Field("lat", "Широта", "float"),
    Field("lon", "Долгота", "float"),
)
CHOROPLETH_FIELDS = (
    Field("name", "Муниципалитет"), Field("region", "Регион"), Field("messages", "Сообщений", "int"),
    Field("population", "Население", "int"), Field("per_1000", "Сообщений на 1 000 жителей", "float"),
)


def _local(moment: datetime | None) -> str | None:
    return to_local(moment).isoformat(timespec="seconds") if moment else None


def messages_layer(store: Store, start: datetime | None = None, end: datetime | None = None) -> Layer:
    """Messages published in [start, end) as points (those without coordinates only in tables)."""
    return Layer("messages", "Сообщения", "Point", MESSAGE_FIELDS, _message_features(store, start, end),
                 label="cat_label", description="text")


def _message_features(store: Store, start: datetime | None, end: datetime | None) -> Iterator[Feature]:
    for row in message_rows(store, start, end):
        lat, lon = row["lat"], row["lon"]
        point = Point(float(lon), float(lat)) if lat is not None and lon is not None else None  # type: ignore[arg-type]
        values = tuple(row[key] for key in _MESSAGE_KEYS)
        yield Feature(point, values, categories.color(str(row["category"])))


def incidents_layer(store: Store, start: datetime | None = None, end: datetime | None = None) -> Layer:
    """Incidents seen in [start, end) as their extents (the hull of their messages' points, buffered)."""
    rows = incidents_in(store, MapWindow(start or FAR_PAST, end or FAR_FUTURE))
    return Layer("incidents", "Происшествия", "Polygon", INCIDENT_FIELDS, (_incident(r) for r in rows),
                 label="cat_label", description="settlement")


def _incident(row: IncidentRow) -> Feature:
    geometry = _polygon(row.extent)
    values = (row.id, row.category, categories.label(row.category), row.settlement, row.municipality, row.status,
              incident_status(row.status), row.message_count, _local(row.first_seen),
              _local(row.last_seen), row.lat, row.lon)
    return Feature(geometry, values, categories.color(row.category))


def _polygon(extent: dict | None) -> BaseGeometry | None:
    if not extent:
        return None
    try:
        geometry = shape(extent)
    except (ValueError, TypeError, AttributeError):
        return None
    return geometry if geometry.geom_type == "Polygon" and not geometry.is_empty else None


def aid_layer(rows: Sequence[AssistanceRow]) -> Layer:
    """Points of assistance (water delivery, warming, aid) coloured by kind."""
    return Layer("assistance", "Пункты помощи", "Point", AID_FIELDS, (_aid(r) for r in rows),
                 label="name", description="address")


def _aid(row: AssistanceRow) -> Feature:
    values = (row.id, row.kind, KINDS.get(row.kind, row.kind), row.name, row.address, row.status,
              STATUSES.get(row.status, row.status), row.hours, row.notes, row.lat, row.lon)
    return Feature(Point(row.lon, row.lat), values, KIND_COLORS.get(row.kind, KIND_COLORS["other"]))


def choropleth_layer(store: Store, pack: RegionPack, start: datetime | None = None,
                     end: datetime | None = None) -> Layer:
    """The pack's municipalities with their messages of [start, end), population and rate per 1,000."""
    values = choropleth(store, pack, MapWindow(start or FAR_PAST, end or FAR_FUTURE))
    top = max((v.per_1000 or 0.0 for v in values), default=0.0)
    features = (_municipality(m.geometry, v, top) for m, v in zip(pack.municipalities, values, strict=True))
    return Layer("choropleth", "Сообщения на 1 000 жителей", "MultiPolygon", CHOROPLETH_FIELDS, features,
                 label="name", description="region")


def _municipality(geometry: BaseGeometry, value: ChoroplethValue, top: float) -> Feature:
    polygons = MultiPolygon([geometry]) if geometry.geom_type == "Polygon" else geometry
    rate = round(value.per_1000, 3) if value.per_1000 is not None else None
    return Feature(polygons, (value.name, value.region, value.count, value.population, rate), rate_color(rate, top))


def rate_color(rate: float | None, top: float) -> str:
    """The map's class colour of a rate: five steps of the largest rate, grey where the population is unknown."""
    if rate is None:
        return NO_RATE_COLOR
    step = min(len(RATE_COLORS) - 1, int(rate / top * len(RATE_COLORS))) if top > 0 else 0
    return RATE_COLORS[step]


LAYER_FORMATS = ("gpkg", "kml", "kmz", "shp", "geojson", "csv", "xlsx")


def export_incidents(store: Store, fmt: str, path: str | Path, start: datetime | None = None,
                     end: datetime | None = None) -> int:
    """Incidents seen in [start, end) as ``fmt``; returns how many were written."""
    return export_layer(incidents_layer(store, start, end), fmt, path)


def export_choropleth(store: Store, pack: RegionPack | None, fmt: str, path: str | Path,
                      start: datetime | None = None, end: datetime | None = None) -> int:
    """Municipalities of ``pack`` with messages per 1,000 residents as ``fmt``; returns how many."""
    if pack is None:
        raise ValueError("нет пакета региона с границами муниципалитетов: загрузите его (--region-pack)")
    return export_layer(choropleth_layer(store, pack, start, end), fmt, path)


def export_aid(rows: Sequence[AssistanceRow], fmt: str, path: str | Path) -> int:
    """Points of assistance as ``fmt``; returns how many were written."""
    return export_layer(aid_layer(rows), fmt, path)
