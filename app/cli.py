"""Command-line interface: the parser (no Qt); ``main.py`` dispatches the commands."""

from __future__ import annotations

import argparse
from datetime import datetime

from app import __version__
from app.timeutil import REGION_TZ

DESCRIPTION = "Оперштаб — ситуационная картина для оперативного штаба региона."


def local_hour(text: str) -> datetime:
    """'YYYY-MM-DD HH:00' in the region's local time → aware datetime."""
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=REGION_TZ)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"ожидается 'ГГГГ-ММ-ДД ЧЧ:00', получено {text!r}") from exc


def _common(parser: argparse.ArgumentParser, sub: bool = True) -> None:
    # SUPPRESS keeps a subcommand from resetting a --db given before the command name.
    parser.add_argument("--db", metavar="URL", default=argparse.SUPPRESS if sub else None,
                        help="база данных (SQLAlchemy URL); по умолчанию SQLite в папке данных")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="opershtab", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _common(parser, sub=False)
    parser.add_argument("--demo", action="store_true", help="демонстрация: сценарий шторма в чистой базе demo.sqlite3")
    parser.add_argument("--scenario", choices=["storm"], help="проигрывать встроенный сценарий в базу")
    parser.add_argument("--speed", type=float, default=60.0, help="скорость сценария (60 = час за минуту)")
    parser.add_argument("--seed", type=int, default=2023, help="зерно сценария")
    parser.add_argument("--screenshot", metavar="FILE.png", help="сохранить снимок окна и выйти (с --exit-after)")
    parser.add_argument("--exit-after", type=float, metavar="SECONDS", help="закрыть окно через N секунд")
    sub = parser.add_subparsers(dest="command", metavar="КОМАНДА")
    selftest = sub.add_parser("selftest", help="проверка карты без экрана; JSON в последней строке")
    _common(selftest)
    selftest.add_argument("--timeout", type=float, default=60.0, help="предел ожидания, с")
    briefing = sub.add_parser("briefing", help="сформировать справку (PDF) из базы без окна")
    _common(briefing)
    briefing.add_argument("--out", required=True, metavar="DIR", help="папка для файлов справки")
    briefing.add_argument("--at", type=local_hour, metavar="'ГГГГ-ММ-ДД ЧЧ:00'",
                          help="конец часа справки (местное время); по умолчанию последний полный час данных")
    return parser
