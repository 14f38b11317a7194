"""All benchmarks in one run: a Markdown table of every capability target, in bench/results.md and the README.

Run: ``.venv/bin/python bench/run_all.py [--quick] [--only NAME,...] [--soak-hours H] [--no-readme]``

Each benchmark runs as its own process (``bench/<script>.py ... --json``) so that one crash or
timeout marks only its rows as failed and the run goes on. Values are medians with min–max;
ratios against a baseline come from the same run. ``--quick`` uses fewer runs and sizes (labelled
in the table); the full mode uses the sizes of the targets.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import Stat, machine_info, markdown_table, parse_emitted  # noqa: E402

README = ROOT / "README.md"
RESULTS = ROOT / "bench" / "results.md"
LOG = Path(tempfile.gettempdir()) / "opershtab-bench.log"  # full output of every script
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
HEADERS = ("what", "measured: median (min–max, n)", "target", "met", "same-run baseline")
Row = tuple[str, str, str, str, str]


@dataclass(frozen=True)
class Bench:
    """One benchmark script: its arguments per mode and how its payload becomes table rows."""

    name: str
    script: str
    quick: list[str]
    full: list[str]
    rows: Callable[[dict, bool], list[Row]]
    targets: tuple[str, ...]  # row names shown when the benchmark fails


def met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _ingest(p: dict, quick: bool) -> list[Row]:
    rate, bare = Stat.of(p["pipeline_rates"]), Stat.of(p["bare_rates"])
    ratio = rate.median / bare.median
    base = f"bare executemany {bare.text(unit='msg/s')}"
    return [(f"import {p['rows']:,} messages into SQLite (CSV → pipeline)", rate.text(unit="msg/s"),
             "≥ 5,000 msg/s", met(rate.median >= 5000), base),
            ("import vs bare SQLite executemany", f"{ratio:.0%} of bare", "≥ 25 %", met(ratio >= 0.25), base)]


def _classify(p: dict, quick: bool) -> list[Row]:
    rate = Stat.of(p["rates"])
    return [(f"classify + locate, warm cache ({p['n']:,} messages per run)", rate.text(unit="msg/s"),
             "≥ 5,000 msg/s", met(rate.median >= 5000), "—")]


def _eval(p: dict, quick: bool) -> list[Row]:
    figures = (("category accuracy", "accuracy", 0.90), ("category macro-F1", "macro_f1", 0.85),
               ("settlement accuracy", "settlement", 0.85), ("region accuracy", "region", 0.95),
               ("null settlement when none named", "null", 0.90))
    rows: list[Row] = []
    for name, title in (("unseen_b.jsonl", "independent set B, never tuned on"), ("holdout_messages.jsonl", "holdout"),
                        ("russia_b.jsonl", "Russia set B, never tuned on")):
        h = p[name]
        rows += [(f"{label} ({title}, {h['size']} messages)", f"{h[key]:.3f} (deterministic, n=1)", f"≥ {goal:.2f}",
                  met(h[key] >= goal), "—") for label, key, goal in figures]
    return rows


MAP_TARGETS = {  # size → (row, key, scale, format, unit, limit)
    1_000_000: (("first paint", "first_paint_s", 1, "{:.2f}", "s", 1.5),
                ("append 1,000, to painted", "append_ms", 1, "{:.0f}", "ms", 50),
                ("time-window change 24 h ↔ 6 h", "window_ms", 1, "{:.0f}", "ms", 100),
                ("zoom step redrawn", "zoom_ms", 1, "{:.0f}", "ms", 50),
                ("renderer memory after load", "renderer_mb", 1, "{:.0f}", "MB", 500)),
    100_000: (("first paint", "first_paint_s", 1, "{:.2f}", "s", 0.3),),
}


def _map_rows(raw: dict, key: str) -> list[Row]:
    r = raw[key]
    n, _, spread = key.partition("_")
    n, where = int(n), "" if spread in ("", "uniform") else f" ({spread})"
    rows: list[Row] = []
    for name, field, scale, fmt, unit, limit in MAP_TARGETS.get(n, MAP_TARGETS[100_000]):
        stat = Stat.of([v * scale for v in r[field]])
        rows.append((f"map: {name}, {n:,} messages{where}", stat.text(fmt, unit), f"≤ {limit:g} {unit}",
                     met(stat.median <= limit), "—"))
    index = Stat.of(r["index_s"])
    rows.append((f"map: every time bucket indexed (worker), {n:,} messages{where}", index.text("{:.1f}", "s"),
                 "reported (no target)", "—", f"MessageRow → columns in Python {r['result'].get('pack_rows_s')} s"))
    if "baseline_first_paint_s" in r:
        ours, base = Stat.of(r["first_paint_s"]), Stat.of(r["baseline_first_paint_s"])
        ratio = base.median / ours.median
        rows.append((f"map: first paint {n:,} vs the markercluster page{where}", f"{ratio:.0f}× faster",
                     "≥ 10×", met(ratio >= 10), f"markercluster {base.text('{:.2f}', 's')}, "
                     f"renderer {statistics.median(r['baseline_renderer_mb']):.0f} MB"))
    return rows


def _map(p: dict, quick: bool) -> list[Row]:
    raw, rows = p["raw"], []
    for key in sorted(raw, key=lambda k: (k.partition("_")[2], -int(k.partition("_")[0]))):
        rows += _map_rows(raw, key)
    return rows


def _aggregate(p: dict, quick: bool) -> list[Row]:
    cat, mun, redraw = Stat.of(p["by_category"]), Stat.of(p["by_municipality"]), Stat.of(p["redraw"])
    return [("hourly aggregation by category, 30 days, 1M rows (SQLite)", cat.text(unit="ms"), "≤ 300 ms",
             met(cat.median <= 300), "—"),
            ("hourly aggregation by municipality (top 8), 1M rows", mun.text(unit="ms"), "≤ 300 ms",
             met(mun.median <= 300), "—"),
            ("graph redraw 30 days × 11 categories (offscreen)", redraw.text("{:.1f}", "ms"), "≤ 50 ms",
             met(redraw.median <= 50), "—")]


def _briefing(p: dict, quick: bool) -> list[Row]:
    runs = Stat.of(p["runs_s"])
    return [(f"briefing PDF + DOCX with map and graph ({p['messages']:,} messages)", runs.text("{:.2f}", "s"),
             "≤ 3 s", met(runs.median <= 3 and p["ok"]), "—")]


def _startup(p: dict, quick: bool) -> list[Row]:
    app, blank = Stat.of(p["app_s"]), Stat.of(p["blank_s"])
    ratio = app.median / blank.median
    return [("cold start: process start to first painted map with demo data", app.text("{:.2f}", "s"),
             "≤ 2× blank page", met(ratio <= 2), f"bare QWebEngineView blank page {blank.text('{:.2f}', 's')}"
             f" → {ratio:.1f}×")]


def _soak(p: dict, quick: bool) -> list[Row]:
    label = f"wall soak, {p['sim_hours']:g} simulated h at {p['speed']:g}× ({p['duration_s'] / 60:.0f} min real)"
    own0, own1 = p["rss_own_mb"]
    t0, t1 = p["rss_tree_mb"]
    idle = Stat.of(p["idle_cpu_slices"]) if p["idle_cpu_slices"] else None
    idle_text = idle.text("{:.1%}") if idle else "no idle slices"
    return [(f"{label}: RSS growth after warm-up (app + web processes)",
             f"{p['rss_growth']:+.1%} ({t0:.0f} → {t1:.0f} MB; app alone {own0:.0f} → {own1:.0f} MB)", "≤ 15 %",
             met(p["rss_growth"] <= 0.15), "—"),
            (f"{label}: map page reloads", f"{p['reloads']} ({p['updates']} updates applied)", "0",
             met(p["reloads"] == 0), "—"),
            (f"{label}: idle CPU between updates (0.5 s slices)", idle_text, "≤ 3 %",
             met(bool(idle) and idle.median <= 0.03), "—")]


def _gazetteer(p: dict, quick: bool) -> list[Row]:
    mb = Stat.of([r["mb"] for r in p["runs"]])
    return [(f"gazetteer start-up memory ({p['runs'][0]['places']:,} places of Russia)", mb.text("{:.1f}", "MB"),
             "≤ 150 MB", met(mb.median <= 150), "—")]


def _pg(p: dict, quick: bool) -> list[Row]:
    parts, lat = Stat.of(p["part_rates"]), sorted(p["latencies_s"])
    p95 = lat[int(0.95 * (len(lat) - 1))]
    lat_ms = Stat.of([v * 1000 for v in lat])
    return [(f"PostgreSQL import {p['messages']:,} messages (5 slices)", parts.text(unit="msg/s"),
             "rate reported (no target)", "—", f"overall {p['rate']:,.0f} msg/s"),
            (f"notify-to-screen latency, other process, {len(lat)} changes", f"{lat_ms.text('{:.1f}', 'ms')}; "
             f"p95 {p95 * 1000:.1f} ms", "median and p95 ≤ 2 s", met(lat_ms.median <= 2000 and p95 <= 2), "—")]


BENCHES = (
    Bench("ingest", "bench_ingest.py", ["--rows", "20000", "--runs", "5"], ["--rows", "100000", "--runs", "5"],
          _ingest, ("import rate (≥ 5,000 msg/s)", "import vs bare executemany (≥ 25 %)")),
    Bench("classify", "bench_classify.py", ["5000", "5"], ["20000", "5"], _classify, ("classify + locate",)),
    Bench("eval", "eval_classify.py", [], [], _eval, ("classification quality on the holdout",)),
    Bench("gazetteer", "bench_gazetteer.py", ["3"], ["5"], _gazetteer, ("gazetteer start-up memory (≤ 150 MB)",)),
    Bench("map", "bench_map.py", ["--reps", "1", "--sizes", "100000,1000000"],
          ["--reps", "3", "--sizes", "100000,1000000"], _map,
          ("map 1M: first paint, append, window change, zoom step, memory; 100k vs markercluster",)),
    Bench("aggregate", "bench_aggregate.py", ["--runs", "5"], ["--runs", "5"], _aggregate,
          ("hourly aggregation 1M (≤ 300 ms)", "graph redraw (≤ 50 ms)")),
    Bench("briefing", "bench_briefing.py", ["--reps", "5"], ["--reps", "5"], _briefing, ("briefing PDF + DOCX",)),
    Bench("startup", "bench_startup.py", ["--reps", "5"], ["--reps", "5"], _startup, ("cold start ≤ 2× blank",)),
    Bench("soak", "bench_wall_soak.py", ["--sim-hours", "2"], ["--sim-hours", "2"], _soak,
          ("wall soak: RSS growth, reloads, idle CPU",)),
    Bench("pg", "bench_pg.py", ["--messages", "20000", "--pings", "30"], ["--messages", "100000", "--pings", "100"],
          _pg, ("PostgreSQL import rate", "notify latency (≤ 2 s)")),
)


def child_env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--no-sandbox" not in env.get("QTWEBENGINE_CHROMIUM_FLAGS", ""):
        env["QTWEBENGINE_CHROMIUM_FLAGS"] = (env.get("QTWEBENGINE_CHROMIUM_FLAGS", "") + " --no-sandbox").strip()
    return env


def run_bench(bench: Bench, args: list[str], timeout: float, log) -> tuple[dict | None, str, float]:
    """Run one script; returns its payload (None on failure), a failure reason, and seconds taken."""
    command = [sys.executable, str(ROOT / "bench" / bench.script), *args, "--json"]
    started = time.monotonic()
    try:
        out = subprocess.run(command, cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timeout after {timeout:.0f} s", time.monotonic() - started
    log.write(f"$ {' '.join(command)}\n{out.stdout}\n{out.stderr[-4000:]}\n")
    payload = parse_emitted(out.stdout)
    if payload is None:
        last = (out.stderr.strip().splitlines() or ["no output"])[-1][:200]
        return None, f"exit {out.returncode}: {last}", time.monotonic() - started
    return payload, "", time.monotonic() - started


def bench_rows(bench: Bench, quick: bool, payload: dict | None, reason: str) -> list[Row]:
    if payload is not None:
        try:
            return bench.rows(payload, quick)
        except (KeyError, ValueError, TypeError, ZeroDivisionError) as exc:
            reason = f"unreadable result: {exc!r}"
    return [(f"{bench.name}: {target}", f"FAILED ({reason})", "see issue", "**no**", "—")
            for target in bench.targets]


def document(rows: list[Row], quick: bool, timings: dict[str, float], soak_note: str) -> str:
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    mode = ("**quick mode** (`bench/run_all.py --quick`: fewer runs and smaller sizes, see the row names)"
            if quick else "full mode (`make bench`)")
    info = machine_info()
    lines = [f"Generated by `bench/run_all.py` on {stamp}, {mode}; {soak_note}.", "",
             markdown_table(HEADERS, rows), "",
             "Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()) + ".", "",
             "Time per benchmark: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()) + "."]
    return "\n".join(lines)


def update_readme(text: str) -> None:
    """Replace what lies between the bench markers of the README (and nothing else)."""
    readme = README.read_text(encoding="utf-8")
    head, start, rest = readme.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise SystemExit(f"README.md has no {START} … {END} markers")
    README.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer runs and smaller sizes (≈ 10 minutes)")
    parser.add_argument("--only", default="", help="comma-separated benchmark names: "
                        + ",".join(b.name for b in BENCHES))
    parser.add_argument("--soak-hours", type=float, default=None,
                        help="simulated hours of the wall soak (default 2; 24 is the issue's soak, ≈ 29 min)")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per benchmark before it counts as failed")
    parser.add_argument("--no-readme", action="store_true", help="write bench/results.md only")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    chosen = [b for b in BENCHES if not args.only or b.name in args.only.split(",")]
    rows: list[Row] = []
    timings: dict[str, float] = {}
    failed = 0
    with open(LOG, "w", encoding="utf-8") as log:
        for bench in chosen:
            extra = list(bench.quick if args.quick else bench.full)
            if bench.name == "soak" and args.soak_hours is not None:
                extra = ["--sim-hours", str(args.soak_hours)]
            timeout = args.timeout or (float(extra[1]) * 72 + 600 if bench.name == "soak" else 1800)
            print(f"[bench] {bench.name} …", flush=True)
            payload, reason, seconds = run_bench(bench, extra, timeout, log)
            timings[bench.name] = seconds
            failed += payload is None
            new = bench_rows(bench, args.quick, payload, reason)
            rows += new
            print("\n".join(f"   {r[0]}: {r[1]} [{r[3]}]" for r in new), flush=True)
    soak_hours = args.soak_hours or 2
    text = document(rows, args.quick, timings, f"wall soak {soak_hours:g} simulated h "
                    "(the 24 h soak: `bench/run_all.py --only soak --soak-hours 24`, ≈ 29 min)")
    RESULTS.write_text(f"# Benchmark results\n\n{text}\n", encoding="utf-8")
    if not args.no_readme and not args.only:
        update_readme(text)
    print(f"[bench] log: {LOG}; wrote {RESULTS}" + ("" if args.no_readme or args.only else " and README.md"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
