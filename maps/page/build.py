"""The base map page, built once with folium; live data arrives later as JSON.

Public text never passes through folium: folium escapes nothing, so message
text, authors and addresses are pushed as JSON and put into the DOM with
``textContent`` by ``resources/web/static/opershtab_map.js``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from app.categories import CATEGORIES
from app.common.paths import BASEMAP_FILE as BASEMAP_NAME
from app.common.timeutil import local_zone
from app.region import GeodataMissingError, Region, basemap_available, region_bounds, region_outline, regions_near
from app.region.spatial import region_features
from maps.page import assets
from maps.page.script import script_json


class OfflineMap(folium.Map):
    default_js = assets.LEAFLET_JS
    default_css = assets.LEAFLET_CSS


class PageBridge(JSCSSMixin, MacroElement):
    """Hands the folium map to our page script once it exists; the message layer is ours (canvas)."""

    default_js: ClassVar = [
        ("qwebchannel", assets.QWEBCHANNEL_JS),
        *assets.HEAT_JS,
        *assets.POINTS_JS,
        ("opershtab_layers", assets.STATIC + "opershtab_layers.js"),
        ("opershtab_overlays", assets.STATIC + "opershtab_overlays.js"),  # imported layers, CAP warning areas
        ("opershtab_map", assets.STATIC + "opershtab_map.js"),
    ]
    default_css: ClassVar = [("opershtab_map_css", assets.STATIC + "opershtab_map.css")]
    _template = Template(
        "{% macro script(this, kwargs) %}"
        "opershtab.init({map: {{ this.map_name }}, config: {{ this.config_json }}});"
        "{% endmacro %}"
    )

    def __init__(self, map_name: str, config: dict) -> None:
        super().__init__()
        self._name = "PageBridge"
        self.map_name = map_name
        self.config_json = script_json(config)  # inlined into the page's <script>


CATEGORY_ICONS = {
    "power": "fa-bolt", "water": "fa-droplet", "heating": "fa-temperature-low", "gas": "fa-fire-flame-simple",
    "storm": "fa-wind", "flood": "fa-house-flood-water", "roads": "fa-road", "waste": "fa-trash",
    "health": "fa-kit-medical", "telecom": "fa-tower-cell", "other": "fa-circle-info",
}


RUSSIA_VIEW = ((62.0, 95.0), 3)  # the whole country: no region chosen, or the federal view


@dataclass(frozen=True)
class MapSpec:
    """What the base page shows before live data: region, view, basemap sources."""

    region_code: str = ""
    center: tuple[float, float] = RUSSIA_VIEW[0]
    zoom: int = RUSSIA_VIEW[1]
    basemap: bool = True  # coastline, rivers, settlements from resources/generated
    raster_maxzoom: int | None = None  # an MBTiles raster served as app://tiles/{z}/{x}/{y}.png
    online_tiles: str | None = None  # only when the user configured one explicitly


def zoom_for(bounds: tuple[float, float, float, float], width_px: int = 1000, height_px: int = 700) -> int:
    """The Leaflet zoom at which (south, west, north, east) fits a map of that size."""
    south, west, north, east = bounds
    lon_zoom = math.log2(360 * width_px / 256 / max(east - west, 0.01))
    mid = math.radians((south + north) / 2)
    lat_zoom = math.log2(360 * math.cos(mid) * height_px / 256 / max(north - south, 0.01))
    return max(2, min(12, math.floor(min(lon_zoom, lat_zoom))))


def spec_for(region: Region | None, **options: object) -> MapSpec:
    """The base page of a region: framed on its outline (or around its capital), the country without one."""
    if region is None:
        return MapSpec(**options)  # type: ignore[arg-type]
    bounds = region_bounds(region.code) or region.fallback_bounds()
    center = ((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2)
    return MapSpec(region.code, center, zoom_for(bounds), **options)  # type: ignore[arg-type]


def page_config(spec: MapSpec | None = None) -> dict:
    """Static page settings: category colours, labels, icons (ours, not public text), basemap sources."""
    spec = spec or MapSpec()
    config: dict = {"categories": {c.code: {"label": c.label, "color": c.color, "icon": CATEGORY_ICONS[c.code]}
                                   for c in CATEGORIES}, "timezone": local_zone().key}
    if spec.basemap and basemap_available():
        config["basemap"] = assets.GENERATED + BASEMAP_NAME
    if spec.raster_maxzoom is not None:
        config["raster"] = {"url": assets.TILES + "{z}/{x}/{y}.png", "maxzoom": spec.raster_maxzoom}
    elif spec.online_tiles:
        config["raster"] = {"url": spec.online_tiles, "maxzoom": 18}
    return config


def _outline_layer(region_code: str) -> folium.GeoJson:
    style = {"color": "#c0392b", "weight": 2.5, "fillColor": "#fdf6e3", "fillOpacity": 0.6}
    return folium.GeoJson(region_outline(region_code), name="Граница региона", style_function=lambda _f: style)


def _context_layer(region_code: str) -> folium.GeoJson:
    """Neighbouring federal subjects in grey, so the region is seen in place."""
    style = {"color": "#8a9199", "weight": 1, "fillColor": "#f4f4f0", "fillOpacity": 0.5}
    neighbours = regions_near(region_code, margin_degrees=3.0) if region_code else all_regions()
    return folium.GeoJson(neighbours, name="Соседние регионы", style_function=lambda _f: style, smooth_factor=2.0)


def all_regions() -> dict:
    """Every federal subject (the country view)."""
    try:
        return {"type": "FeatureCollection", "features": list(region_features())}
    except GeodataMissingError:
        return {"type": "FeatureCollection", "features": []}


def build_map(spec: MapSpec | None = None) -> folium.Map:
    """The folium map object with the region outline; messages come later onto our canvas layer."""
    spec = spec or MapSpec()
    # Without tiles folium omits maxZoom; the canvas layer and clicks on clusters need it.
    fmap = OfflineMap(location=spec.center, zoom_start=spec.zoom, tiles=None, control_scale=True,
                      prefer_canvas=True, maxZoom=18, minZoom=2)
    _context_layer(spec.region_code).add_to(fmap)
    _outline_layer(spec.region_code).add_to(fmap)
    PageBridge(fmap.get_name(), page_config(spec)).add_to(fmap)
    return fmap


def build_page(spec: MapSpec | None = None) -> str:
    """Complete HTML of the base page."""
    return build_map(spec).get_root().render()
