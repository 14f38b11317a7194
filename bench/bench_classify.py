"""Throughput of classify + locate (app.intake.enrich.enrich) with a warm cache.

Run: ``.venv/bin/python bench/bench_classify.py [N] [RUNS] [--json]`` (defaults 20000 messages, 5 runs).
Messages are the labelled dev, holdout and russia_a texts (the south and the rest of
Russia, against the whole-country gazetteer), repeated with a varying suffix so that
whole texts do not repeat; prints the median rate by the wall clock and by the
process's CPU time (the second is what a busy shared machine does not distort).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.cli.evaluate import load_labelled  # noqa: E402
from app.common.timeutil import utcnow  # noqa: E402
from app.intake.enrich import enrich  # noqa: E402
from app.intake.writer import Incoming  # noqa: E402
from bench.common import emit  # noqa: E402

TARGET = 5000.0


def corpus(n: int) -> list[Incoming]:
    texts = [r["text"] for name in ("dev_messages.jsonl", "holdout_messages.jsonl", "russia_a.jsonl")
             for r in load_labelled(ROOT / "tests" / "data" / name)]
    now = utcnow()
    return [Incoming(source="bench", text=f"{texts[i % len(texts)]} #{i % 97}", published_at=now) for i in range(n)]


def run(items: list[Incoming]) -> float:
    return timed(items)[0]


def timed(items: list[Incoming]) -> tuple[float, float]:
    """(messages per wall-clock second, messages per CPU second)."""
    start, cpu = time.perf_counter(), time.process_time()
    for item in items:
        enrich(item)
    return len(items) / (time.perf_counter() - start), len(items) / (time.process_time() - cpu)


def main() -> int:
    argv = [a for a in sys.argv[1:] if a != "--json"]
    n = int(argv[0]) if argv else 20_000
    runs = int(argv[1]) if len(argv) > 1 else 5
    items = corpus(n)
    run(items[:2000])  # warm the lemma cache and load the gazetteer
    measured = [timed(items) for _ in range(runs)]
    rates, cpu_rates = [w for w, _c in measured], [c for _w, c in measured]
    median = statistics.median(rates)
    if "--json" in sys.argv:
        emit({"n": n, "rates": rates, "cpu_rates": cpu_rates})
    print(f"classify+locate: median {median:,.0f} msgs/s over {runs} runs of {n} "
          f"(min {min(rates):,.0f}, max {max(rates):,.0f}; CPU time: median {statistics.median(cpu_rates):,.0f}); "
          f"target {TARGET:,.0f}: {'OK' if median >= TARGET else 'BELOW'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
