"""Cold start: process start to the first painted map with demo data, vs a bare QWebEngineView blank page.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_startup.py [--reps 5] [--json]``

Both sides are fresh Python processes timed from just before ``Popen`` to the moment the child
reports its page painted (two ``requestAnimationFrame`` after the condition holds):
- app: the real ``main.py --demo`` code path (operator window, in-process feed server and poller,
  fresh data directory) until the map page shows demo markers;
- baseline: ``QApplication`` + ``QWebEngineView`` loading ``about:blank``.
Runs are interleaved so machine load hits both alike. Target (issue #20): app ≤ 4× baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import emit  # noqa: E402

TARGET_RATIO = 4.0
PAINTED = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(1))))"
MARK = "PAINTED_AT "


def _painted(page, done) -> None:
    """Ask the page for two animation frames, then report the wall time."""
    page.runJavaScript(PAINTED, 0, lambda _v: done())


def _report() -> None:
    print(f"{MARK}{time.time():.6f}", flush=True)


def child_blank() -> int:
    from PySide6.QtWebEngineWidgets import QWebEngineView
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    view = QWebEngineView()
    view.resize(1280, 800)
    view.show()

    def finish() -> None:
        _report()
        app.quit()

    view.loadFinished.connect(lambda _ok: _painted(view.page(), finish))
    view.load("about:blank")
    app.exec()
    view.deleteLater()  # before the profile goes, or QtWebEngine may crash at exit
    app.processEvents()
    return 0


def _watch_window(app) -> None:
    """Poll the operator window's map until it shows markers, then report painted and close."""
    from PySide6.QtCore import QTimer

    state = {"asked": False}

    def check() -> None:
        window = next((w for w in app.topLevelWidgets() if hasattr(w, "map_view") and w.isVisible()), None)
        if window is None or not window.map_view.is_ready or state["asked"]:
            return
        window.map_view.stats(lambda s: on_stats(window, s or {}))

    def on_stats(window, stats: dict) -> None:
        if stats.get("markers", 0) > 0 and not state["asked"]:
            state["asked"] = True
            _painted(window.map_view.page(), lambda: (_report(), window.close()))

    timer = QTimer(app)
    timer.setInterval(20)
    timer.timeout.connect(check)
    timer.start()


def child_app() -> int:
    import main
    from widgets.shell.qtapp import create_application

    app = create_application()
    _watch_window(app)
    return main.main(["--demo"])


def _one(kind: str, data_dir: Path) -> float:
    env = dict(os.environ, OPERSHTAB_DATA_DIR=str(data_dir), QT_QPA_PLATFORM="offscreen")
    started = time.time()
    out = subprocess.run([sys.executable, __file__, "--child", kind], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=180)
    marks = [line for line in out.stdout.splitlines() if line.startswith(MARK)]
    if not marks:
        raise RuntimeError(f"{kind}: no painted mark (exit {out.returncode}): {out.stderr[-800:]}")
    return float(marks[-1][len(MARK):]) - started


def measure(reps: int) -> dict[str, list[float]]:
    result: dict[str, list[float]] = {"app_s": [], "blank_s": []}
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        for i in range(reps):
            result["blank_s"].append(_one("blank", Path(tmp) / f"blank{i}"))
            result["app_s"].append(_one("app", Path(tmp) / f"app{i}"))  # a fresh data directory: cold
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--child", choices=["app", "blank"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.child:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        return child_app() if args.child == "app" else child_blank()
    result = measure(args.reps)
    app, blank = statistics.median(result["app_s"]), statistics.median(result["blank_s"])
    print(json.dumps({"app_median_s": round(app, 3), "blank_median_s": round(blank, 3), "ratio": round(app / blank, 2),
                      "target_ratio": TARGET_RATIO, "within_target": app / blank <= TARGET_RATIO}))
    if args.json:
        emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
