"""GeoJSON FeatureCollection: properties are the columns, the geometry gives the coordinates."""

from __future__ import annotations

from collections.abc import Mapping

from shapely.geometry import shape

from app.intake.files.table import SourceRow, Table, file_rejection, headers_of, json_raw
from app.intake.validate import Rejection

LAT_KEY, LON_KEY = "geometry_lat", "geometry_lon"


def is_feature_collection(document: object) -> bool:
    return isinstance(document, Mapping) and document.get("type") == "FeatureCollection"


def read_geojson(document: Mapping[str, object], source: str) -> Table:
    """Rows of the features; non-point geometries give their centroid."""
    features = document.get("features")
    if not isinstance(features, list):
        rejection = file_rejection(source, "файл", "в FeatureCollection нет списка features", json_raw(document))
        return Table("geojson", source, (), [rejection])
    rows = [_feature(f, f"объект {i}", source) for i, f in enumerate(features, start=1)]
    return Table("geojson", source, headers_of(rows), rows)


def _feature(feature: object, location: str, source: str) -> SourceRow | Rejection:
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
