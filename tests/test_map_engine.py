"""The map engine in a real QtWebEngine: supercluster indexes in a worker, the canvas frame, clicks.

Counts are compared with the fixture's own figures (tests/fixtures.py), computed here without
the page; the same assertions run on rows scanned directly and on supercluster indexes.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from app.intake.writer import Incoming, store_incoming
from app.queries.map import MapWindow
from app.queries.messages import MessageRow, messages_after
from maps.page.points import PointBatch, mercator
from tests.fixtures import FIXTURE_START, PLACES, fixture_messages, fixture_total
from tests.qt_helpers import page_value, ready_map, wait_markers
from tests.test_map_layers import click

ROOT = Path(__file__).resolve().parents[1]
HOSTILE_CATEGORIES = ["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty",
                      "<img src=x onerror=\"window.__pwned=1\">", "</script><script>window.__pwned=1</script>",
                      "${window.__pwned=1}", "length", "\u2028", "power "]


def _town_counts() -> dict[str, Counter]:
    """Category counts per fixture town, from the fixture's records."""
    counts: dict[str, Counter] = {name: Counter() for name, _lat, _lon in PLACES}
    for item in fixture_messages():
        counts[item.settlement][item.category] += 1
    return counts


def _frame(qtbot, view, zoom: int, lat: float = 44.55, lon: float = 39.6) -> list[dict]:
    """What the page drew once it shows ``zoom`` centred on lat, lon (an animation may still be ending)."""
    def there() -> bool:
        stats = page_value(qtbot, view, "opershtab.stats()")
        centre = stats["frame_center"] or [0, 0]
        return stats["frame_zoom"] == zoom and abs(centre[0] - lat) < 1e-6 and abs(centre[1] - lon) < 1e-6

    qtbot.waitUntil(lambda: view.run_script(f"opershtab.setView({lat}, {lon}, {zoom});") or there())
    return page_value(qtbot, view, "opershtab.frame()")


def _in_view(item: dict, size: tuple[int, int] = (1000, 700)) -> bool:
    return 0 <= item["x"] <= size[0] and 0 <= item["y"] <= size[1]


def _nearest(items: list[dict], lat: float, lon: float) -> dict:
    return min(items, key=lambda i: (i["lat"] - lat) ** 2 + (i["lon"] - lon) ** 2)


def _loaded(qtbot, web_context, store, index: bool):
    view = ready_map(qtbot, web_context, (1000, 700))
    if index:
        view.run_script("opershtab.tune({indexMin: 2});")
    view.add_messages(messages_after(store, 0))
    wait_markers(qtbot, view, fixture_total())
    if index:  # every bucket of the fixture is indexed by supercluster in the worker
        qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtab.stats().indexed") == fixture_total(), timeout=20000)
        assert page_value(qtbot, view, "opershtab.stats().worker") == "worker"
    return view


@pytest.mark.parametrize("index", [False, True], ids=["rows", "supercluster"])
def test_cluster_counts_and_rings_match_the_fixture(qtbot, web_context, fixture_store, index):
    view = _loaded(qtbot, web_context, fixture_store, index)
    expected = _town_counts()
    for zoom in (7, 8):  # all three towns in view, each its own cluster
        items = _frame(qtbot, view, zoom)
        assert sum(i["count"] for i in items) == fixture_total(), zoom
        for name, lat, lon in PLACES:
            item = _nearest(items, lat, lon)
            assert item["count"] == sum(expected[name].values()), (zoom, name)
            assert dict(item["mix"]) == dict(expected[name]), (zoom, name)  # the ring: [code, count] pairs
    for zoom in (10, 12):  # one town in view: one cluster holding all of its messages
        for name, lat, lon in PLACES:
            items = [i for i in _frame(qtbot, view, zoom, lat + 0.005, lon) if _in_view(i)]
            assert len(items) == 1 and items[0]["count"] == sum(expected[name].values()), (zoom, name)
            assert dict(items[0]["mix"]) == dict(expected[name]), (zoom, name)
    assert page_value(qtbot, view, "opershtab.stats().raw") == (0 if index else fixture_total())
    # at street level one town's messages stand apart: singles, and piles of those at one spot
    items = _frame(qtbot, view, 16, PLACES[1][1] + 0.0055, PLACES[1][2])
    assert sum(i["count"] for i in items) == sum(expected[PLACES[1][0]].values())
    assert any(i["id"] is not None for i in items) and any(i["count"] > 1 for i in items)
    assert view.console_errors == [] and web_context.guard.blocked_count == 0


def _ids(rows, keep) -> list[int]:
    return sorted(r.id for r in rows if keep(r))


@pytest.mark.parametrize("index", [False, True], ids=["rows", "supercluster"])
def test_appends_windows_and_filters_change_exactly_the_expected_points(qtbot, web_context, fixture_store, index):
    rows = messages_after(fixture_store, 0)
    first, later = rows[: len(rows) // 2], rows[len(rows) // 2:]
    view = ready_map(qtbot, web_context, (1000, 700))
    if index:
        view.run_script("opershtab.tune({indexMin: 2});")
    view.add_messages(first)
    wait_markers(qtbot, view, len(first))
    view.add_messages(later)  # a live append: the page is not rebuilt, the new rows join the old
    wait_markers(qtbot, view, len(rows))
    assert page_value(qtbot, view, "opershtab.visibleIds()") == _ids(rows, lambda r: True)
    windows = [MapWindow(FIXTURE_START + timedelta(hours=2), FIXTURE_START + timedelta(hours=3)),
               MapWindow(FIXTURE_START + timedelta(minutes=90), FIXTURE_START + timedelta(minutes=200)),
               MapWindow(FIXTURE_START, FIXTURE_START + timedelta(hours=4), frozenset({"power", "flood"})),
               None]
    for window in windows:
        view.set_filter(window)
        keep = (lambda r: True) if window is None else (lambda r, w=window: w.start <= r.published_at < w.end and (
            not w.categories or r.category in w.categories))
        expected = _ids(rows, keep)
        qtbot.waitUntil(lambda e=expected: page_value(qtbot, view, "opershtab.stats().drawn") == len(e))
        assert page_value(qtbot, view, "opershtab.visibleIds()") == expected
        mix = Counter()
        for item in page_value(qtbot, view, "opershtab.frame()"):
            mix.update(dict(item["mix"]))
        assert mix == Counter(r.category for r in rows if keep(r))


def test_the_wall_prunes_appends_and_plays_back_on_the_same_page(qtbot, web_context, fixture_store):
    """Indexed path: pruning, live appends and a playback of windows change exactly the expected points;
    the page is never rebuilt (a mark set in it survives) and the heat layer and choropleth stay."""
    import shapely

    from app.queries.map import ChoroplethValue
    from app.region.packs import Municipality, RegionPack

    rows = messages_after(fixture_store, 0)
    view = _loaded(qtbot, web_context, fixture_store, index=True)
    _name, lat, lon = PLACES[0]
    pack = RegionPack("test", Path("test.geojson"), None,
                      (Municipality("__proto__", shapely.box(lon - 0.1, lat - 0.1, lon + 0.1, lat + 0.1), 1000, 2025),))
    view.set_region_pack(pack, [ChoroplethValue("__proto__", 5, 1000)])
    view.set_layer_visible("heat", True)
    view.run_script("window.__samePage = 'yes';")
    qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtab.stats().choropleth_painted") == 1)
    cut = FIXTURE_START + timedelta(hours=2)
    view.prune_before(cut)
    kept = [r for r in rows if r.published_at >= cut]
    wait_markers(qtbot, view, len(kept))
    assert page_value(qtbot, view, "opershtab.visibleIds()") == _ids(kept, lambda r: True)
    fresh = [MessageRow(10_000 + i, FIXTURE_START + timedelta(hours=3, minutes=30 + i), "t", "a", "новое", None,
                        None, None, "gas", lat + 0.001 * i, lon) for i in range(7)]
    view.add_messages(fresh)  # live: after the prune, into the small index merged at draw time
    wait_markers(qtbot, view, len(kept) + len(fresh))
    everything = kept + fresh
    for hours in (1, 2, 3, 4):  # playback: the window grows an hour at a time
        window = MapWindow(FIXTURE_START, FIXTURE_START + timedelta(hours=hours))
        view.set_filter(window)
        expected = _ids(everything, lambda r, w=window: w.start <= r.published_at < w.end)
        qtbot.waitUntil(lambda e=expected: page_value(qtbot, view, "opershtab.stats().drawn") == len(e))
        assert page_value(qtbot, view, "opershtab.visibleIds()") == expected
        assert page_value(qtbot, view, "opershtab.stats().heat") == len(expected)
    assert page_value(qtbot, view, "opershtab.stats().indexed") == len(kept) + len(fresh)
    stats = page_value(qtbot, view, "opershtab.stats()")
    assert stats["choropleth_painted"] == 1 and "choropleth" in stats["layers_on"]
    assert page_value(qtbot, view, "document.querySelectorAll('canvas.leaflet-heatmap-layer').length") == 1
    assert page_value(qtbot, view, "window.__samePage") == "yes"
    assert stats["errors"] == 0 and view.console_errors == [] and web_context.guard.blocked_count == 0


def test_update_moves_a_message_between_categories_and_places(qtbot, web_context, fixture_store):
    view = _loaded(qtbot, web_context, fixture_store, index=True)
    row = messages_after(fixture_store, 0)[0]
    moved = MessageRow(row.id, row.published_at, row.source, row.author, row.text, row.settlement, row.region,
                       row.address, "gas", 45.04, 38.98)
    view.set_filter(MapWindow(FIXTURE_START, FIXTURE_START + timedelta(hours=4), frozenset({"gas"})))
    view.update_messages([moved])
    qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtab.stats().drawn") == 1)
    assert page_value(qtbot, view, f"opershtab.categoryOf({row.id})") == "gas"
    assert page_value(qtbot, view, "opershtab.stats().markers") == fixture_total()  # replaced, not added
    (item,) = page_value(qtbot, view, "opershtab.frame()")
    assert item["id"] == row.id and abs(item["lat"] - 45.04) < 1e-4 and abs(item["lon"] - 38.98) < 1e-4


def test_cluster_click_zooms_in_then_lists_a_pile(qtbot, web_context, fixture_store):
    view = _loaded(qtbot, web_context, fixture_store, index=False)
    items = _frame(qtbot, view, 8)
    big = max(items, key=lambda i: i["count"])
    click(qtbot, view, big["x"], big["y"])
    qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtab.zoom()") == 10)  # expands: two levels closer
    # the same spot at street level: several messages share one position, so a list opens
    pile = Counter((round(r.lat, 6), round(r.lon, 6)) for r in messages_after(fixture_store, 0)).most_common(1)[0]
    (lat, lon), count = pile
    assert count > 1
    items = _frame(qtbot, view, 18, lat, lon)
    spot = _nearest(items, lat, lon)
    assert spot["count"] == count
    click(qtbot, view, spot["x"], spot["y"])
    qtbot.waitUntil(lambda: page_value(qtbot, view, "document.querySelectorAll('.ops-list-row').length") == count)
    with qtbot.waitSignal(view.bridge.messageClicked, timeout=10000) as blocker:
        view.run_script("document.querySelector('.ops-list-row').click();")
    assert blocker.args[0] in {r.id for r in messages_after(fixture_store, 0)}
    qtbot.waitUntil(lambda: page_value(qtbot, view, "!!document.querySelector('.ops-popup .ops-text')"))


def _hostile(store) -> list[MessageRow]:
    start = FIXTURE_START
    items = [Incoming("hostile", f"Нет света, дом {n}", start + timedelta(minutes=n), external_id=f"n{n}",
                      lat=45.033 + (n % 10) * 0.001, lon=38.975 + (n // 10) * 0.0015, category="power")
             for n in range(50)]
    items += [Incoming("hostile", f"категория {i}", start + timedelta(minutes=i), external_id=f"c{i}",
                       lat=45.037, lon=38.978, category=code[:32], author=code, settlement=code)
              for i, code in enumerate(HOSTILE_CATEGORIES)]
    store_incoming(store, items)
    return messages_after(store, 0)


def test_hostile_categories_do_not_blank_the_map(qtbot, web_context, store):
    rows = _hostile(store)
    stored = {r.category for r in rows}
    assert "__proto__" in stored and "constructor" in stored
    view = ready_map(qtbot, web_context, (1000, 700))
    view.add_messages(rows)
    wait_markers(qtbot, view, len(rows))
    items = _frame(qtbot, view, 16, 45.0375, 38.978)
    assert sum(i["count"] for i in items) == len(rows)  # all 50 neighbours and every hostile one drawn
    assert sum(1 for i in items if i["id"] is not None) >= 45  # as single icons, apart at street zoom
    hostile = [r for r in rows if r.text.startswith("категория")]
    for row in hostile:
        assert page_value(qtbot, view, f"opershtab.categoryOf({row.id})") == row.category
    view.set_filter(MapWindow(FIXTURE_START - timedelta(hours=1), FIXTURE_START + timedelta(hours=2),
                              frozenset({"__proto__", "constructor"})))
    qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtab.stats().drawn") == 2)
    view.set_filter(None)
    with qtbot.waitSignal(view.bridge.messageClicked, timeout=10000):
        view.show_popup(hostile[0].id)
    qtbot.waitUntil(lambda: page_value(qtbot, view, "!!document.querySelector('.ops-popup .ops-author')"))
    assert page_value(qtbot, view, "document.querySelector('.ops-popup .ops-author').textContent") == \
        hostile[0].author
    assert page_value(qtbot, view, "document.querySelector('.ops-popup .ops-cat').textContent") == "Прочее"
    assert page_value(qtbot, view, "document.querySelectorAll('.ops-cat-legend div').length") == 11
    assert page_value(qtbot, view, "window.__pwned === undefined && ({}).polluted === undefined") is True
    assert page_value(qtbot, view, "opershtab.stats().errors") == 0 and view.console_errors == []
    assert web_context.guard.blocked_count == 0


def test_index_layout_and_projection_agree_with_python(qtbot, web_context):
    """The page decodes the block Python packed: same ids, times, positions, categories."""
    view = ready_map(qtbot, web_context)
    lat = np.array([44.5, 61.25, -33.9, 0.0, 89.9, 45.0])
    lon = np.array([38.0, 129.7, 18.4, 0.0, -179.9, 180.0])
    x, y = mercator(lat, lon)
    page = page_value(qtbot, view, f"{json.dumps(lat.tolist())}.map((v, i) => [OpsIndex.encodeX("
                                   f"{json.dumps(lon.tolist())}[i]) | 0, OpsIndex.encodeY(v) | 0])")
    assert [list(p) for p in zip(x.tolist(), y.tolist(), strict=True)] == page
    moment = datetime(2026, 11, 24, 12, 0, 0, 123000, tzinfo=UTC)
    batch = PointBatch.from_columns([7, 2**33, 9], [moment.timestamp() * 1000] * 3, [45.0, 45.1, math.nan],
                                    [39.0, 39.1, 39.2], ["water", "__proto__", "power"])
    assert len(batch) == 2 and batch.codes == ("water", "__proto__", "power")
    view.add_points(batch)
    wait_markers(qtbot, view, 2)
    assert page_value(qtbot, view, "opershtab.visibleIds()") == [7, 2**33]
    assert page_value(qtbot, view, f"opershtab.categoryOf({2**33})") == "__proto__"


def test_a_big_batch_crosses_as_one_block(qtbot, web_context):
    """Above the inline limit the points come as a binary block fetched from app://pages, in order."""
    from maps.qt.view import INLINE_POINTS

    n = INLINE_POINTS + 5000
    rng = np.random.default_rng(3)
    t0 = FIXTURE_START.timestamp() * 1000
    batch = PointBatch(np.arange(1, n + 1, dtype=np.float64), t0 + rng.uniform(0, 3.6e6, n),
                       rng.uniform(44.0, 46.0, n), rng.uniform(38.0, 41.0, n), rng.integers(0, 3, n),
                       ("power", "water", "gas"))
    view = ready_map(qtbot, web_context)
    served = web_context.handler.served
    view.add_points(batch)
    view.set_filter(MapWindow(FIXTURE_START, FIXTURE_START + timedelta(hours=1), frozenset({"gas"})))
    expected = int((batch.category == 2).sum())
    qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtab.stats().drawn") == expected, timeout=30000)
    assert web_context.handler.served > served
    assert web_context.pages.take_block(f"points-{id(view)}-1.bin") is None  # fetched once, then forgotten
    assert web_context.guard.blocked_count == 0 and view.console_errors == []


WEBGL_SCRIPT = """
import json, sys
sys.path.insert(0, {root!r})
from datetime import UTC, datetime, timedelta
from widgets.shell.qtapp import create_application, spin_until, teardown
from maps.qt.web import WebContext
create_application(headless=True)
from maps.qt.view import MapView
from app.queries.messages import MessageRow
context = WebContext()
view = MapView(context)
view.resize(900, 600)
view.show()
spin_until(lambda: view.is_ready, 60)
now = datetime(2026, 11, 24, 12, tzinfo=UTC)
rows = [MessageRow(i + 1, now - timedelta(seconds=60 + 10 * i), "t", "a", "текст", None, None, None, "power",
                   45 + i * 0.01, 39 + i * 0.01) for i in range(300)]
view.run_script("opershtab.tune({{indexMin: 2}});")
view.add_messages(rows)
box = {{}}
def ask():
    view.evaluate("[opershtab.stats(), !!document.createElement('canvas').getContext('webgl'),"
                  " !!document.createElement('canvas').getContext('webgl2')]", lambda v: box.update(v=v))
    return bool(box.get("v")) and box["v"][0]["drawn"] == 300 and box["v"][0]["indexed"] == 300
spin_until(ask, 60)
stats, webgl, webgl2 = box["v"]
print("RESULT " + json.dumps({{"drawn": stats["drawn"], "indexed": stats["indexed"], "errors": stats["errors"],
                              "webgl": webgl, "webgl2": webgl2, "blocked": context.guard.blocked_count,
                              "console": view.console_errors}}))
teardown(context, view)
"""


def test_the_page_works_with_webgl_disabled(tmp_path):
    """Government desktops without a GPU: canvas only, indexes still built in the worker."""
    script = tmp_path / "webgl.py"
    script.write_text(WEBGL_SCRIPT.format(root=str(ROOT)), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu --disable-webgl")
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=180)
    line = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    assert line, done.stderr[-2000:]
    result = json.loads(line[-1][len("RESULT "):])
    assert result == {"drawn": 300, "indexed": 300, "errors": 0, "webgl": False, "webgl2": False, "blocked": 0,
                      "console": []}


def test_point_batch_from_rows_leaves_out_unplaced_and_keeps_codes_as_data():
    moment = datetime(2026, 11, 24, 12, 0, 30, 250000, tzinfo=UTC)
    rows = [MessageRow(1, moment, "s", None, "t", None, None, None, "constructor", 45.0, 39.0),
            MessageRow(2, moment, "s", None, "t", None, None, None, "power", None, None),
            MessageRow(3, moment, "s", None, "t", None, None, None, "power", 95.0, 39.0),
            MessageRow(4, moment, "s", None, "t", None, None, None, "power", 44.0, 38.0)]
    batch = PointBatch.from_rows(rows)
    assert batch.ids.tolist() == [1, 4] and batch.codes == ("constructor", "power")
    meta, data = batch.payload()
    assert meta == {"n": 2, "ids": "u32", "categories": ["constructor", "power"]}
    assert len(data) == 2 * (8 + 4 + 4 + 4 + 2)
    t = np.frombuffer(data[:16], "<f8")
    assert t.tolist() == [moment.timestamp() * 1000] * 2
    assert PointBatch.from_rows([]).payload()[0]["n"] == 0


def test_detail_store_keeps_the_latest_and_forgets_pruned():
    from maps.page.details import DetailStore

    start = datetime(2026, 11, 24, 12, tzinfo=UTC)
    rows = [MessageRow(i, start + timedelta(minutes=i), "s", f"автор {i}", f"текст {i}", "Сочи", None, None,
                       "power", 43.6, 39.7) for i in range(1, 11)]
    store = DetailStore(limit=6)
    store.put(rows)
    assert len(store) == 6 and store.get(4) is None
    assert store.get(10) == {"author": "автор 10", "settlement": "Сочи", "address": None, "text": "текст 10"}
    store.prune_before((start + timedelta(minutes=8)).timestamp() * 1000)
    assert len(store) == 3 and store.get(7) is None and store.get(8) is not None


def test_script_json_is_the_one_safe_literal():
    """maps.page.script.script_json: nothing can close a <script>, separators and lone surrogates escaped."""
    from maps.page.script import script_json

    value = {"t": "</script><!-- <b>&amp;</b> строка\u2028другая\u2029", "n": [1.5, None]}
    for ascii_only in (True, False):
        text = script_json(value, ascii_only=ascii_only)
        assert not any(c in text for c in "<>&\u2028\u2029") and json.loads(text) == value
    assert "строка" in script_json(value, ascii_only=False) and script_json(value).isascii()
    assert script_json(["\ud800"], ascii_only=False) == '["\\ud800"]'
    assert script_json({"a": 1}, compact=True) == '{"a":1}'
    with pytest.raises(ValueError):
        script_json([math.nan], allow_nan=False)
