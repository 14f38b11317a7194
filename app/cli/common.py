"""Options every command shares and the way each opens the core with them."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from app.core import Core, open_core
from app.sync.seats import Seat


def add_core_options(parser: argparse.ArgumentParser, sub: bool = True) -> None:
    """``--db``, ``--region``, ``--region-pack`` (on sub-commands a value given before the command stays)."""
    default = argparse.SUPPRESS if sub else None
    parser.add_argument("--db", metavar="URL", default=default,
                        help="база данных (SQLAlchemy URL); по умолчанию SQLite в папке данных")
    parser.add_argument("--region", metavar="КОД", default=default,
                        help="регион (код субъекта ISO 3166-2, например RU-SA); по умолчанию из настроек")
    parser.add_argument("--region-pack", metavar="PATH", default=default,
                        help="пакет региона: файл границ (.geojson/.kml) или папка с ними и population/ "
                             "(запоминается); по умолчанию запомненный")


def add_create_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--create", action="store_true", help="создать базу SQLite, если её нет")


def core_from(args: argparse.Namespace, create: bool = True, seat: Seat | None = None) -> Core:
    """The core for a command's ``--db``, ``--region`` and ``--region-pack``.

    ``create=False`` (commands that only read) refuses a ``--db`` SQLite file that does not
    exist unless ``--create`` is given; the default data-directory database is always made.
    """
    url = getattr(args, "db", None)
    return open_core(url, region=getattr(args, "region", None), region_pack=getattr(args, "region_pack", None),
                     create=create or getattr(args, "create", False) or not url, seat=seat)


def fail(text: str, code: int = 2) -> int:
    """Print one Russian line for the user on stderr; returns ``code``."""
    print(f"Ошибка: {text}", file=sys.stderr)
    return code


def local_hour(text: str) -> datetime:
    """'YYYY-MM-DD HH:00' as a naive local time (the region's zone applies once the core is open)."""
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"ожидается 'ГГГГ-ММ-ДД ЧЧ:00', получено {text!r}") from exc
