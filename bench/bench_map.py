"""Map benchmark (offscreen, real QtWebEngine): JSON + markercluster vs naive folium Markers.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_map.py [--reps 3] [--naive 10000,50000]``
     ``... bench/bench_map.py --demo-png out.png``  (Krasnodar pack + storm scenario, for looking at)
Prints one JSON line of medians (ms, MB). Targets live here, never in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.categories import CODES
from app.queries.map import MapWindow
from app.queries.messages import MessageRow
from bench.common import emit
from widgets.shell.qtapp import create_application, spin_until, teardown

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
PAINTED = "requestAnimationFrame(() => requestAnimationFrame(() => { window.__painted = %d; }));"


def synthetic(n: int, first_id: int = 1, seed: int = 1, spread: str = "uniform") -> list[MessageRow]:
    """``uniform``: spread evenly over the region (markercluster's worst case: little to merge);
    ``towns``: as messages really fall, around the settlements by population (app.demo.settlements)."""
    rng = random.Random(seed + first_id)
    place = _uniform if spread == "uniform" else _near_town
    return [MessageRow(first_id + i, NOW - timedelta(seconds=rng.uniform(0, 86400)), "bench", f"автор {i}",
                       f"Нет света, дом {i}", "Краснодар", "Краснодарский край", f"ул. Мира, {i % 300}",
                       rng.choice(CODES), *place(rng)) for i in range(n)]


def _uniform(rng: random.Random) -> tuple[float, float]:
    return rng.uniform(43.5, 46.8), rng.uniform(37.3, 41.5)


def _near_town(rng: random.Random) -> tuple[float, float]:
    from app.demo.settlements import SETTLEMENTS

    town = rng.choices(SETTLEMENTS, weights=[s.population for s in SETTLEMENTS])[0]
    spread = town.radius_km / 111
    return town.lat + rng.gauss(0, spread / 2), town.lon + rng.gauss(0, spread / 2 / 0.7)


def _wait_painted(view, token: int, timeout: float = 120) -> None:
    """Two frames after everything queued so far, with marker or cluster icons in the page.

    The icons matter: with markercluster's chunked loading the frames came long
    before any marker showed (an earlier version of this bench timed only the frames).
    """
    view.run_script(PAINTED % token)
    box: dict = {}
    probe = "(window.__painted || 0) * (document.querySelector('.leaflet-marker-icon') ? 1 : -1)"
    spin_until(lambda: (view.evaluate(probe, lambda v: box.update(v=v)) or box.get("v") == token),
               timeout, step_ms=2)
    if box.get("v") != token:
        raise TimeoutError(f"map not painted with markers within {timeout} s")


def _fresh_view(context, spec=None):
    from maps.qt.view import MapView

    view = MapView(context, spec)
    view.resize(1280, 800)
    view.show()
    spin_until(lambda: view.is_ready, 60)
    return view


def ours(context, n: int, spread: str = "uniform") -> dict:
    """Initial render of n, append 100, window switch 24 h → 6 h and back; renderer memory."""
    view = _fresh_view(context)
    rows = synthetic(n, spread=spread)
    started = time.perf_counter()
    view.add_messages(rows)
    _wait_painted(view, 1)
    initial = time.perf_counter() - started
    extra = synthetic(100, first_id=n + 1, spread=spread)
    started = time.perf_counter()
    view.add_messages(extra)
    _wait_painted(view, 2)
    append = time.perf_counter() - started
    started = time.perf_counter()
    view.set_filter(MapWindow.last_hours(NOW, 6))
    _wait_painted(view, 3)
    switch = time.perf_counter() - started
    memory = renderer_mb()
    started = time.perf_counter()
    view.set_filter(MapWindow.last_hours(NOW, 24))
    _wait_painted(view, 4)
    widen = time.perf_counter() - started
    teardown_view(view)
    return {"initial_ms": initial * 1000, "append100_ms": append * 1000, "switch_ms": switch * 1000,
            "widen_ms": widen * 1000, "renderer_mb": memory}


def naive(context, n: int) -> float:
    """A folium page with one Marker (with popup) per message, built and loaded: seconds to painted."""
    import folium
    from folium.plugins import MarkerCluster

    from maps.page.build import OfflineMap, OfflineMarkerCluster
    from maps.qt.view import MapView

    started = time.perf_counter()
    fmap = OfflineMap(location=(45.1, 39.2), zoom_start=7, tiles=None, maxZoom=18)
    cluster = OfflineMarkerCluster().add_to(fmap)
    for row in synthetic(n):
        folium.Marker((row.lat, row.lon), popup=row.text).add_to(cluster)
    html = fmap.get_root().render()
    assert isinstance(cluster, MarkerCluster)
    view = MapView.__new__(MapView)  # a plain web view on the naive page
    from PySide6.QtWebEngineCore import QWebEnginePage
    from PySide6.QtWebEngineWidgets import QWebEngineView

    view = QWebEngineView()
    page = QWebEnginePage(context.profile, view)
    view.setPage(page)
    view.resize(1280, 800)
    view.show()
    done: list[bool] = []
    page.loadFinished.connect(done.append)
    view.load(context.pages.put("naive.html", html))
    spin_until(lambda: bool(done), 300)
    box: dict = {}
    spin_until(lambda: (page.runJavaScript("document.querySelectorAll('.marker-cluster, .leaflet-marker-icon').length",
                                           0, lambda v: box.update(v=v)) or (box.get("v") or 0) > 0), 300, step_ms=5)
    elapsed = time.perf_counter() - started
    teardown_view(view)
    return elapsed


def teardown_view(view) -> None:
    view.deleteLater()
    spin_until(lambda: False, 0.3)


def _status(pid: int | str) -> dict[str, str]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {k: v.strip() for k, _, v in (line.partition(":") for line in lines)}


def renderer_mb() -> float:
    """Resident memory of this process's renderers: QtWebEngine processes forked by a zygote of ours.

    Renderers keep the zygote's command line (``--type=zygote``), so they are found by parentage.
    """
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        status = _status(pid)
        parent = _status(status.get("PPid", "0"))
        if status.get("Name", "").startswith("QtWebEngine") and parent.get("Name", "").startswith("QtWebEngine") \
                and _descends(int(status["PPid"])):
            total += int(status.get("VmRSS", "0 kB").split()[0])
    return total / 1024


def _descends(pid: int) -> bool:
    me = os.getpid()
    for _ in range(6):
        if pid == me:
            return True
        pid = int(_status(pid).get("PPid", "0"))
        if pid == 0:
            return False
    return False


def run(reps: int, sizes: list[int], naive_sizes: list[int], spreads: list[str]) -> dict:
    from maps.qt.web import WebContext

    create_application(headless=True)
    context = WebContext()
    result: dict = {"reps": reps, "raw": {}}
    for spread in spreads:
        for n in sizes:
            key = str(n) if spread == "uniform" else f"{n}_{spread}"
            runs = [ours(context, n, spread) for _ in range(reps)]
            result[key] = {k: round(statistics.median(r[k] for r in runs), 1) for k in runs[0]}
            result["raw"][key] = {k: [r[k] for r in runs] for k in runs[0]}
    for n in naive_sizes:
        result[f"naive_{n}_ms"] = round(naive(context, n) * 1000)
    teardown(context)
    return result


def demo_png(path: str) -> None:
    """Krasnodar pack + six hours of the storm scenario, 24-hour window, saved as PNG."""
    import tempfile

    from app.core import open_core
    from app.demo import DEMO_REGION, demo_scenario, play
    from widgets.selftest.selftest import demo_panel_png

    create_application(headless=True)
    with tempfile.TemporaryDirectory() as tmp:
        core = open_core(f"sqlite:///{tmp}/demo.sqlite3", region=DEMO_REGION)
        scenario = demo_scenario(NOW, hours_before=6)
        play(core.store, scenario, scenario.start, NOW, core.pipeline)
        pack = Path(__file__).resolve().parents[2] / "shared" / "data" / "boundaries" / \
            "krasnodar_krai_municipalities.geojson"
        demo_panel_png(core, str(pack), NOW, path)
        core.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--sizes", default="50000,100000")
    parser.add_argument("--naive", default="10000,50000")
    parser.add_argument("--spreads", default="uniform,towns", help="uniform (worst case) and/or towns")
    parser.add_argument("--demo-png")
    parser.add_argument("--json", action="store_true", help="also print the per-run values for bench/run_all.py")
    args = parser.parse_args()
    if args.demo_png:
        demo_png(args.demo_png)
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s]
    naive_sizes = [int(s) for s in args.naive.split(",") if s]
    result = run(args.reps, sizes, naive_sizes, [s for s in args.spreads.split(",") if s])
    raw = result.pop("raw")
    print(json.dumps(result))
    if args.json:
        emit({**result, "raw": raw})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
