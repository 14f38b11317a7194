"""``python main.py classify FILE.jsonl``: one JSON line out per JSON line in."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO

from app.enrich import enrich
from app.gazetteer import GazetteerMissingError
from app.intake import Incoming
from app.municipalities import MunicipalityIndex, RegionPackError, load_region_pack
from app.timeutil import utcnow

OUTPUT_FIELDS = ("id", "category", "secondary", "confidence", "is_complaint", "settlement", "municipality",
                 "region", "lat", "lon")


def _incoming(record: dict) -> Incoming:
    lat, lon = record.get("lat"), record.get("lon")
    return Incoming(source="file", text=str(record["text"]), published_at=utcnow(),
                    lat=float(lat) if lat is not None else None, lon=float(lon) if lon is not None else None)


def classify_record(record: dict, packs: Sequence[MunicipalityIndex] = ()) -> dict[str, object]:
    """The output line for one input record with ``id`` and ``text``."""
    item = enrich(_incoming(record), packs)
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


def _convert(source: IO[str], target: IO[str], packs: Sequence[MunicipalityIndex]) -> int:
    failures = 0
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            out = classify_record(record, packs)
        except (ValueError, KeyError, TypeError) as exc:
            failures += 1
            print(f"classify: строка {number}: пропущена ({exc!r})", file=sys.stderr)
            continue
        target.write(json.dumps(out, ensure_ascii=False) + "\n")
    return failures


def run_classify(args: argparse.Namespace) -> int:
    """Handler of ``classify``: exit 0 when every line was classified, 1 on bad lines, 2 on setup errors."""
    try:
        packs = load_region_pack(args.region_pack) if args.region_pack else []
        with _opened(args.file, "r", sys.stdin) as source, _opened(args.out, "w", sys.stdout) as target:
            failures = _convert(source, target, packs)
    except (RegionPackError, GazetteerMissingError, OSError) as exc:
        print(f"classify: {exc}", file=sys.stderr)
        return 2
    return 1 if failures else 0
