"""Generated geodata as the views need it: one subject's outline, its neighbours, the basemap."""

from __future__ import annotations

from shapely.geometry import box, shape

from app.common.paths import BASEMAP_FILE, generated_dir
from app.region.spatial import GeodataMissingError, region_features

__all__ = ["GeodataMissingError", "basemap_available", "region_bounds", "region_centre", "region_outline",
           "regions_near"]


def region_outline(code: str) -> dict:
    """GeoJSON FeatureCollection with the one federal subject ``code`` (empty when setup has none)."""
    features = [f for f in region_features() if f["properties"]["code"] == code]
    return {"type": "FeatureCollection", "features": features}


def region_bounds(code: str) -> tuple[float, float, float, float] | None:
    """(south, west, north, east) of the subject's outline, or None when setup built none for it."""
    features = region_outline(code)["features"]
    if not features:
        return None
    minx, miny, maxx, maxy = shape(features[0]["geometry"]).bounds
    return miny, minx, maxy, maxx


def region_centre(code: str) -> tuple[float, float] | None:
    """(lat, lon) of a point inside the subject's outline (for labels and framing), None without one."""
    features = region_outline(code)["features"]
    if not features:
        return None
    lat, lon = features[0]["properties"]["centre"]
    return float(lat), float(lon)


def regions_near(code: str, margin_degrees: float) -> dict:
    """Other federal subjects whose shapes come within ``margin_degrees`` of region ``code``."""
    bounds = region_bounds(code)
    if bounds is None:
        return {"type": "FeatureCollection", "features": []}
    south, west, north, east = bounds
    area = box(west - margin_degrees, south - margin_degrees, east + margin_degrees, north + margin_degrees)
    features = [f for f in region_features()
                if f["properties"]["code"] != code and shape(f["geometry"]).intersects(area)]
    return {"type": "FeatureCollection", "features": features}


def basemap_available() -> bool:
    """Whether setup built the offline basemap (coastline, rivers, settlements)."""
    return (generated_dir() / BASEMAP_FILE).exists()
