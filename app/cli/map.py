"""``selftest``: the offline map, the briefing and the database checked without a screen."""

from __future__ import annotations

import argparse

from app.cli.common import add_core_options


def register(sub: argparse._SubParsersAction) -> None:
    selftest = sub.add_parser("selftest", help="проверка карты без экрана; JSON в последней строке")
    add_core_options(selftest)
    selftest.add_argument("--timeout", type=float, default=60.0, help="предел ожидания, с")
    selftest.add_argument("--open-popups", action="store_true",
                          help="открыть всплывающее окно и боковую панель каждого сообщения (до 500)")
    selftest.set_defaults(handler="gui:selftest")
