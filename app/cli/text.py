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
from app.common.files import os_reason
from app.common.timeutil import utcnow
from app.gazetteer.lookup import GazetteerMissingError
from app.intake import Incoming, Placement, enrich
from app.intake.validate import MAX_FIELD_BYTES

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


class TooLargeError(ValueError):
    """A text over the import's own limit (1 MB): refused here as ``import`` refuses it."""


def _incoming(record: dict) -> Incoming:
    lat, lon = record.get("lat"), record.get("lon")
    text = str(record["text"])
    if len(text) > MAX_FIELD_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_FIELD_BYTES:
        raise TooLargeError("текст больше 1 МБ (предел импорта)")
    return Incoming(source="file", text=text, published_at=utcnow(),
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


MAX_LINE_CHARS = 4 * MAX_FIELD_BYTES  # a line whose text is within the limit, escaped as JSON, fits


def _lines(source: IO[str]) -> Iterator[str | None]:
    """Lines of ``source``; a line longer than ``MAX_LINE_CHARS`` comes out as None (skipped unread)."""
    while line := source.readline(MAX_LINE_CHARS):
        if len(line) == MAX_LINE_CHARS and not line.endswith("\n"):
            while (rest := source.readline(MAX_LINE_CHARS)) and not rest.endswith("\n"):
                pass
            yield None
            continue
        yield line


def _convert(source: IO[str], target: IO[str], placement: Placement) -> int:
    failures = 0
    for number, line in enumerate(_lines(source), 1):
        if line is not None and not line.strip():
            continue
        try:
            if line is None:
                raise TooLargeError("строка больше 4 МБ")
            out = classify_record(json.loads(line), placement)
        except TooLargeError as exc:
            failures += 1
            print(f"classify: строка {number} пропущена: {exc}", file=sys.stderr)
            continue
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
            return _evaluate(Path(args.file), placement)
        with _opened(args.file, "r", sys.stdin) as source, _opened(args.out, "w", sys.stdout) as target:
            failures = _convert(source, target, placement)
    except GazetteerMissingError as exc:
        return fail(str(exc))
    except UnicodeDecodeError:
        return fail(f"{args.file}: файл не в кодировке UTF-8 (сохраните его как UTF-8)")
    except OSError as exc:
        return fail(f"{exc.filename or args.out or args.file}: {os_reason(exc)}")
    finally:
        core.close()
    return 1 if failures else 0


def _evaluate(path: Path, placement: Placement) -> int:
    try:
        records = load_labelled(path)
        print(markdown(path.name, evaluate(records, placement)))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        if isinstance(exc, UnicodeDecodeError):
            raise
        return fail(f"{path}: размеченный файл не читается: нужны строки JSON с полями id, text и category")
    return 0
