"""A small offline basemap for the press map (no Qt): region outline, neighbours, towns.

Geometry is simplified and rounded so the standalone HTML stays small; the
press map shows where a point is, not where a border runs to the metre.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import shapely
from shapely.geometry import box, mapping, shape

from app.common.paths import BASEMAP_FILE as BASEMAP_NAME
from app.common.paths import generated_dir
from app.ops.assistance import AssistanceRow
from app.region.geodata import GeodataMissingError, region_outline, regions_near

SIMPLIFY_DEGREES = 0.01  # ≈ 1 km: invisible at the zooms a regional map is read at
DECIMALS = 3  # ≈ 100 m
NEIGHBOUR_MARGIN = 2.0
TOWN_MIN_POPULATION = 50_000
Bounds = tuple[float, float, float, float]  # west, south, east, north


def _compact(geometry: dict, clip: Bounds | None = None) -> dict | None:
    geom = shape(geometry)
    if clip is not None:
        geom = geom.intersection(box(*clip))
    geom = geom.simplify(SIMPLIFY_DEGREES, preserve_topology=True)
    geom = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
    return None if geom.is_empty else mapping(geom)


def _collection(features: Sequence[dict], clip: Bounds | None = None) -> dict:
    out = []
    for feature in features:
        geometry = _compact(feature["geometry"], clip)
        if geometry is not None:
            out.append({"type": "Feature", "properties": {"name": feature["properties"].get("name", "")},
                        "geometry": geometry})
    return {"type": "FeatureCollection", "features": out}


def _padded(bounds: Bounds, margin: float) -> Bounds:
    west, south, east, north = bounds
    return west - margin, south - margin, east + margin, north + margin


@lru_cache(maxsize=1)
def _settlements() -> tuple[dict, ...]:
    path = generated_dir() / BASEMAP_NAME
    if not path.exists():
        return ()
    return tuple(json.loads(path.read_text(encoding="utf-8")).get("settlements", []))


def towns_within(bounds: Bounds, min_population: int = TOWN_MIN_POPULATION) -> list[dict]:
    """Towns of the generated basemap inside ``bounds`` with at least ``min_population`` residents."""
    west, south, east, north = bounds
    return [{"name": t["name"], "lat": t["lat"], "lon": t["lon"], "population": t["population"]}
            for t in _settlements()
            if west <= t["lon"] <= east and south <= t["lat"] <= north and t["population"] >= min_population]


def _points_bounds(points: Sequence[AssistanceRow]) -> Bounds | None:
    if not points:
        return None
    lons, lats = [p.lon for p in points], [p.lat for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def press_basemap(region_code: str, points: Sequence[AssistanceRow] = ()) -> dict:
    """Region, neighbours (clipped to the region's surroundings), towns and the bounds to show.

    Without generated geodata (setup not run) the map still works: points on a plain background.
    """
    try:
        outline = region_outline(region_code)
        neighbours = regions_near(region_code, margin_degrees=NEIGHBOUR_MARGIN)["features"]
    except (GeodataMissingError, KeyError):
        outline, neighbours = {"features": []}, []
    region_bounds = shape(outline["features"][0]["geometry"]).bounds if outline["features"] else None
    view = region_bounds or _points_bounds(points) or (36.5, 43.4, 41.8, 46.9)
    clip = _padded(view, NEIGHBOUR_MARGIN)
    return {"region": _collection(outline["features"]), "neighbours": _collection(neighbours, clip),
            "towns": towns_within(_padded(view, 0.2)), "bounds": [[view[1], view[0]], [view[3], view[2]]]}
