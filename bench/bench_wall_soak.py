"""Soak of the wall display (issue 8): ``main.py --wall --demo`` at 50× speed for a simulated day.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_wall_soak.py [--sim-hours 24] [--speed 50] [--json]``
(24 simulated hours at 50× take ≈ 29 real minutes; the harness runs a shorter soak by default).

The real wall code path runs in this process (``WallWindow`` fed by the in-process feed server and
the real poller, a fresh data directory). Measured:
- RSS growth after warm-up: this process plus its QtWebEngine processes, first sample after warm-up
  vs the last sample (target ≤ 15 %);
- page reloads: ``loadStarted`` of the wall's web views after their first load (target 0);
- idle CPU: this process's CPU (/proc/self/stat) over half-second slices with no update delivered in
  or just before them; the median is reported (target ≤ 3 %).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import emit, proc_cpu_seconds, proc_rss_mb, tree_rss_mb  # noqa: E402

SLICE_S = 0.5
WARMUP_SHARE = 0.15  # first 15 % of the run (at least 30 s) is warm-up: page load, caches, first queries
TARGETS = {"rss_growth": 0.15, "reloads": 0, "idle_cpu": 0.03}


class Probe:
    """Samples taken on the Qt main thread by a timer while the wall runs."""

    def __init__(self, duration_s: float) -> None:
        self.duration_s, self.started = duration_s, time.monotonic()
        self.warmup_s = max(30.0, WARMUP_SHARE * duration_s)
        self.updates: list[float] = []
        self.reloads, self.hooked = 0, False
        self.rss: list[tuple[float, float, float]] = []  # (t, own MB, tree MB)
        self.slices: list[tuple[float, float]] = []  # (slice start, CPU share)
        self._last = (time.monotonic(), proc_cpu_seconds())

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def on_update(self) -> None:
        self.updates.append(time.monotonic())

    def tick(self) -> None:
        now, cpu = time.monotonic(), proc_cpu_seconds()
        self.slices.append((self._last[0], (cpu - self._last[1]) / max(1e-6, now - self._last[0])))
        self._last = (now, cpu)
        if len(self.slices) % 20 == 0:  # every 10 s
            self.rss.append((self.elapsed(), proc_rss_mb(), tree_rss_mb()))

    def idle_shares(self) -> list[float]:
        warm_end = self.started + self.warmup_s
        return [share for start, share in self.slices if start >= warm_end
                and not any(start - SLICE_S <= u <= start + SLICE_S for u in self.updates)]

    def result(self) -> dict:
        after = [r for r in self.rss if r[0] >= self.warmup_s] or self.rss[-1:]
        first, last = after[0], after[-1]
        idle = self.idle_shares()
        return {"duration_s": self.elapsed(), "warmup_s": self.warmup_s, "updates": len(self.updates),
                "reloads": self.reloads, "rss_own_mb": [first[1], last[1]], "rss_tree_mb": [first[2], last[2]],
                "rss_growth": last[2] / first[2] - 1, "rss_own_growth": last[1] / first[1] - 1,
                "idle_cpu_slices": idle, "idle_cpu_median": statistics.median(idle) if idle else None,
                "rss_samples": self.rss}


def _hook_wall(probe: Probe) -> None:
    """Count updates delivered to the wall (a wrapper on the class: the window is built inside main)."""
    from widgets.wall.wall import WallWindow

    original = WallWindow._on_rows  # new messages, read after the core announced them

    def on_rows(self, rows) -> None:
        probe.on_update()
        original(self, rows)

    WallWindow._on_rows = on_rows  # type: ignore[method-assign]


def _on_tick(app, probe: Probe) -> None:
    from PySide6.QtWebEngineWidgets import QWebEngineView

    probe.tick()
    wall = next((w for w in app.topLevelWidgets() if type(w).__name__ == "WallWindow"), None)
    if wall is not None and not probe.hooked:
        views = wall.findChildren(QWebEngineView)
        if views and all(getattr(v, "is_ready", True) for v in views):
            probe.hooked = True  # from here on, any load is a reload
            for view in views:
                view.loadStarted.connect(lambda: setattr(probe, "reloads", probe.reloads + 1))
    if probe.elapsed() >= probe.duration_s and wall is not None:
        wall.close()


def soak(sim_hours: float, speed: float) -> dict:
    from PySide6.QtCore import QTimer

    import main
    from widgets.shell.qtapp import create_application

    probe = Probe(sim_hours * 3600 / speed)
    _hook_wall(probe)
    app = create_application(headless=True)
    timer = QTimer(app)
    timer.setInterval(int(SLICE_S * 1000))
    timer.timeout.connect(lambda: _on_tick(app, probe))
    timer.start()
    code = main.main(["--wall", "--demo", "--speed", str(speed)])
    timer.stop()
    return {**probe.result(), "exit_code": code, "sim_hours": sim_hours, "speed": speed}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sim-hours", type=float, default=24.0, help="simulated hours (real time = hours·3600/speed)")
    parser.add_argument("--speed", type=float, default=50.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="bench-soak-") as tmp:
        os.environ["OPERSHTAB_DATA_DIR"] = tmp  # fresh demo database and settings, never the user's
        result = soak(args.sim_hours, args.speed)
    summary = {k: v for k, v in result.items() if k not in ("idle_cpu_slices", "rss_samples")}
    print(json.dumps(summary, default=float))
    if args.json:
        emit(result)
    ok = result["rss_growth"] <= TARGETS["rss_growth"] and result["reloads"] == 0 and \
        (result["idle_cpu_median"] or 0) <= TARGETS["idle_cpu"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
