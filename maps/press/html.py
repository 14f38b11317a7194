"""The press map: one self-contained offline HTML file with the points of assistance (no Qt).

A press service publishes the file as it is, so it must load nothing from
anywhere: Leaflet's JS and CSS are inlined, markers are CSS-drawn ``divIcon``s
(Leaflet's default marker images would be URLs), a Content-Security-Policy
forbids every network load. Names, addresses, hours and notes are public
text: they travel only as JSON inside ``<script type="application/json">``
and the page script puts them into the DOM with ``textContent``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from app.common.paths import web_modules_dir
from app.common.templates import template_environment
from app.common.timeutil import to_local
from app.ops.assistance import KINDS, STATUSES, AssistanceRow
from app.ops.assistance_export import export_html, points_phrase
from maps.page.assets import static_dir
from maps.page.script import script_json
from maps.press.basemap import press_basemap

TEMPLATE = "press_map.html.j2"
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"
DEFAULT_TITLE = "Пункты помощи населению"
KIND_COLORS = {"water": "#1f78b4", "warming": "#d95f02", "aid": "#1a9850", "charging": "#7b3294",
               "other": "#555555"}
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_URL = re.compile(r"url\([^)]*\)")


def json_block(value: object) -> Markup:
    """JSON safe inside a ``<script>`` element: no ``</script``, no ``<!--``, no markup at all.

    ``<``, ``>`` and ``&`` can only occur inside JSON strings, where ``\\u003c`` means the same.
    """
    return Markup(script_json(value, ascii_only=False, compact=True))


def _inline(text: str) -> Markup:
    """Our own script or style text, checked to be unable to close its element early."""
    if re.search(r"</script|</style|<!--", text, re.I):
        raise ValueError("text cannot be inlined safely")
    return Markup(text)


@lru_cache(maxsize=1)
def leaflet_js() -> str:
    """Leaflet without its source-map comment and without its one link to the web (the attribution)."""
    text = (web_modules_dir() / "leaflet" / "dist" / "leaflet.js").read_text(encoding="utf-8")
    text = re.sub(r"^//# sourceMappingURL=.*$", "", text, flags=re.M)
    return text.replace("https://leafletjs.com", "leafletjs.com")


@lru_cache(maxsize=1)
def leaflet_css() -> str:
    """Leaflet's CSS without comments (they hold bug-tracker URLs) and without ``url()`` images."""
    text = (web_modules_dir() / "leaflet" / "dist" / "leaflet.css").read_text(encoding="utf-8")
    return _CSS_URL.sub("none", _CSS_COMMENT.sub("", text))


def _static(name: str) -> str:
    return (static_dir() / name).read_text(encoding="utf-8")


def _point(row: AssistanceRow) -> dict:
    return {**asdict(row), "kind_label": KINDS.get(row.kind, row.kind),
            "status_label": STATUSES.get(row.status, row.status)}


def page_config() -> dict:
    """Labels and colours of kinds and statuses (ours, not public text)."""
    return {"kinds": {code: {"label": label, "color": KIND_COLORS[code]} for code, label in KINDS.items()},
            "statuses": dict(STATUSES)}


def press_html(points: Sequence[AssistanceRow], title: str, generated_at: datetime,
               region_code: str = "") -> str:
    """The complete standalone HTML page: map, legend and the list of ``points``."""
    context = {
        "csp": Markup(CSP), "title": title.strip() or DEFAULT_TITLE, "count_label": points_phrase(len(points)),
        "stamp": to_local(generated_at).strftime("%H:%M %d.%m.%Y"),
        "leaflet_css": _inline(leaflet_css()), "press_css": _inline(_static("opershtab_press.css")),
        "leaflet_js": _inline(leaflet_js()), "press_js": _inline(_static("opershtab_press.js")),
        "points_json": json_block([_point(p) for p in points]), "config_json": json_block(page_config()),
        "basemap_json": json_block(press_basemap(region_code, points)),
    }
    return template_environment(user_templates=False).get_template(TEMPLATE).render(**context)


def write_press_html(points: Sequence[AssistanceRow], path: str | Path, title: str, generated_at: datetime,
                     region_code: str = "") -> Path:
    """Build the press map and write it atomically; returns the path."""
    return export_html(press_html(points, title, generated_at, region_code), path)
