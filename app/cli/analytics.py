"""``export hourly`` and ``export messages``: tables for Excel and for anything outside."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.analytics.hourly import MAX_WINDOW
from app.cli.common import add_core_options, add_create_option, core_from, fail, local_hour
from app.common.ru import count_phrase
from app.common.timeutil import from_local
from app.export import MESSAGE_FORMATS, export_hourly, export_messages


def register(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser("export", help="выгрузка данных без окна")
    kinds = export.add_subparsers(dest="export_kind", metavar="ЧТО", required=True)
    _register_hourly(kinds)
    _register_messages(kinds)


def _register_hourly(kinds: argparse._SubParsersAction) -> None:
    hourly = kinds.add_parser("hourly", help="сообщения по часам (местное время) в CSV или XLSX")
    add_core_options(hourly)
    hourly.add_argument("--from", dest="start", type=local_hour, required=True, metavar="'ГГГГ-ММ-ДД ЧЧ:00'",
                        help="начало окна, местное время")
    hourly.add_argument("--to", dest="end", type=local_hour, required=True, metavar="'ГГГГ-ММ-ДД ЧЧ:00'",
                        help="конец окна (не включая), местное время; окно не больше 30 суток")
    hourly.add_argument("--by", choices=["category", "municipality"], default="category",
                        help="столбцы: категории или муниципалитеты")
    hourly.add_argument("--format", dest="fmt", choices=["csv", "xlsx"], default="csv")
    hourly.add_argument("--out", required=True, metavar="FILE", help="файл результата")
    add_create_option(hourly)
    hourly.set_defaults(handler="app.cli.analytics:run_export_hourly")


def _register_messages(kinds: argparse._SubParsersAction) -> None:
    messages = kinds.add_parser("messages", help="сообщения таблицей: CSV, XLSX или GeoJSON")
    add_core_options(messages)
    messages.add_argument("--from", dest="start", type=local_hour, metavar="'ГГГГ-ММ-ДД ЧЧ:00'",
                          help="опубликованные не раньше (местное время)")
    messages.add_argument("--to", dest="end", type=local_hour, metavar="'ГГГГ-ММ-ДД ЧЧ:00'",
                          help="опубликованные раньше (местное время)")
    messages.add_argument("--format", dest="fmt", choices=MESSAGE_FORMATS, default="csv")
    messages.add_argument("--out", required=True, metavar="FILE", help="файл результата")
    add_create_option(messages)
    messages.set_defaults(handler="app.cli.analytics:run_export_messages")


def run_export_hourly(args: argparse.Namespace) -> int:
    if args.end <= args.start:
        return fail("конец окна должен быть позже начала")
    if args.end - args.start > MAX_WINDOW:
        return fail("окно не больше 30 суток")
    core = core_from(args, create=False)
    try:
        rows = export_hourly(core.store, from_local(args.start), from_local(args.end), args.by, args.fmt,
                             Path(args.out))
    except ValueError as exc:
        return fail(str(exc))
    finally:
        core.close()
    print(f"Записано: {count_phrase(rows, 'час', 'часа', 'часов')} → {args.out}")
    return 0


def run_export_messages(args: argparse.Namespace) -> int:
    core = core_from(args, create=False)
    try:
        start = from_local(args.start) if args.start else None
        end = from_local(args.end) if args.end else None
        count = export_messages(core.store, args.fmt, Path(args.out), start, end)
    finally:
        core.close()
    print(f"Записано: {count_phrase(count, 'сообщение', 'сообщения', 'сообщений')} → {args.out}")
    return 0
