"""Sub-commands of analytics: ``export hourly``."""

from __future__ import annotations

import argparse

from app.cli import add_db_option, local_hour


def register(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser("export", help="выгрузка данных без окна")
    kinds = export.add_subparsers(dest="export_kind", metavar="ЧТО", required=True)
    hourly = kinds.add_parser("hourly", help="сообщения по часам (местное время) в CSV или XLSX")
    add_db_option(hourly)
    hourly.add_argument("--from", dest="start", type=local_hour, required=True, metavar="'ГГГГ-ММ-ДД ЧЧ:00'",
                        help="начало окна, местное время")
    hourly.add_argument("--to", dest="end", type=local_hour, required=True, metavar="'ГГГГ-ММ-ДД ЧЧ:00'",
                        help="конец окна (не включая), местное время; окно не больше 30 суток")
    hourly.add_argument("--by", choices=["category", "municipality"], default="category",
                        help="столбцы: категории или муниципалитеты")
    hourly.add_argument("--format", dest="fmt", choices=["csv", "xlsx"], default="csv")
    hourly.add_argument("--out", required=True, metavar="FILE", help="файл результата")
    hourly.set_defaults(handler="app.export:run_export_hourly")
