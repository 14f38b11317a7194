"""Sub-commands of the map: ``selftest``; the global ``--region-pack`` option."""

from __future__ import annotations

import argparse

from app.cli import add_db_option


def register_global(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region-pack", metavar="PATH", default=None,
                        help="пакет региона: файл границ муниципалитетов (.geojson/.kml) или папка с ним; "
                             "население берётся из CSV рядом или из папки population/ (запоминается)")


def register(sub: argparse._SubParsersAction) -> None:
    selftest = sub.add_parser("selftest", help="проверка карты без экрана; JSON в последней строке")
    add_db_option(selftest)
    selftest.add_argument("--timeout", type=float, default=60.0, help="предел ожидания, с")
    selftest.add_argument("--open-popups", action="store_true",
                          help="открыть всплывающее окно и боковую панель каждого сообщения (до 500)")
    selftest.set_defaults(handler="widgets.selftest:run_selftest")
