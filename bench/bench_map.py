"""Map engine benchmark (offscreen, real QtWebEngine): supercluster on a canvas vs the old markercluster page.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_map.py --sizes 100000,1000000 --json``
     ``... bench/bench_map.py --shots docs/img``  (a million messages over Russia, the storm at street zoom)
Prints one JSON object per size (medians of ``--reps`` runs, each in a fresh process so that the
renderer's memory is its own): ``points``, ``first_paint_s``, ``append_ms`` (1,000 more),
``window_ms`` (24 h ↔ 6 h), ``zoom_ms`` (one step in and out, timed in the page: the operator's wheel
needs no Python; ``zoom_from_python_ms`` is the same step asked for from Python; ``zoom_points_only_ms``
with the basemap, towns and region shapes taken off the page), ``renderer_mb`` after load,
``index_s`` (until every time bucket is indexed), ``pack_rows_s`` (MessageRow → columns in Python);
at ``--baseline`` sizes also ``baseline_first_paint_s``: the markercluster page of before, same run.
Data: messages over the last 24 hours spread evenly over Krasnodar Krai (``uniform``, little to merge)
or around its towns by population (``towns``). Timed targets live here, never in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.common import emit  # noqa: E402

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
DAY_MS = 86_400_000
CODES = ("power", "water", "heating", "gas", "storm", "flood", "roads", "waste", "health", "telecom", "other")
KRASNODAR = (43.5, 37.3, 46.8, 41.5)  # south, west, north, east
RESULT = "RESULT "
LEGACY_JS = ROOT / "bench" / "legacy" / "opershtab_markercluster.js"
LEGACY_PAGE_JS = [("jquery", "app://assets/jquery/dist/jquery.min.js"),
                  ("bootstrap", "app://assets/bootstrap/dist/js/bootstrap.bundle.min.js"),
                  ("awesome_markers", "app://assets/leaflet.awesome-markers/dist/leaflet.awesome-markers.js")]
LEGACY_PAGE_CSS = [("awesome_markers_css", "app://assets/leaflet.awesome-markers/dist/leaflet.awesome-markers.css")]
TIMED = ("first_paint_s", "append_ms", "window_ms", "zoom_ms", "renderer_mb", "index_s")


# ----- data -----
def columns(n: int, first_id: int = 1, seed: int = 1, spread: str = "uniform", hours: float = 24):
    """A PointBatch of n messages in the ``hours`` before NOW (numpy, no Python objects per row)."""
    import numpy as np

    from maps.page.points import PointBatch

    rng = np.random.default_rng(seed + first_id)
    if spread == "uniform":
        lat, lon = rng.uniform(KRASNODAR[0], KRASNODAR[2], n), rng.uniform(KRASNODAR[1], KRASNODAR[3], n)
    else:
        lat, lon = _around(rng, n, _krasnodar_towns())
    t_ms = NOW.timestamp() * 1000 - rng.uniform(0, hours * 3_600_000, n)
    return PointBatch(np.arange(first_id, first_id + n, dtype=np.float64), t_ms, lat, lon,
                      rng.integers(0, len(CODES), n), CODES)


def _krasnodar_towns() -> list[tuple[float, float, float, float]]:
    from app.demo.settlements import SETTLEMENTS

    return [(s.lat, s.lon, s.population, s.radius_km) for s in SETTLEMENTS]


def _russia_towns() -> list[tuple[float, float, float, float]]:
    from app.common.paths import generated_dir
    from app.region.build import BASEMAP_NAME

    towns = json.loads((generated_dir() / BASEMAP_NAME).read_text(encoding="utf-8"))["settlements"]
    return [(t["lat"], t["lon"], t["population"], 3 + (t["population"] / 1e6) ** 0.5 * 8) for t in towns]


def _around(rng, n: int, towns):
    """Points scattered around towns, as many as their population says (radius in km)."""
    import numpy as np

    lat0, lon0, weight, radius = (np.array(c, dtype=np.float64) for c in zip(*towns, strict=True))
    pick = rng.choice(len(towns), n, p=weight / weight.sum())
    spread = radius[pick] / 111 / 2
    lat = lat0[pick] + rng.normal(0, 1, n) * spread
    lon = lon0[pick] + rng.normal(0, 1, n) * spread / np.cos(np.radians(lat0[pick]))
    return np.clip(lat, -85, 85), np.clip(lon, -180, 180)


def synthetic(n: int, first_id: int = 1, seed: int = 1):
    """The same kind of messages as MessageRow objects (the baseline path and the Python packing cost)."""
    from app.queries.messages import MessageRow

    rng = random.Random(seed + first_id)
    return [MessageRow(first_id + i, NOW - timedelta(seconds=rng.uniform(0, 86400)), "bench", f"автор {i}",
                       f"Нет света, дом {i}", "Краснодар", "Краснодарский край", f"ул. Мира, {i % 300}",
                       rng.choice(CODES), rng.uniform(KRASNODAR[0], KRASNODAR[2]),
                       rng.uniform(KRASNODAR[1], KRASNODAR[3])) for i in range(n)]


# ----- measuring in the page -----
class Page:
    """A MapView on the Krasnodar Krai page, 1280 × 800, with precise "painted" waits."""

    def __init__(self) -> None:
        from app.region import region
        from maps.page.build import spec_for
        from maps.qt.view import MapView
        from maps.qt.web import WebContext
        from widgets.shell.qtapp import create_application, spin_until

        create_application(headless=True)
        self.spin = spin_until
        self.context = WebContext()
        self.view = MapView(self.context, spec_for(region("RU-KDA")))
        self.view.resize(1280, 800)
        self.view.show()
        spin_until(lambda: self.view.is_ready, 60)
        self.token = 0
        # Time the engine, not the page's own start: the basemap and the fonts are in before the clock runs.
        spin_until(lambda: self.value("opershtab.stats().basemap === 1 && document.fonts.status === 'loaded'"), 60)
        self.painted()

    def value(self, expression: str, timeout: float = 120):
        box: dict = {}
        self.view.evaluate(expression, lambda v: box.update(v=v))
        self.spin(lambda: "v" in box, timeout, step_ms=1)
        return box.get("v")

    def painted(self, timeout: float = 300) -> None:
        """Everything queued is applied (blocks fetched), drawn, and two frames have passed; the page says
        so through the web channel (polling with evaluate added a round trip per poll, and lagged under load)."""
        self.token += 1
        token, seen = self.token, []
        self.view.bridge.painted.connect(seen.append)
        self.view.run_script("opershtab.whenLoaded(() => requestAnimationFrame(() => requestAnimationFrame(() =>"
                             f" opershtab.send({{type: 'painted', id: {token}}}))));")
        try:
            if not self.spin(lambda: token in seen, timeout, step_ms=1):
                raise TimeoutError("the map did not paint")
        finally:
            self.view.bridge.painted.disconnect(seen.append)

    def zoom_step(self, zoom: int) -> float:
        """A zoom step as the operator makes it, in the page (wheel or +/-, no Python in between):
        from the call to the second animation frame after it, read from the page's own clock."""
        self.view.run_script("window.__zoomed = null; (() => { const t0 = performance.now();"
                             f"opershtab.setZoom({zoom});"
                             "requestAnimationFrame(() => requestAnimationFrame(() => {"
                             " window.__zoomed = performance.now() - t0; })); })();")
        self.spin(lambda: self.value("window.__zoomed") is not None, 60, step_ms=5)
        return self.value("window.__zoomed") / 1000

    def bare_zoom_steps(self, zoom: int) -> list[float]:
        """The same zoom steps with only the message layer left (no basemap, towns, region shapes):
        what the engine costs, apart from the rest of the page."""
        self.view.run_script("opershtabLayers.setVisible('basemap', false); opershtabLayers.setVisible('settlements',"
                             " false); (() => { const m = Object.values(window).find(v => v instanceof L.Map);"
                             " Object.values(m._layers).forEach(l => { if (l instanceof L.Path) m.removeLayer(l); });"
                             " })();")
        self.painted()
        return [self.zoom_step(zoom + step) for _ in range(3) for step in (1, 0)]

    def timed(self, action) -> float:
        started = time.perf_counter()
        action()
        self.painted()
        return time.perf_counter() - started

    def close(self) -> None:
        from widgets.shell.qtapp import teardown

        teardown(self.context, self.view)


def one_run(n: int, spread: str) -> dict:
    """First paint of n, then (indexes built) appends, window changes, zoom steps; renderer memory."""
    from app.queries.map import MapWindow

    page = Page()
    batch = columns(n, spread=spread)
    first = page.timed(lambda: page.view.add_points(batch))
    drawn = page.value("opershtab.stats().drawn")
    started = time.perf_counter()
    page.spin(lambda: page.value("opershtab.stats().pending") == 0, 600, step_ms=20)
    index_s = time.perf_counter() - started + first
    memory = renderer_mb()
    appends = [page.timed(lambda k=k: page.view.add_points(columns(1000, n + 1 + k * 1000, spread=spread, hours=1)))
               for k in range(5)]
    windows = []
    for _ in range(3):
        windows.append(page.timed(lambda: page.view.set_filter(MapWindow.last_hours(NOW, 6))))
        windows.append(page.timed(lambda: page.view.set_filter(MapWindow.last_hours(NOW, 24))))
    zoom = page.value("opershtab.zoom()")
    zooms = [page.zoom_step(zoom + step) for _ in range(3) for step in (1, 0)]
    driven = [page.timed(lambda z=zoom + step: page.view.run_script(f"opershtab.setZoom({z});"))
              for _ in range(2) for step in (1, 0)]
    bare = page.bare_zoom_steps(zoom)
    stats = page.value("opershtab.stats()")
    page.close()
    return {"first_paint_s": first, "drawn_first": drawn, "index_s": index_s, "renderer_mb": memory,
            "append_ms": statistics.median(appends) * 1000, "window_ms": statistics.median(windows) * 1000,
            "zoom_ms": statistics.median(zooms) * 1000, "zoom_from_python_ms": statistics.median(driven) * 1000,
            "zoom_points_only_ms": statistics.median(bare) * 1000,
            "frame_ms": stats["frame_ms"], "index_mb": stats["index_mb"],
            "markers": stats["markers"]}


def baseline_run(n: int) -> dict:
    """The markercluster page of before (folium + JSON + per-marker objects), same machine, same run."""
    from maps.page.points import points_json

    page = LegacyPage()
    rows = synthetic(n)
    started = time.perf_counter()
    page.run(f"opershtab.addMessages({points_json(rows)});")
    page.wait_markers()
    first = time.perf_counter() - started
    memory = renderer_mb()
    page.close()
    return {"first_paint_s": first, "renderer_mb": memory}


class LegacyPage:
    """The old page: folium map + Leaflet.markercluster + the old page script (bench/legacy)."""

    def __init__(self) -> None:
        from folium.plugins import MarkerCluster
        from PySide6.QtWebEngineCore import QWebEnginePage
        from PySide6.QtWebEngineWidgets import QWebEngineView

        from app.region import region
        from maps.page import assets
        from maps.page.build import OfflineMap, page_config, spec_for
        from maps.page.script import script_json
        from maps.qt.web import WebContext
        from widgets.shell.qtapp import create_application, spin_until

        class Cluster(MarkerCluster):
            default_js = assets.MARKERCLUSTER_JS
            default_css = assets.MARKERCLUSTER_CSS

        create_application(headless=True)
        self.spin = spin_until
        spec = spec_for(region("RU-KDA"))

        class LegacyMap(OfflineMap):  # folium's default scripts and styles, as the old page loaded them
            default_js = (*assets.LEAFLET_JS, *LEGACY_PAGE_JS)
            default_css = (*assets.LEAFLET_CSS, *LEGACY_PAGE_CSS)

        fmap = LegacyMap(location=spec.center, zoom_start=spec.zoom, tiles=None, prefer_canvas=True, maxZoom=18)
        options = {"chunkedLoading": False, "maxClusterRadius": 60, "disableClusteringAtZoom": 16}
        cluster = Cluster(name="Сообщения", options=options).add_to(fmap)
        html = fmap.get_root().render()
        config = script_json(page_config(spec))
        script = LEGACY_JS.read_text(encoding="utf-8").replace("</", "<\\/")
        init = (f"<script>{script}</script><script>opershtab.init({{map: {fmap.get_name()}, "
                f"cluster: {cluster.get_name()}, config: {config}}});</script>")
        heat = f'<script src="{assets.HEAT_JS[0][1]}"></script>'
        html = html.replace("</head>", heat + "</head>").replace("</html>", init + "</html>")
        self.context = WebContext()
        self.view = QWebEngineView()
        self.page = QWebEnginePage(self.context.profile, self.view)
        self.view.setPage(self.page)
        self.view.resize(1280, 800)
        self.view.show()
        loaded: list[bool] = []
        self.page.loadFinished.connect(loaded.append)
        self.view.load(self.context.pages.put("legacy.html", html))
        spin_until(lambda: bool(loaded), 60)

    def run(self, script: str) -> None:
        self.page.runJavaScript(script + "\nvoid 0;")

    def wait_markers(self) -> None:
        probe = ("(() => { if (!window.__asked && document.querySelector('.leaflet-marker-icon')) {"
                 " window.__asked = 1; requestAnimationFrame(() => requestAnimationFrame(() => {"
                 " window.__legacyPainted = 1; })); } return window.__legacyPainted || 0; })()")
        box: dict = {"asked": False}

        def done() -> bool:
            if not box["asked"]:
                box["asked"] = True
                self.page.runJavaScript(probe, 0, lambda v: box.update(v=v, asked=False))
            return box.get("v") == 1

        self.spin(done, 600, step_ms=2)

    def close(self) -> None:
        from widgets.shell.qtapp import teardown

        teardown(self.context, self.view)


def pack_rows_s(n: int) -> float:
    """Python's share when a caller hands MessageRows: rows → typed columns (the page gets the same block)."""
    from maps.page.points import PointBatch

    rows = synthetic(n)
    started = time.perf_counter()
    PointBatch.from_rows(rows).payload()
    return time.perf_counter() - started


# ----- renderer memory -----
def _status(pid: int | str) -> dict[str, str]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {k: v.strip() for k, _, v in (line.partition(":") for line in lines)}


def renderer_mb() -> float:
    """Resident memory of this process's renderers: QtWebEngine processes forked by a zygote of ours."""
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


# ----- one fresh process per run -----
def child(kind: str, n: int, spread: str) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--sizes", str(n), "--spreads", spread]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--no-sandbox" not in env.get("QTWEBENGINE_CHROMIUM_FLAGS", ""):
        env["QTWEBENGINE_CHROMIUM_FLAGS"] = (env.get("QTWEBENGINE_CHROMIUM_FLAGS", "") + " --no-sandbox").strip()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT)]
    if not lines:
        raise RuntimeError(f"{kind} {n}: {done.stderr.strip().splitlines()[-1:] or ['no output']}")
    return json.loads(lines[-1][len(RESULT):])


def measure(n: int, spread: str, reps: int, baseline: bool) -> tuple[dict, dict]:
    load = os.getloadavg()[0]
    runs = [child("ours", n, spread) for _ in range(reps)]
    raw = {k: [r[k] for r in runs] for k in runs[0]}
    result: dict = {"points": n, "spread": spread, "reps": reps}
    result.update({k: round(statistics.median(v), 3) for k, v in raw.items()})
    result["pack_rows_s"] = round(pack_rows_s(n), 3) if n <= 1_000_000 else None
    result["load_avg"] = [round(load, 1), round(os.getloadavg()[0], 1)]  # the machine is shared: before, after
    if baseline:
        base = [child("baseline", n, spread) for _ in range(reps)]
        raw["baseline_first_paint_s"] = [b["first_paint_s"] for b in base]
        raw["baseline_renderer_mb"] = [b["renderer_mb"] for b in base]
        result["baseline_first_paint_s"] = round(statistics.median(raw["baseline_first_paint_s"]), 3)
        result["baseline_renderer_mb"] = round(statistics.median(raw["baseline_renderer_mb"]), 1)
        result["speedup"] = round(result["baseline_first_paint_s"] / result["first_paint_s"], 1)
    return result, raw


# ----- screenshots -----
def shot_million(path: str, n: int = 1_000_000) -> dict:
    """A million messages around Russia's towns (by population), the whole country in view."""
    import numpy as np

    from maps.page.build import MapSpec
    from maps.page.points import PointBatch
    from maps.qt.view import MapView
    from maps.qt.web import WebContext
    from widgets.shell.qtapp import create_application, spin_until, teardown

    create_application(headless=True)
    rng = np.random.default_rng(7)
    lat, lon = _around(rng, n, _russia_towns())
    batch = PointBatch(np.arange(1, n + 1, dtype=np.float64), NOW.timestamp() * 1000 - rng.uniform(0, DAY_MS * 30, n),
                       lat, lon, rng.choice(len(CODES), n, p=[.22, .16, .14, .04, .1, .04, .12, .06, .04, .04, .04]),
                       CODES)
    context = WebContext()
    view = MapView(context, MapSpec())
    view.resize(1600, 900)
    view.show()
    spin_until(lambda: view.is_ready, 60)
    view.add_points(batch)
    return _save(view, context, path, spin_until, teardown)


def shot_storm(path: str) -> dict:
    """Krasnodar Krai's storm (the demo scenario, 24 hours) at street zoom where it is densest."""
    import tempfile

    from app.core import open_core
    from app.demo import DEMO_REGION, demo_scenario, play
    from app.queries.messages import messages_after
    from app.region import region
    from maps.page.build import spec_for
    from maps.qt.view import MapView
    from maps.qt.web import WebContext
    from widgets.shell.qtapp import create_application, spin_until, teardown

    create_application(headless=True)
    with tempfile.TemporaryDirectory() as tmp:
        core = open_core(f"sqlite:///{tmp}/storm.sqlite3", region=DEMO_REGION)
        scenario = demo_scenario(NOW, hours_before=24)
        play(core.store, scenario, scenario.start, NOW, core.pipeline)
        rows = messages_after(core.store, 0)
        core.close()
    context = WebContext()
    view = MapView(context, spec_for(region(DEMO_REGION)))
    view.resize(1600, 900)
    view.show()
    spin_until(lambda: view.is_ready, 60)
    view.add_messages(rows)
    box: dict = {}
    spin_until(lambda: view.evaluate("opershtab.stats()", lambda v: box.update(s=v)) or
               (box.get("s") or {}).get("drawn", 0) > 0, 60)
    densest = _densest(view, spin_until)
    view.run_script(f"opershtab.setView({densest['lat']}, {densest['lon']}, 16);")
    spin_until(lambda: False, 1.0)
    single = _first_single(view, spin_until)
    if single is not None:
        view.show_popup(single)
        spin_until(lambda: False, 1.5)  # the popup has faded in and got its text from Python
    return _save(view, context, path, spin_until, teardown, messages=len(rows))


def _densest(view, spin_until) -> dict:
    box: dict = {}
    view.run_script("opershtab.setView(45.04, 38.98, 12);")
    spin_until(lambda: False, 0.5)
    view.evaluate("opershtab.frame()", lambda v: box.update(v=v))
    spin_until(lambda: "v" in box, 30)
    return max(box["v"], key=lambda item: item["count"])


def _first_single(view, spin_until) -> int | None:
    box: dict = {}
    view.evaluate("opershtab.frame().filter(i => i.id !== null && i.x > 500 && i.x < 1100 && i.y > 300"
                  " && i.y < 700).map(i => i.id)", lambda v: box.update(v=v))
    spin_until(lambda: "v" in box, 30)
    return box["v"][0] if box["v"] else None


def _save(view, context, path: str, spin_until, teardown, **extra) -> dict:
    box: dict = {}
    spin_until(lambda: view.evaluate("opershtab.stats()", lambda v: box.update(s=v)) or
               ((box.get("s") or {}).get("pending") == 0 and (box.get("s") or {}).get("drawn", 0) > 0), 600)
    images: list = []
    view.grab_settled(images.append)
    spin_until(lambda: bool(images), 60)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    images[0].save(path, "PNG")
    stats = box["s"]
    teardown(context, view)
    return {"path": path, "markers": stats["markers"], "drawn": stats["drawn"], "items": stats["items"], **extra}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--baseline", default="100000", help="sizes that also run the markercluster page")
    parser.add_argument("--spreads", default="uniform", help="uniform (little to merge) and/or towns")
    parser.add_argument("--shots", help="directory: write map_million.png and map_storm_street.png there")
    parser.add_argument("--child", choices=("ours", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="also print the per-run values for bench/run_all.py")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.child:
        run = one_run if args.child == "ours" else lambda n, _spread: baseline_run(n)
        print(RESULT + json.dumps(run(sizes[0], args.spreads)), flush=True)
        return 0
    if args.shots:
        print(json.dumps(shot_million(str(Path(args.shots) / "map_million.png"))), flush=True)
        print(json.dumps(shot_storm(str(Path(args.shots) / "map_storm_street.png"))), flush=True)
        return 0
    baseline = {int(s) for s in args.baseline.split(",") if s}
    raw: dict = {}
    for spread in (s for s in args.spreads.split(",") if s):
        for n in sizes:
            result, raw[f"{n}_{spread}"] = measure(n, spread, args.reps, n in baseline)
            print(json.dumps(result), flush=True)
            raw[f"{n}_{spread}"]["result"] = result
    if args.json:
        emit({"raw": raw})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
