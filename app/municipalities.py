"""Municipality and federal subject of a point, with shapely STRtree indexes.

Region packs (see DESIGN.md) ship municipal boundaries as GeoJSON with a
``district`` property per feature, one file per region
(``krasnodar_krai_municipalities.geojson`` …). The regions of Russia come from
resources/generated/regions_ru.geojson (built at setup by app.geobuild).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from app.geobuild import OUTPUT_NAME as REGIONS_FILE
from app.paths import generated_dir

# File-name stem of a region pack's boundary file → official federal subject name.
PACK_REGIONS: dict[str, str] = {
    "krasnodar_krai": "Краснодарский край",
    "rostov_oblast": "Ростовская область",
    "crimea": "Республика Крым",
    "sevastopol": "Севастополь",
    "volgograd_oblast": "Волгоградская область",
}
NEAREST_DEGREES = 0.02  # coastal points a little off the simplified shore still count


class RegionPackError(ValueError):
    """A region pack file cannot be used; the message says why."""


class MunicipalityIndex:
    """Named polygons of one region, queried by point (municipal units or regions)."""

    def __init__(self, names: list[str], geometries: list[BaseGeometry], region: str | None) -> None:
        self.names = names
        self.geometries = geometries
        self.region = region
        self._tree = STRtree(geometries)

    @classmethod
    def from_geojson(cls, path: Path | str, region: str | None = None, key: str = "district") -> MunicipalityIndex:
        """Read polygons named by property ``key`` from a GeoJSON FeatureCollection."""
        path = Path(path)
        try:
            features = json.loads(path.read_text(encoding="utf-8"))["features"]
            names = [str(f["properties"][key]) for f in features]
            geometries = [shape(f["geometry"]) for f in features]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RegionPackError(f"{path}: не удалось прочитать границы ({exc})") from exc
        if not names:
            raise RegionPackError(f"{path}: в файле нет ни одной границы")
        return cls(names, geometries, region)

    def locate(self, lat: float, lon: float) -> str | None:
        """Name of the polygon holding the point (nearest within a small margin), else None."""
        point = Point(lon, lat)
        hits = self._tree.query(point, predicate="intersects")
        if len(hits):
            return self.names[int(min(hits))]
        nearest = int(self._tree.nearest(point))
        return self.names[nearest] if self.geometries[nearest].distance(point) <= NEAREST_DEGREES else None


def region_of_file(path: Path) -> str | None:
    """The federal subject a boundary file belongs to, from its name."""
    return next((name for stem, name in PACK_REGIONS.items() if path.name.startswith(stem)), None)


def load_region_pack(path: Path | str) -> list[MunicipalityIndex]:
    """Boundary indexes from a pack directory (its ``boundaries/`` or itself) or a single file."""
    path = Path(path)
    if path.is_dir():
        folder = path / "boundaries" if (path / "boundaries").is_dir() else path
        files = sorted(folder.glob("*.geojson"))
    else:
        files = [path]
    if not files or not all(f.exists() for f in files):
        raise RegionPackError(f"{path}: нет файлов границ *.geojson")
    return [MunicipalityIndex.from_geojson(f, region_of_file(f)) for f in files]


def locate_in(indexes: list[MunicipalityIndex], lat: float, lon: float) -> tuple[str | None, str | None]:
    """(municipality, region) of a point from the first pack index that holds it."""
    for index in indexes:
        name = index.locate(lat, lon)
        if name is not None:
            return name, index.region
    return None, None


@lru_cache(maxsize=1)
def region_index() -> MunicipalityIndex:
    """Federal subjects of Russia from the generated regions file."""
    path = generated_dir() / REGIONS_FILE
    if not path.exists():
        raise RegionPackError(f"{path} is missing: run `make setup` (python -m app.geobuild)")
    return MunicipalityIndex.from_geojson(path, None, key="name")
