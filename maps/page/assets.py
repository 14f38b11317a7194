"""Local URLs for every web asset the pages use; nothing points at a CDN.

The ``app://`` scheme handler serves these hosts:
``assets`` (npm packages from resources/web/node_modules), ``static`` (our own
JS/CSS in resources/web/static), ``folium`` (files shipped in folium's wheel)
and ``pages`` (generated HTML held in memory).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from app.common.paths import generated_dir, resources_dir, web_modules_dir

SCHEME = "app"
ASSETS = f"{SCHEME}://assets/"
STATIC = f"{SCHEME}://static/"
FOLIUM = f"{SCHEME}://folium/"
PAGES = f"{SCHEME}://pages/"
GENERATED = f"{SCHEME}://generated/"
TILES = f"{SCHEME}://tiles/"

# folium's defaults trimmed to what the page uses: no jQuery, Bootstrap JS or AwesomeMarkers (icons are
# drawn on our canvas; every script parsed delays the page's first frame). Bootstrap's CSS stays for the
# look of popups and legends, Font Awesome for the category icons.
LEAFLET_JS = [("leaflet", ASSETS + "leaflet/dist/leaflet.js")]
LEAFLET_CSS = [
    ("leaflet_css", ASSETS + "leaflet/dist/leaflet.css"),
    ("bootstrap_css", ASSETS + "bootstrap/dist/css/bootstrap.min.css"),
    ("awesome_markers_font_css", ASSETS + "@fortawesome/fontawesome-free/css/all.min.css"),
]
# supercluster's bundle carries kdbush; the index script also runs in the page's worker.
POINTS_JS = [
    ("supercluster", ASSETS + "supercluster/dist/supercluster.min.js"),
    ("opershtab_index", STATIC + "opershtab_index.js"),
    ("opershtab_rows", STATIC + "opershtab_rows.js"),
    ("opershtab_store", STATIC + "opershtab_store.js"),
    ("opershtab_builder", STATIC + "opershtab_builder.js"),
    ("opershtab_frame", STATIC + "opershtab_frame.js"),
    ("opershtab_canvas", STATIC + "opershtab_canvas.js"),
    ("opershtab_popups", STATIC + "opershtab_popups.js"),
    ("opershtab_basemap", STATIC + "opershtab_basemap.js"),
]
# The markercluster page survives only as bench/bench_map.py's same-run baseline.
MARKERCLUSTER_JS = [("markerclusterjs", ASSETS + "leaflet.markercluster/dist/leaflet.markercluster.js")]
MARKERCLUSTER_CSS = [
    ("markerclustercss", ASSETS + "leaflet.markercluster/dist/MarkerCluster.css"),
    ("markerclusterdefaultcss", ASSETS + "leaflet.markercluster/dist/MarkerCluster.Default.css"),
]
HEAT_JS = [("leaflet-heat.js", FOLIUM + "leaflet_heat.min.js")]
QWEBCHANNEL_JS = "qrc:///qtwebchannel/qwebchannel.js"


def static_dir() -> Path:
    return resources_dir() / "web" / "static"


def folium_dir() -> Path:
    """folium's shipped files, found without importing folium (its import costs start-up time)."""
    spec = importlib.util.find_spec("folium")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("folium")
    return Path(spec.origin).resolve().parent / "templates"


def roots() -> dict[str, Path]:
    """Host name of an ``app://`` URL → the directory it serves from."""
    return {"assets": web_modules_dir(), "static": static_dir(), "folium": folium_dir(), "generated": generated_dir()}


def resolve(host: str, path: str) -> Path | None:
    """File behind ``app://host/path``, or None when outside the served roots."""
    root = roots().get(host)
    if root is None:
        return None
    candidate = (root / path.lstrip("/")).resolve()
    if not candidate.is_relative_to(root.resolve()) or not candidate.is_file():
        return None
    return candidate
