"""Layer data as the JSON the page script takes (no Qt): filter, incidents, choropleth, assistance."""

from __future__ import annotations

from collections.abc import Sequence

from app.ops.assistance import AssistanceRow, to_feature
from app.queries.map import ChoroplethValue, IncidentRow, MapWindow, choropleth_json
from app.region.packs import RegionPack
from maps.page.script import script_json as _js

LAYER_NAMES = ("messages", "heat", "incidents", "choropleth", "assistance", "basemap", "settlements", "raster")


def filter_json(window: MapWindow | None) -> str:
    if window is None:
        return _js({"start": None, "end": None, "categories": []})
    return _js({"start": int(window.start.timestamp() * 1000), "end": int(window.end.timestamp() * 1000),
                "categories": sorted(window.categories)})


def incidents_json(rows: Sequence[IncidentRow]) -> str:
    items = [{"id": r.id, "category": r.category, "lat": r.lat, "lon": r.lon, "extent": r.extent,
              "count": r.message_count, "place": r.settlement or r.municipality or ""}
             for r in rows if r.extent is not None or (r.lat is not None and r.lon is not None)]
    return _js(items)


def pack_json(pack: RegionPack) -> str:
    return _js(pack.geojson())


def choropleth_values_json(values: Sequence[ChoroplethValue]) -> str:
    return _js(choropleth_json(values))


def assistance_json(rows: Sequence[AssistanceRow]) -> str:
    return _js({"type": "FeatureCollection", "features": [to_feature(r) for r in rows]})
