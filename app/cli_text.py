"""Sub-commands of text understanding: ``classify``."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    classify = sub.add_parser(
        "classify", help="категория и место сообщений из JSONL (поля id, text); результат — JSONL")
    classify.add_argument("file", metavar="FILE.jsonl", help="входной файл JSONL ('-' — стандартный ввод)")
    classify.add_argument("--out", metavar="FILE", help="куда записать результат (по умолчанию — stdout)")
    classify.add_argument("--region-pack", metavar="DIR_OR_FILE",
                          help="пакет региона (папка с boundaries/*.geojson или один файл) для муниципалитетов")
    classify.set_defaults(handler="app.classify_jsonl:run_classify")
