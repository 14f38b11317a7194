"""``briefing``: the hourly briefing (PDF, DOCX) from the database, without a window."""

from __future__ import annotations

import argparse

from app.cli.common import add_core_options, add_create_option, local_hour


def register(sub: argparse._SubParsersAction) -> None:
    """``briefing [--at 'YYYY-MM-DD HH:00'] [--db URL] --format pdf,docx --out DIR``."""
    briefing = sub.add_parser("briefing", help="сформировать часовую справку (PDF, DOCX) из базы без окна")
    add_core_options(briefing)
    briefing.add_argument("--out", required=True, metavar="DIR", help="папка для файлов справки")
    briefing.add_argument("--at", type=local_hour, metavar="'ГГГГ-ММ-ДД ЧЧ:00'",
                          help="конец часа справки (местное время); по умолчанию последний полный час данных")
    briefing.add_argument("--format", default="pdf,docx", metavar="pdf,docx",
                          help="форматы через запятую (по умолчанию pdf,docx)")
    add_create_option(briefing)
    briefing.set_defaults(handler="gui:briefing")
