"""GeoJSON FeatureCollection: properties are the columns, the geometry gives the coordinates."""

from __future__ import annotations

from collections.abc import Mapping

from shapely.geometry import shape

from app.intake.files.table import SourceRow, file_rejection, json_raw
from app.intake.jsonpage import BadItem
from app.intake.validate import Rejection

LAT_KEY, LON_KEY = "geometry_lat", "geometry_lon"


def feature_row(feature: object, location: str, source: str) -> SourceRow | Rejection:
    """A Feature's properties as the row's columns, its point (or its geometry's centroid) as lat/lon."""
    if isinstance(feature, BadItem):
        return file_rejection(source, location, feature.reason, feature.raw)
    raw = json_raw(feature)
    if not isinstance(feature, Mapping):
        return file_rejection(source, location, "объект GeoJSON не является Feature", raw)
    properties = feature.get("properties") or {}
    if not isinstance(properties, Mapping):
        return file_rejection(source, location, "свойства (properties) объекта не являются объектом", raw)
    values = {str(k): v for k, v in properties.items()}
    geometry = feature.get("geometry")
    if geometry is not None:
        point = _point(geometry)
        if point is None:
            return file_rejection(source, location, "неверная геометрия объекта", raw)
        values[LON_KEY], values[LAT_KEY] = point
    return SourceRow(location, raw, values)


def _point(geometry: object) -> tuple[float, float] | None:
    try:
        centre = shape(geometry).centroid  # type: ignore[arg-type]
        if centre.is_empty:
            return None
        return float(centre.x), float(centre.y)
    except Exception:
        return None
