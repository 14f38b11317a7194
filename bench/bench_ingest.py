"""End-to-end import throughput into SQLite vs a bare executemany of the same rows, same run.

    .venv/bin/python bench/bench_ingest.py [--rows 100000] [--runs 3]

End-to-end: CSV file → read → validate → normalise → dedupe → INSERT … ON
CONFLICT DO NOTHING RETURNING, in transactional batches of 1,000. Baseline:
sqlite3 ``executemany`` of the same rows — the values the pipeline stored, read
back from its database, in the columns its INSERT names — in one transaction.
Targets: ≥ 5,000 msg/s and ≥ 25 % of the baseline. Prints a Markdown row.

A second row measures the door every operator import takes (``core.import_files``: the same
file through classification, placement with the region and grouping into incidents) on
``--classified-rows`` rows: reported as it is, no target (the classifier dominates it).
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.intake import Pipeline, Placement
from app.intake.files import import_files
from app.intake.writer import SQLITE_COLUMNS as COLUMNS
from app.store.engine import Store, open_store
from bench.common import emit


def write_csv(path: Path, rows: int) -> None:
    lines = ["id;Дата;Текст;Источник;Автор;Адрес;Широта;Долгота"]
    lines += [f"b{i:07d};22.04.2023 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d};"
              f"Нет света на улице Ленина, дом {i % 300}, третий час без электричества;vk;житель {i % 997};"
              f"Краснодар, ул. Ленина, {i % 300};45.{i % 9999:04d};38.{i % 8887:04d}" for i in range(rows)]
    path.write_text("\n".join(lines), encoding="utf-8")


def stored_rows(db: Path) -> list[tuple[object, ...]]:
    """The rows the pipeline stored, value for value, in the columns its INSERT writes."""
    conn = sqlite3.connect(db)
    rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM messages ORDER BY id").fetchall()
    conn.close()
    return rows


def time_pipeline(template: Path, work: Path, csv: Path) -> float:
    db = work / "pipeline.sqlite3"
    shutil.copy(template, db)
    store = Store(f"sqlite:///{db}")
    started = time.perf_counter()
    summary = import_files(store, [csv])
    elapsed = time.perf_counter() - started
    store.close()
    assert summary.rejected == 0 and summary.duplicates == 0, summary.line
    return elapsed


def time_classified(template: Path, work: Path, rows: int) -> float:
    """Seconds for ``rows`` rows through classification, placement (Krasnodar Krai) and grouping."""
    csv = work / "classified.csv"
    write_csv(csv, rows)
    db = work / "classified.sqlite3"
    shutil.copy(template, db)
    store = Store(f"sqlite:///{db}")
    started = time.perf_counter()
    summary = import_files(store, [csv], pipeline=Pipeline(Placement("Краснодарский край")))
    elapsed = time.perf_counter() - started
    store.close()
    assert summary.imported == rows, summary.line
    return elapsed


def time_bare(template: Path, work: Path, rows: list[tuple[object, ...]]) -> float:
    db = work / "bare.sqlite3"
    shutil.copy(template, db)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    sql = f"INSERT INTO messages ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    started = time.perf_counter()
    with conn:
        conn.executemany(sql, rows)
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="also print the per-run rates for bench/run_all.py")
    parser.add_argument("--classified-rows", type=int, default=10_000,
                        help="rows for the classification-included measurement (0: skip it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        work = Path(tmp)
        template = work / "template.sqlite3"
        open_store(f"sqlite:///{template}").close()
        csv = work / "rows.csv"
        write_csv(csv, args.rows)
        pipeline, bare, rows = [], [], None
        for _ in range(args.runs):  # interleaved, so machine load hits both alike
            pipeline.append(time_pipeline(template, work, csv))
            rows = rows or stored_rows(work / "pipeline.sqlite3")
            bare.append(time_bare(template, work, rows))
        classified = time_classified(template, work, args.classified_rows) if args.classified_rows else None
    if args.json:
        emit({"rows": args.rows, "pipeline_rates": [args.rows / t for t in pipeline],
              "bare_rates": [args.rows / t for t in bare]})
    rate, bare_rate = args.rows / statistics.median(pipeline), args.rows / statistics.median(bare)
    ratio = rate / bare_rate
    ok = rate >= 5000 and ratio >= 0.25
    print("| rows | runs | pipeline msg/s (median) | bare executemany msg/s (median) | ratio | target |")
    print("|---:|---:|---:|---:|---:|:---|")
    print(f"| {args.rows:,} | {args.runs} | {rate:,.0f} | {bare_rate:,.0f} | {ratio:.0%} | "
          f"{'met' if ok else 'MISSED'} (≥ 5,000 msg/s, ≥ 25 %) |")
    if classified is not None:
        with_classes = args.classified_rows / classified
        print(f"| {args.classified_rows:,} classified | 1 | {with_classes:,.0f} | {bare_rate:,.0f} | "
              f"{with_classes / bare_rate:.0%} | reported (classification, placement, grouping) |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
