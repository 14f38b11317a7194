"""Generated geodata as the views need it."""

from __future__ import annotations

import json
from functools import lru_cache

from shapely.geometry import box, shape

from app.geobuild import BASEMAP_NAME, OUTPUT_NAME
from app.paths import generated_dir


class GeodataMissingError(RuntimeError):
    """The setup step that builds geodata has not run."""


@lru_cache(maxsize=1)
def regions() -> dict:
    path = generated_dir() / OUTPUT_NAME
    if not path.exists():
        raise GeodataMissingError(f"{path} is missing: run `make setup` (python -m app.geobuild)")
    return json.loads(path.read_text(encoding="utf-8"))


def region_outline(code: str) -> dict:
    """GeoJSON FeatureCollection with the one federal subject ``code`` (e.g. RU-KDA)."""
    features = [f for f in regions()["features"] if f["properties"]["code"] == code]
    if not features:
        raise KeyError(f"unknown region code {code!r}")
    return {"type": "FeatureCollection", "features": features}


def regions_near(code: str, margin_degrees: float) -> dict:
    """Other federal subjects whose shapes come within ``margin_degrees`` of region ``code``."""
    target = shape(region_outline(code)["features"][0]["geometry"])
    minx, miny, maxx, maxy = target.bounds
    area = box(minx - margin_degrees, miny - margin_degrees, maxx + margin_degrees, maxy + margin_degrees)
    features = [
        f for f in regions()["features"]
        if f["properties"]["code"] != code and shape(f["geometry"]).intersects(area)
    ]
    return {"type": "FeatureCollection", "features": features}


def basemap_available() -> bool:
    """Whether setup built the offline basemap (coastline, rivers, settlements)."""
    return (generated_dir() / BASEMAP_NAME).exists()
