"""Sub-commands of the briefing: ``briefing``."""

from __future__ import annotations

import argparse

from app.cli import add_db_option, local_hour


def register(sub: argparse._SubParsersAction) -> None:
    briefing = sub.add_parser("briefing", help="сформировать справку (PDF) из базы без окна")
    add_db_option(briefing)
    briefing.add_argument("--out", required=True, metavar="DIR", help="папка для файлов справки")
    briefing.add_argument("--at", type=local_hour, metavar="'ГГГГ-ММ-ДД ЧЧ:00'",
                          help="конец часа справки (местное время); по умолчанию последний полный час данных")
    briefing.set_defaults(handler="widgets.commands:run_briefing")
