"""Options of the wall display (``--wall``) on the main command."""

from __future__ import annotations

import argparse


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"ожидается ШИРИНАxВЫСОТА, например 1920x1080, получено {text!r}") from exc
    return width, height


def register_global(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("стена (режим видеостены)")
    group.add_argument("--wall", action="store_true", help="режим видеостены: полный экран, тёмная тема, ротация видов")
    group.add_argument("--screen", type=int, default=None, metavar="N", help="номер монитора для стены (с 0)")
    group.add_argument("--wall-size", type=_size, default=(1920, 1080), metavar="WxH",
                       help="разрешение стены для снимка без экрана (по умолчанию 1920x1080)")
    group.add_argument("--playlist", default=None, metavar="СПИСОК",
                       help="виды и длительности, например overview:40,focus:20,briefing:15")


def register(sub: argparse._SubParsersAction) -> None:
    """The wall adds no sub-commands."""
