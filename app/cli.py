"""Command-line interface: the parser (no Qt); ``main.py`` dispatches the commands.

Each area registers its own sub-commands from a small ``app/cli_<area>.py``
module: ``register(sub)`` adds parsers whose ``handler`` default names the
function to run as "package.module:function" (resolved lazily, so parsers stay
free of Qt). An optional ``register_global(parser)`` adds options of the window.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
from collections.abc import Callable
from datetime import datetime
from typing import Any

from app import __version__
from app.timeutil import REGION_TZ

DESCRIPTION = "Оперштаб — ситуационная картина для оперативного штаба региона."
EXTENSIONS = (
    "app.cli_map", "app.cli_briefing", "app.cli_intake", "app.cli_text",
    "app.cli_analytics", "app.cli_sync", "app.cli_wall", "app.cli_package", "app.cli_assistance",
)


def local_hour(text: str) -> datetime:
    """'YYYY-MM-DD HH:00' in the region's local time → aware datetime."""
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=REGION_TZ)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"ожидается 'ГГГГ-ММ-ДД ЧЧ:00', получено {text!r}") from exc


def add_db_option(parser: argparse.ArgumentParser, sub: bool = True) -> None:
    """``--db URL``; on sub-commands SUPPRESS keeps a value given before the command name."""
    parser.add_argument("--db", metavar="URL", default=argparse.SUPPRESS if sub else None,
                        help="база данных (SQLAlchemy URL); по умолчанию SQLite в папке данных")


def _extensions() -> list[Any]:
    return [importlib.import_module(name) for name in EXTENSIONS if importlib.util.find_spec(name) is not None]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="opershtab", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_db_option(parser, sub=False)
    parser.add_argument("--demo", action="store_true", help="демонстрация: сценарий шторма в чистой базе demo.sqlite3")
    parser.add_argument("--scenario", choices=["storm"], help="проигрывать встроенный сценарий в базу")
    parser.add_argument("--speed", type=float, default=60.0, help="скорость сценария (60 = час за минуту)")
    parser.add_argument("--seed", type=int, default=2023, help="зерно сценария")
    parser.add_argument("--screenshot", metavar="FILE.png", help="сохранить снимок окна и выйти (с --exit-after)")
    parser.add_argument("--exit-after", type=float, metavar="SECONDS", help="закрыть окно через N секунд")
    parser.set_defaults(handler="widgets.commands:run_gui")
    sub = parser.add_subparsers(dest="command", metavar="КОМАНДА")
    for module in _extensions():
        if hasattr(module, "register_global"):
            module.register_global(parser)
        module.register(sub)
    return parser


def resolve_handler(spec: str) -> Callable[[argparse.Namespace], int]:
    """'package.module:function' → the function."""
    module_name, _, function = spec.partition(":")
    return getattr(importlib.import_module(module_name), function)  # type: ignore[no-any-return]
