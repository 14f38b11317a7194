"""Start-up cost of the whole-country gazetteer: resident memory and time to load it.

Run: ``.venv/bin/python bench/bench_gazetteer.py [RUNS] [--json]`` (default 3 runs). Each run is a
fresh interpreter that imports the text pipeline (pymorphy3 included), then reads RSS
(/proc/self/status) before and after loading resources/generated/gazetteer.json and
locating one message; prints the median RSS delta and load time. Target: ≤ 150 MB.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import emit  # noqa: E402

TARGET_MB = 150.0
_CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
from app.text.places import locate_text
from app.gazetteer.lookup import gazetteer
before, started = rss(), time.perf_counter()
gaz = gazetteer()
locate_text("в Екатеринбурге нет горячей воды")
print(json.dumps({{"mb": rss() - before, "seconds": time.perf_counter() - started, "places": len(gaz.places),
                  "forms": len(gaz.forms)}}))
"""


def one_run() -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD.format(root=str(ROOT))], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    argv = [a for a in sys.argv[1:] if a != "--json"]
    runs = [one_run() for _ in range(int(argv[0]) if argv else 3)]
    megabytes = statistics.median(r["mb"] for r in runs)
    seconds = statistics.median(r["seconds"] for r in runs)
    if "--json" in sys.argv:
        emit({"runs": runs})
    print(f"gazetteer start-up: {runs[0]['places']:,} places, {runs[0]['forms']:,} forms; RSS +{megabytes:.1f} MB, "
          f"load {seconds:.2f} s (median of {len(runs)}); target ≤ {TARGET_MB:.0f} MB: "
          f"{'OK' if megabytes <= TARGET_MB else 'ABOVE'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
