"""``classify``: one JSON line out per JSON line in, placed with the centre's region and pack;
``classify --evaluate``: the classifier's figures on a labelled set of the centre's own."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from app.cli.common import add_core_options, core_from, fail
from app.cli.evaluate import evaluate, load_labelled, markdown
from app.common.timeutil import utcnow
from app.gazetteer.lookup import GazetteerMissingError
from app.intake import Incoming, Placement, enrich

OUTPUT_FIELDS = ("id", "category", "secondary", "confidence", "is_complaint", "settlement", "municipality",
                 "region", "lat", "lon")


def register(sub: argparse._SubParsersAction) -> None:
    classify = sub.add_parser(
        "classify", help="категория и место сообщений из JSONL (поля id, text); результат — JSONL")
    add_core_options(classify)
    classify.add_argument("file", metavar="FILE.jsonl", help="входной файл JSONL ('-' — стандартный ввод)")
    classify.add_argument("--out", metavar="FILE", help="куда записать результат (по умолчанию — stdout)")
    classify.add_argument("--evaluate", action="store_true",
                          help="FILE размечен (category, settlement, region): вывести точность классификатора")
    classify.set_defaults(handler="app.cli.text:run_classify")


def _incoming(record: dict) -> Incoming:
    lat, lon = record.get("lat"), record.get("lon")
    return Incoming(source="file", text=str(record["text"]), published_at=utcnow(),
                    lat=float(lat) if lat is not None else None, lon=float(lon) if lon is not None else None)


def classify_record(record: dict, placement: Placement) -> dict[str, object]:
    """The output line for one input record with ``id`` and ``text``."""
    item = enrich(_incoming(record), placement)
    return {"id": record["id"], "category": item.category, "secondary": item.secondary_category,
            "confidence": item.confidence, "is_complaint": item.is_complaint, "settlement": item.settlement,
            "municipality": item.municipality, "region": item.region, "lat": item.lat, "lon": item.lon}


@contextmanager
def _opened(path: str | None, mode: str, default: IO[str]) -> Iterator[IO[str]]:
    if path is None or path == "-":
        yield default
        return
    with open(path, mode, encoding="utf-8") as handle:
        yield handle


def _convert(source: IO[str], target: IO[str], placement: Placement) -> int:
    failures = 0
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            out = classify_record(json.loads(line), placement)
        except (ValueError, KeyError, TypeError, RecursionError):
            failures += 1
            print(f"classify: строка {number} пропущена: нужен объект JSON с полями id и text", file=sys.stderr)
            continue
        target.write(json.dumps(out, ensure_ascii=False) + "\n")
    return failures


def run_classify(args: argparse.Namespace) -> int:
    """Exit 0 when every line was classified, 1 on bad lines, 2 when the input or setup fails."""
    if args.file != "-" and not Path(args.file).is_file():
        return fail(f"Файл не найден: {args.file}")
    core = core_from(args)
    try:
        placement = core.pipeline.placement
        if args.evaluate:
            print(markdown(Path(args.file).name, evaluate(load_labelled(Path(args.file)), placement)))
            return 0
        with _opened(args.file, "r", sys.stdin) as source, _opened(args.out, "w", sys.stdout) as target:
            failures = _convert(source, target, placement)
    except GazetteerMissingError as exc:
        return fail(str(exc))
    finally:
        core.close()
    return 1 if failures else 0
