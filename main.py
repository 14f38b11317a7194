"""Оперштаб entry point: parse the command line and hand over to the command.

Commands that need Qt are named ``gui:<name>`` by the Qt-free parser (``app.cli``);
this table is the one place that knows which widget or map module runs them.
"""

from __future__ import annotations

import sys

GUI_COMMANDS = {
    "gui:window": "widgets.shell.commands:run_gui",
    "gui:selftest": "widgets.selftest.selftest:run_selftest",
    "gui:briefing": "widgets.briefing.headless:run_briefing_command",
    "gui:press-export": "maps.press.export:run_export_command",
}


def main(argv: list[str] | None = None) -> int:
    from app.cli import build_parser, resolve_handler, run

    args = build_parser().parse_args(argv)
    return run(resolve_handler(GUI_COMMANDS.get(args.handler, args.handler)), args)


if __name__ == "__main__":
    # Return from main first so every Qt object is gone before the interpreter exits.
    sys.exit(main())
