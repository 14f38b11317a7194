"""Run the fault drills; each prints what it did and what it checked; last line ``N passed, M failed``.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python drills/run_drills.py [--only WORD,...]``
Exit code 1 when any drill failed. A drill that cannot run here (no PostgreSQL) is skipped with the reason.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from drills import (  # noqa: E402, F401
    clock_drills,
    crash_drills,
    feed_drills,
    hostile_drills,
    hostile_feed_drills,
    memory_drills,
    outage_drills,
    output_drills,
    pack_drills,
    pg_drills,
    storage_drills,
)
from drills.core import DRILLS, Checks, Drill, SkipDrillError  # noqa: E402


def run_one(item: Drill) -> str:
    """Run one drill and print its log; returns passed, failed or skipped."""
    print(f"\n== {item.name}\n   did: {item.did}", flush=True)
    checks, started = Checks(), time.monotonic()
    try:
        item.run(checks)
    except SkipDrillError as exc:
        print(f"   SKIPPED: {exc}")
        return "skipped"
    except Exception as exc:  # a drill that blows up is a failed drill, and the others still run
        checks.check(False, f"drill raised {exc.__class__.__name__}: {exc}")
        traceback.print_exc(limit=3)
    for line in checks.notes:
        print(f"   note: {line}")
    for description, ok in checks.items:
        print(f"   {'ok  ' if ok else 'FAIL'} {description}")
    outcome = "passed" if checks.passed else "failed"
    print(f"   -> {outcome.upper()} in {time.monotonic() - started:.1f} s", flush=True)
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default="", help="run drills whose name contains one of these words")
    args = parser.parse_args()
    words = [w for w in args.only.split(",") if w]
    chosen = [d for d in DRILLS if not words or any(w in d.name for w in words)]
    outcomes = [run_one(d) for d in chosen]
    skipped = outcomes.count("skipped")
    print(f"\n{skipped} skipped (see the reasons above)" if skipped else "")
    print(f"{outcomes.count('passed')} passed, {outcomes.count('failed')} failed")
    return 1 if "failed" in outcomes else 0


if __name__ == "__main__":
    sys.exit(main())
