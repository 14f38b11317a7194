"""Sub-commands of the map: ``selftest``."""

from __future__ import annotations

import argparse

from app.cli import add_db_option


def register(sub: argparse._SubParsersAction) -> None:
    selftest = sub.add_parser("selftest", help="проверка карты без экрана; JSON в последней строке")
    add_db_option(selftest)
    selftest.add_argument("--timeout", type=float, default=60.0, help="предел ожидания, с")
    selftest.set_defaults(handler="widgets.commands:run_selftest")
