"""``export hourly|messages|incidents|choropleth``: tables for Excel and layers for GIS and field teams."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app.analytics.hourly import MAX_WINDOW
from app.cli.common import add_core_options, add_create_option, core_from, fail, local_hour
from app.common.ru import count_phrase
from app.common.timeutil import from_local
from app.core import Core
from app.export import (
    LAYER_FORMATS,
    MESSAGE_FORMATS,
    export_choropleth,
    export_hourly,
    export_incidents,
    export_messages,
    export_regions,
)

FORMAT_HELP = ("csv, xlsx — таблицы; gpkg — GeoPackage (QGIS, NextGIS, ArcGIS); kml, kmz — Google Earth и полевые "
               "группы (цвет по категории); shp — Shapefile (UTF-8, .cpg); geojson")


def register(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser("export", help="выгрузка данных без окна")
    kinds = export.add_subparsers(dest="export_kind", metavar="ЧТО", required=True)
    _register_hourly(kinds)
    _register_messages(kinds)
    _register_layer(kinds, "incidents", "происшествия: контуры по сообщениям, таблица или слой ГИС",
                    "app.cli.analytics:run_export_incidents")
    _register_layer(kinds, "choropleth", "муниципалитеты с числом сообщений на 1 000 жителей (нужен пакет региона)",
                    "app.cli.analytics:run_export_choropleth")
    _register_layer(kinds, "regions", "субъекты РФ (федеральный обзор): сообщения, население и число на 1 000 "
                    "жителей, время последнего сообщения по местному времени субъекта",
                    "app.cli.analytics:run_export_regions")


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
    messages = kinds.add_parser("messages", help="сообщения: таблица (CSV, XLSX) или слой ГИС (GeoPackage, KML, "
                                                 "KMZ, Shapefile, GeoJSON)")
    _period_options(messages, MESSAGE_FORMATS, "опубликованные")
    messages.set_defaults(handler="app.cli.analytics:run_export_messages")


def _register_layer(kinds: argparse._SubParsersAction, name: str, text: str, handler: str) -> None:
    parser = kinds.add_parser(name, help=text)
    _period_options(parser, LAYER_FORMATS, "сообщения")
    parser.set_defaults(handler=handler)


def _period_options(parser: argparse.ArgumentParser, formats: tuple[str, ...], what: str) -> None:
    add_core_options(parser)
    parser.add_argument("--from", dest="start", type=local_hour, metavar="'ГГГГ-ММ-ДД ЧЧ:00'",
                        help=f"{what} не раньше (местное время)")
    parser.add_argument("--to", dest="end", type=local_hour, metavar="'ГГГГ-ММ-ДД ЧЧ:00'",
                        help=f"{what} раньше (местное время)")
    parser.add_argument("--format", dest="fmt", choices=formats, default="csv", help=FORMAT_HELP)
    parser.add_argument("--out", required=True, metavar="FILE", help="файл результата (Shapefile — набор .shp, "
                                                                      ".shx, .dbf, .prj, .cpg рядом)")
    add_create_option(parser)


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


def _period(args: argparse.Namespace) -> tuple[datetime | None, datetime | None]:
    return (from_local(args.start) if args.start else None), (from_local(args.end) if args.end else None)


def _write_layer(args: argparse.Namespace, write: Callable[[Core], int], forms: tuple[str, str, str]) -> int:
    """Open the core read-only, write one export, say how many rows went where (one line)."""
    core = core_from(args, create=False)
    try:
        count = write(core)
    except ValueError as exc:
        return fail(str(exc))
    finally:
        core.close()
    print(f"Записано: {count_phrase(count, *forms)} → {args.out}")
    return 0


def run_export_messages(args: argparse.Namespace) -> int:
    return _write_layer(args, lambda core: export_messages(core.store, args.fmt, Path(args.out), *_period(args)),
                        ("сообщение", "сообщения", "сообщений"))


def run_export_incidents(args: argparse.Namespace) -> int:
    return _write_layer(args, lambda core: export_incidents(core.store, args.fmt, Path(args.out), *_period(args)),
                        ("происшествие", "происшествия", "происшествий"))


def run_export_choropleth(args: argparse.Namespace) -> int:
    return _write_layer(
        args, lambda core: export_choropleth(core.store, core.pack, args.fmt, Path(args.out), *_period(args)),
        ("муниципалитет", "муниципалитета", "муниципалитетов"))


def run_export_regions(args: argparse.Namespace) -> int:
    return _write_layer(
        args, lambda core: export_regions(core.store, core.pack, args.fmt, Path(args.out), *_period(args)),
        ("субъект", "субъекта", "субъектов"))
