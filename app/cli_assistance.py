"""Sub-commands of the points of assistance: ``assistance export``."""

from __future__ import annotations

import argparse

from app.assistance_export import FORMATS
from app.cli import add_db_option


def register(sub: argparse._SubParsersAction) -> None:
    """``assistance export --format geojson|html --out FILE [--db URL] [--title ...] [--region CODE]``."""
    assistance = sub.add_parser("assistance", help="пункты помощи населению (подвоз воды, обогрев, помощь)")
    actions = assistance.add_subparsers(dest="assistance_action", metavar="ДЕЙСТВИЕ", required=True)
    export = actions.add_parser("export", help="выгрузить пункты помощи: GeoJSON или карта для публикации (HTML)")
    add_db_option(export)
    export.add_argument("--format", dest="fmt", choices=FORMATS, required=True,
                        help="geojson — данные; html — автономная карта для пресс-службы")
    export.add_argument("--out", required=True, metavar="FILE", help="файл результата")
    export.add_argument("--title", default=None, help="заголовок карты (для html)")
    export.add_argument("--region", default="RU-KDA", metavar="КОД",
                        help="код субъекта ISO 3166-2 для подложки карты (по умолчанию RU-KDA)")
    export.set_defaults(handler="maps.press_export:run_export_command")
