"""Big files in bounded memory: 1,000,000-row CSV and JSONL imports, an XLSX bomb (the kernel's VmHWM)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from bench.bench_memory import write_bomb, write_csv, write_jsonl
from drills.core import Checks, drill, temp_store
from drills.measure import run_measured

FULL = int(os.environ.get("OPERSHTAB_DRILL_ROWS", "0"))  # 1000000: the full size (bench/bench_memory.py does it)
SIZES = (FULL,) if FULL else (20_000, 120_000)
TARGET_ROWS = 1_000_000
LIMIT_MB = 400.0


def _peak(checks: Checks, name: str, writer: object, rows: int) -> float:
    with temp_store() as (store, tmp):
        store.close()
        path = tmp / name
        writer(path, rows)  # type: ignore[operator]
        size = path.stat().st_size / (1 << 20)
        got = run_measured(None, ["import", str(path), "--db", store.url, "--no-classify"], timeout=1800)
        line = got.stdout.strip().splitlines()[0] if got.stdout.strip() else got.stderr[-300:]
        stored = sqlite3.connect(store.url.split("///", 1)[1]).execute("SELECT count(*) FROM messages").fetchone()[0]
        checks.note(f"{name}: {size:.0f} MB, {rows:,} rows: {line}; {got.seconds:.0f} s, peak {got.peak_mb:.0f} MB")
        checks.check(got.returncode == 0 and stored == rows, f"{name}: every row stored ({stored:,} of {rows:,})")
        checks.check(0 < got.peak_mb < LIMIT_MB, f"{name}, {rows:,} rows: peak {got.peak_mb:.0f} MB < {LIMIT_MB:g} MB")
        return got.peak_mb


def _import(checks: Checks, name: str, writer: object) -> None:
    """Peaks at two sizes; the growth per row between them, carried to 1,000,000 rows, stays under the limit."""
    peaks = [_peak(checks, name, writer, rows) for rows in SIZES]
    if len(peaks) == 2:
        per_row = max(0.0, (peaks[1] - peaks[0]) / (SIZES[1] - SIZES[0]))
        projected = peaks[1] + per_row * (TARGET_ROWS - SIZES[1])
        checks.note(f"{name}: {per_row * 1024 * 1024:.1f} bytes per row beyond the first rows; "
                    f"at {TARGET_ROWS:,} rows: {projected:.0f} MB (measured at full size by bench/bench_memory.py)")
        checks.check(projected < LIMIT_MB, f"{name}: projected peak at {TARGET_ROWS:,} rows {projected:.0f} MB "
                                           f"< {LIMIT_MB:g} MB")


@drill("memory: big CSV import", "python main.py import of CSV files in a child process (VmHWM), "
       "at two sizes (OPERSHTAB_DRILL_ROWS=1000000: at full size)")
def big_csv(checks: Checks) -> None:
    _import(checks, "rows.csv", write_csv)


@drill("memory: big JSONL import", "python main.py import of JSON Lines files in a child process (VmHWM), "
       "at two sizes (OPERSHTAB_DRILL_ROWS=1000000: at full size)")
def big_jsonl(checks: Checks) -> None:
    _import(checks, "rows.jsonl", write_jsonl)


BOMBS = {"4 GB sheet": {"megabytes": 4000}, "900 MB sheet": {"megabytes": 900},
         "400 MB sheet (compressed 1,000 times)": {"megabytes": 400},
         "lying header (declares 10 MB, holds 2 GB)": {"megabytes": 2000, "declared": 10 << 20}}


@drill("memory: XLSX bombs", "one python main.py import of four .xlsx files of a few MB whose sheet unpacks to "
       "0.4–4 GB (one with a lying header), in a child process")
def bomb(checks: Checks) -> None:
    with temp_store() as (store, tmp):
        store.close()
        paths = []
        for number, shape in enumerate(BOMBS.values()):
            paths.append(Path(tmp) / f"bomb{number}.xlsx")
            write_bomb(paths[-1], **shape)  # type: ignore[arg-type]
        got = run_measured(None, ["import", *map(str, paths), "--db", store.url], timeout=120)
        said = [line.strip() for line in got.stdout.splitlines() if "bomb" in line]
        checks.note(f"{got.stdout.splitlines()[0] if got.stdout else got.stderr[-300:]}; {got.seconds:.1f} s for all "
                    f"four (start-up included), peak {got.peak_mb:.0f} MB")
        for (name, _shape), line in zip(BOMBS.items(), said, strict=False):
            checks.note(f"{name}: {line}")
        checks.check(f"отклонено {len(BOMBS)}" in got.stdout and len(said) == len(BOMBS),
                     f"all {len(BOMBS)} refused, each with its reason")
        checks.check(got.seconds < 10 and 0 < got.peak_mb < 500,
                     f"within 10 s and 500 MB ({got.seconds:.1f} s, {got.peak_mb:.0f} MB)")
