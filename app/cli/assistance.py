"""``assistance export``: the points of assistance as GIS layers (GeoPackage, KML/KMZ, Shapefile, GeoJSON)
or the press service's offline map (HTML)."""

from __future__ import annotations

import argparse

from app.cli.common import add_core_options, add_create_option
from app.export import GIS_FORMATS

FORMATS = (*GIS_FORMATS, "html")


def register(sub: argparse._SubParsersAction) -> None:
    """``assistance export --format gpkg|kml|kmz|shp|geojson|html --out FILE [--db URL] [--title ...]``."""
    assistance = sub.add_parser("assistance", help="пункты помощи населению (подвоз воды, обогрев, помощь)")
    actions = assistance.add_subparsers(dest="assistance_action", metavar="ДЕЙСТВИЕ", required=True)
    export = actions.add_parser("export", help="выгрузить пункты помощи: слой ГИС или карта для публикации (HTML)")
    add_core_options(export)
    export.add_argument("--format", dest="fmt", choices=FORMATS, required=True,
                        help="gpkg, kml, kmz, shp, geojson — слой для ГИС и полевых групп; "
                             "html — автономная карта для пресс-службы")
    export.add_argument("--out", required=True, metavar="FILE", help="файл результата")
    export.add_argument("--title", default=None, help="заголовок карты (для html)")
    add_create_option(export)
    export.set_defaults(handler="gui:press-export")
