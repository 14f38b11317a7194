"""Benchmark: hourly aggregation over 1,000,000 stored messages and a 30-day chart redraw.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_aggregate.py [--db /tmp/file.sqlite3]``.
The database is built once (1,000,000 messages in a 30-day window plus four weeks of
history) and reused. Prints Markdown rows: operation, median, runs, target.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.analytics.hourly import baseline, by_category, by_municipality
from app.categories import CODES
from app.store.engine import open_store
from bench.common import emit

RAW: dict[str, list[float]] = {}  # per-run milliseconds by operation, for --json

DEFAULT_DB = Path("/tmp/opershtab-bench-1m.sqlite3")
WINDOW_END = datetime(2026, 11, 30, 21, 0, tzinfo=UTC)
WINDOW = timedelta(days=30)
IN_WINDOW = 1_000_000
HISTORY = 200_000
TOWNS = [f"Муниципалитет {i}" for i in range(44)]


def _rows(count: int, start: datetime, span: timedelta, seed: int) -> list[tuple[object, ...]]:
    rnd = random.Random(seed)
    seconds = int(span.total_seconds())
    rows = []
    for i in range(count):
        moment = (start + timedelta(seconds=rnd.randrange(seconds))).replace(tzinfo=None)
        stamp = moment.strftime("%Y-%m-%d %H:%M:%S.%f")
        rows.append(("bench", f"{seed}-{i}", "текст", stamp, stamp, rnd.choice(CODES), rnd.choice(TOWNS)))
    return rows


def build(path: Path) -> None:
    """Create the migrated database and bulk-insert the synthetic messages (once)."""
    open_store(f"sqlite:///{path}").close()
    conn = sqlite3.connect(path)
    sql = ("INSERT INTO messages (source, dedupe_key, text, published_at, received_at, category, municipality,"
           " status, is_complaint, category_source, importance, version)"
           " VALUES (?, ?, ?, ?, ?, ?, ?, 'new', 1, 'source', 'normal', 1)")
    start = WINDOW_END - WINDOW
    conn.executemany(sql, _rows(HISTORY, start - timedelta(days=28), timedelta(days=28), 1))
    conn.executemany(sql, _rows(IN_WINDOW, start, WINDOW, 2))
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def median_ms(fn: Callable[[], object], runs: int = 5, key: str = "") -> float:
    fn()  # warm the page cache
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    if key:
        RAW[key] = times
    return statistics.median(times)


def row(name: str, ms: float, runs: int, target: str) -> None:
    print(f"| {name} | {ms:.0f} ms | {runs} | {target} |")


def bench_queries(path: Path, runs: int) -> None:
    store = open_store(f"sqlite:///{path}")
    start = WINDOW_END - WINDOW
    row("hourly × category, 30 days, 1,000,000 rows (SQLite)",
        median_ms(lambda: by_category(store, start, WINDOW_END), runs, "by_category"), runs, "≤ 300 ms")
    row("hourly × municipality top 8, 30 days, 1,000,000 rows (SQLite)",
        median_ms(lambda: by_municipality(store, start, WINDOW_END), runs, "by_municipality"), runs, "≤ 300 ms")
    row("baseline, 24 h over 4 previous weeks (SQLite)",
        median_ms(lambda: baseline(store, WINDOW_END - timedelta(days=1), WINDOW_END), runs), runs, "—")
    store.close()


def bench_redraw(path: Path, runs: int) -> None:
    from PySide6.QtWidgets import QApplication

    from widgets.analytics.hourly_chart import HourlyChart

    app = QApplication.instance() or QApplication([])
    store = open_store(f"sqlite:///{path}")
    series = by_category(store, WINDOW_END - WINDOW, WINDOW_END)
    store.close()
    chart = HourlyChart()
    chart.resize(1600, 500)
    chart.show()

    def redraw() -> None:
        chart.set_series(series)
        chart.repaint()
        app.processEvents()

    row("chart redraw, 30 days × 11 categories (720 × 11 bars, offscreen)", median_ms(redraw, runs, "redraw"), runs,
        "≤ 50 ms")
    chart.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="also print the per-run values for bench/run_all.py")
    args = parser.parse_args()
    if not args.db.exists():
        build(args.db)
    print("| operation | median | runs | target |\n|---|---|---|---|")
    bench_queries(args.db, args.runs)
    bench_redraw(args.db, args.runs)
    if args.json:
        emit(RAW)
    return 0


if __name__ == "__main__":
    sys.exit(main())
