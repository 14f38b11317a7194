"""The federal view out: federal subjects with their messages, population and rate per 1,000 as a layer."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from shapely.geometry import MultiPolygon, shape
from shapely.geometry.base import BaseGeometry

from app.analytics.regions import RegionRow, region_table
from app.export.gis import Feature, Field, Layer, export_layer
from app.export.layers import FAR_FUTURE, FAR_PAST, rate_color
from app.region import region_outline
from app.region.packs import RegionPack
from app.store import Store

REGION_FIELDS = (
    Field("code", "Код субъекта"), Field("name", "Субъект"), Field("messages", "Сообщений", "int"),
    Field("population", "Население", "int"), Field("per_1000", "Сообщений на 1 000 жителей", "float"),
    Field("last", "Последнее сообщение (местное время)"), Field("zone", "Часовой пояс"),
)


def regions_layer(store: Store, pack: RegionPack | None = None, start: datetime | None = None,
                  end: datetime | None = None) -> Layer:
    """Each subject with messages in [start, end) as its outline (unplaced messages: a row without one)."""
    rows = region_table(store, start or FAR_PAST, end or FAR_FUTURE, pack)
    top = max((r.per_1000 or 0.0 for r in rows), default=0.0)
    return Layer("regions", "Сообщения по субъектам", "MultiPolygon", REGION_FIELDS,
                 (_feature(r, top) for r in rows), label="name", description="messages")


def _feature(row: RegionRow, top: float) -> Feature:
    rate = round(row.per_1000, 3) if row.per_1000 is not None else None
    last = row.last_at.isoformat(timespec="seconds") if row.last_at else None
    values = (row.code, row.name, row.count, row.population, rate, last, row.zone)
    return Feature(_outline(row.code), values, rate_color(rate, top))


def _outline(code: str | None) -> BaseGeometry | None:
    features = region_outline(code)["features"] if code else []
    if not features:
        return None
    geometry = shape(features[0]["geometry"])
    return MultiPolygon([geometry]) if geometry.geom_type == "Polygon" else geometry


def export_regions(store: Store, pack: RegionPack | None, fmt: str, path: str | Path,
                   start: datetime | None = None, end: datetime | None = None) -> int:
    """Subjects with messages as ``fmt`` (table or GIS layer); returns how many were written."""
    return export_layer(regions_layer(store, pack, start, end), fmt, path)
