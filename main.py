"""Оперштаб entry point: parse the command line and hand over to the command."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from app.cli import build_parser, resolve_handler

    args = build_parser().parse_args(argv)
    return resolve_handler(args.handler)(args)


if __name__ == "__main__":
    # Return from main first so every Qt object is gone before the interpreter exits.
    sys.exit(main())
