"""Throughput of classify + locate (app.intake.enrich.enrich) with a warm cache.

Run: ``.venv/bin/python bench/bench_classify.py [N] [RUNS] [--json]`` (defaults 20000 messages, 5 runs).
Messages are the labelled dev and holdout texts, repeated with a varying
suffix so that whole texts do not repeat; prints the median rate.
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
    texts = [r["text"] for name in ("dev_messages.jsonl", "holdout_messages.jsonl")
             for r in load_labelled(ROOT / "tests" / "data" / name)]
    now = utcnow()
    return [Incoming(source="bench", text=f"{texts[i % len(texts)]} #{i % 97}", published_at=now) for i in range(n)]


def run(items: list[Incoming]) -> float:
    start = time.perf_counter()
    for item in items:
        enrich(item)
    return len(items) / (time.perf_counter() - start)


def main() -> int:
    argv = [a for a in sys.argv[1:] if a != "--json"]
    n = int(argv[0]) if argv else 20_000
    runs = int(argv[1]) if len(argv) > 1 else 5
    items = corpus(n)
    run(items[:2000])  # warm the lemma cache and load the gazetteer
    rates = [run(items) for _ in range(runs)]
    median = statistics.median(rates)
    if "--json" in sys.argv:
        emit({"n": n, "rates": rates})
    print(f"classify+locate: median {median:,.0f} msgs/s over {runs} runs of {n} "
          f"(min {min(rates):,.0f}, max {max(rates):,.0f}); target {TARGET:,.0f}: "
          f"{'OK' if median >= TARGET else 'BELOW'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
