"""Command-line interface: the parser (no Qt) and the run wrapper; ``main.py`` dispatches.

Each area registers its own sub-commands from a small module: ``register(sub)``
adds parsers whose ``handler`` default names the function to run as
"package.module:function" (resolved lazily). Commands that need Qt say
``gui:<name>``; ``main.py`` maps those. Every command takes ``--db``, ``--region``
and ``--region-pack`` and opens the one core with them (``core_from``).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable
from typing import Any

from app import __version__
from app.cli.common import add_core_options, fail
from app.common.files import OutputError, os_reason
from app.common.paths import data_dir
from app.core import CoreOpenError
from app.demo import scenario_names

DESCRIPTION = "Оперштаб — ситуационная картина для оперативного штаба региона."
EXTENSIONS = (
    "app.cli.map", "app.cli.briefing", "app.cli.intake", "app.cli.text", "app.cli.analytics", "app.cli.sync",
    "app.cli.wall", "app.cli.assistance", "app.cli.settings",
)
Handler = Callable[[argparse.Namespace], int]
log = logging.getLogger("opershtab")


class RussianHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "использование: " if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """argparse with its own messages in Russian and one line per error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", RussianHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title, self._optionals.title = "параметры", "ключи"
        self.add_argument("-h", "--help", action="help", help="показать эту справку и выйти")

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: ошибка в параметрах: {_russian(message)}\n")


_ARGPARSE_RU = (("the following arguments are required", "не указаны обязательные параметры"),
                ("unrecognized arguments", "неизвестные параметры"), ("invalid choice", "недопустимое значение"),
                ("expected one argument", "ожидается одно значение"), ("argument ", "параметр "),
                ("invalid float value", "не число"), ("invalid int value", "не целое число"),
                ("choose from", "допустимо"))


def _russian(message: str) -> str:
    for english, russian in _ARGPARSE_RU:
        message = message.replace(english, russian)
    return message


def _extensions() -> list[Any]:
    return [importlib.import_module(name) for name in EXTENSIONS]


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="opershtab", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help="показать версию программы и выйти")
    add_core_options(parser, sub=False)
    parser.add_argument("--demo", action="store_true", help="демонстрация в чистой базе demo.sqlite3")
    parser.add_argument("--scenario", default=None, metavar="НАЗВАНИЕ", choices=scenario_names(),
                        help="сценарий демонстрации (без --demo: проигрывать его в указанную базу)")
    parser.add_argument("--speed", type=float, default=60.0, help="скорость сценария (60 = час за минуту)")
    parser.add_argument("--seed", type=int, default=2023, help="зерно сценария")
    parser.add_argument("--screenshot", metavar="FILE.png", help="сохранить снимок окна и выйти (с --exit-after)")
    parser.add_argument("--exit-after", type=float, metavar="SECONDS", help="закрыть окно через N секунд")
    parser.set_defaults(handler="gui:window")
    sub = parser.add_subparsers(dest="command", metavar="КОМАНДА", parser_class=Parser)
    for module in _extensions():
        if hasattr(module, "register_global"):
            module.register_global(parser)
        module.register(sub)
    return parser


def resolve_handler(spec: str) -> Handler:
    """'package.module:function' → the function (``main.py`` maps the ``gui:`` commands first)."""
    module_name, _, function = spec.partition(":")
    return getattr(importlib.import_module(module_name), function)  # type: ignore[no-any-return]


def run(handler: Handler, args: argparse.Namespace) -> int:
    """Run a command: a user's mistake is one Russian line and a non-zero code, never a traceback."""
    try:
        return handler(args)
    except CoreOpenError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return fail("Прервано пользователем", 130)
    except OutputError as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(_os_error(exc))
    except Exception as exc:
        return fail(f"Внутренняя ошибка ({type(exc).__name__}); подробности записаны в {_log_crash()}")


def _os_error(exc: OSError) -> str:
    where = f": {exc.filename}" if exc.filename else ""
    if exc.errno == 28:
        return f"Нет места на диске{where}; прежние файлы не изменены"
    return f"Ошибка файла{where}: {os_reason(exc)}"


def _log_crash() -> str:
    path = data_dir() / "opershtab-errors.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    log.addHandler(handler)
    log.exception("command failed: %s", " ".join(sys.argv))
    log.removeHandler(handler)
    handler.close()
    return str(path)
