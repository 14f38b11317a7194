"""One point-in-polygon rule for the whole product (shapely STRtree).

A point belongs to the polygon holding it; a point just off a simplified coast
(within ``MARGIN_DEGREES``) belongs to the nearest polygon. Intake, the map, the
choropleth, analytics and the briefing all use this index (directly, or through
the municipality intake stored with each message), so they can never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from app.common.paths import REGIONS_FILE, generated_dir

MARGIN_DEGREES = 0.02  # ~2 km: coastal points a little off the simplified shore still count
# Natural Earth's subject outlines are coarse on coasts and estuaries (Anadyr lies 0.03° off its own).
SUBJECT_MARGIN_DEGREES = 0.1
# The subjects' outlines keep Chukotka east of 180° as longitudes above 180 (app/region/build.py).
ANTIMERIDIAN_WEST = -168.0


class GeodataMissingError(RuntimeError):
    """The setup step that builds geodata has not run."""


class PolygonIndex:
    """Named polygons queried by point; the first name wins where polygons overlap."""

    def __init__(self, names: Sequence[str], geometries: Sequence[BaseGeometry],
                 margin: float = MARGIN_DEGREES) -> None:
        self.names = list(names)
        self.geometries = list(geometries)
        self.margin = margin
        self._tree = STRtree(self.geometries)

    def locate_index(self, lat: float, lon: float) -> int | None:
        """Position of the polygon holding the point (or nearest within the margin)."""
        if not self.geometries:
            return None
        point = Point(lon, lat)
        hits = self._tree.query(point, predicate="intersects")
        if len(hits):
            return int(min(hits))
        nearest = int(self._tree.nearest(point))
        return nearest if self.geometries[nearest].distance(point) <= self.margin else None

    def locate(self, lat: float, lon: float) -> str | None:
        """Name of the polygon holding the point, else None."""
        found = self.locate_index(lat, lon)
        return None if found is None else self.names[found]

    def locate_many(self, coords: Sequence[tuple[float, float]]) -> list[int | None]:
        """``locate_index`` for many (lat, lon) points at once (vectorised hit test)."""
        if not coords or not self.geometries:
            return [None] * len(coords)
        array = np.asarray(coords, dtype=float)
        points = shapely.points(array[:, 1], array[:, 0])
        point_index, shape_index = self._tree.query(points, predicate="intersects")
        found: list[int | None] = [None] * len(coords)
        for p, s in zip(point_index.tolist(), shape_index.tolist(), strict=True):
            if found[p] is None or s < found[p]:  # type: ignore[operator]
                found[p] = s
        for p, value in enumerate(found):
            if value is None:
                found[p] = self.locate_index(*coords[p])
        return found


@lru_cache(maxsize=1)
def region_features() -> tuple[dict, ...]:
    """Federal subjects from the file built at setup (``code``, ``name`` properties)."""
    path = generated_dir() / REGIONS_FILE
    if not path.exists():
        raise GeodataMissingError(f"{path} отсутствует: выполните `make setup` (python -m app.region.build)")
    return tuple(json.loads(path.read_text(encoding="utf-8"))["features"])


@lru_cache(maxsize=1)
def region_index() -> PolygonIndex:
    """Federal subjects of Russia by point; names are the centres' names."""
    features = region_features()
    return PolygonIndex([f["properties"]["name"] for f in features], [shape(f["geometry"]) for f in features],
                        SUBJECT_MARGIN_DEGREES)


@lru_cache(maxsize=65_536)  # settlements' points repeat message after message
def region_of_point(lat: float, lon: float) -> str | None:
    """The federal subject holding the point, or None (abroad, at sea, or no geodata)."""
    try:
        return region_index().locate(lat, lon + 360 if lon < ANTIMERIDIAN_WEST else lon)
    except GeodataMissingError:
        return None
