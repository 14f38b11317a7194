"""Map layers in a real QtWebEngine: window filter, heat, choropleth, incidents, assistance, clicks, tiles."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import timedelta

import pytest
import shapely
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage

from app.common.timeutil import to_local
from app.core import Core
from app.intake.writer import Incoming, store_incoming
from app.ops.assistance import AssistanceRow, delete_point, list_points, save_point, to_geojson
from app.queries.map import MapWindow, choropleth, incidents_in, window_points
from app.queries.messages import messages_after
from app.store.models import Incident
from tests.fixtures import FIXTURE_COUNTS, FIXTURE_START, fixture_total
from tests.qt_helpers import page_value, ready_map, wait_markers

KDA = "boundaries/krasnodar_krai_municipalities.geojson"


def _hour(n: int, categories=()) -> MapWindow:
    start = FIXTURE_START + timedelta(hours=n)
    return MapWindow(start, start + timedelta(hours=1), frozenset(categories))


def test_time_window_and_categories_filter_markers_and_heat(qtbot, web_context, fixture_store):
    view = ready_map(qtbot, web_context)
    view.add_messages(messages_after(fixture_store, 0))
    wait_markers(qtbot, view, fixture_total())
    view.set_filter(_hour(2))
    qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtab.stats().visible") == fixture_total(2))
    # counted at once, drawn (and the heat fed) in the next animation frame
    qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtab.stats().clustered") == fixture_total(2))
    stats = page_value(qtbot, view, "opershtab.stats()")
    assert stats["clustered"] == stats["heat"] == fixture_total(2) == len(window_points(fixture_store, _hour(2)))
    view.set_filter(_hour(2, ["power"]))
    qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtab.stats().clustered") == FIXTURE_COUNTS["power"][2])
    view.set_layer_visible("heat", True)
    view.set_filter(None)
    qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtab.stats().clustered") == fixture_total())
    assert page_value(qtbot, view, "opershtab.stats().heat") == fixture_total()
    assert web_context.guard.blocked_count == 0 and view.console_errors == []


def _independent_rates(shared_data, store) -> dict[str, float | None]:
    """count × 1000 / population, computed here without app.queries.map."""
    features = json.loads((shared_data / KDA).read_text(encoding="utf-8"))["features"]
    with (shared_data / "population" / "municipal_population.csv").open(encoding="utf-8") as handle:
        population = {r["municipality"]: r["population"] for r in csv.DictReader(handle)
                      if r["region"] == "krasnodar_krai"}
    rows = messages_after(store, 0)
    rates: dict[str, float | None] = {}
    for feature in features:
        shape = shapely.make_valid(shapely.geometry.shape(feature["geometry"]))
        count = sum(1 for r in rows if shape.covers(shapely.Point(r.lon, r.lat)))
        name = feature["properties"]["district"]
        rates[name] = count * 1000 / int(population[name]) if population[name] else None
    return rates


def test_choropleth_is_messages_per_1000_residents(qtbot, web_context, fixture_store, shared_data):
    # The fixture's towns lie in units without population figures; add some in Krasnodar and Sochi.
    extra = [Incoming("t", f"n{i}", FIXTURE_START + timedelta(minutes=i), external_id=f"e{i}",
                      lat=(45.03 if i % 2 else 43.6) + i * 0.001, lon=38.98 if i % 2 else 39.73, category="power")
             for i in range(7)]
    store_incoming(fixture_store, extra)
    pack = Core(fixture_store).load_pack(shared_data / KDA).pack  # places the stored messages again
    assert pack is not None
    everything = MapWindow(FIXTURE_START, FIXTURE_START + timedelta(hours=4))
    values = choropleth(fixture_store, pack, everything)
    expected = _independent_rates(shared_data, fixture_store)
    assert sum(v.count for v in values) == fixture_total() + len(extra)
    assert {v.name: v.per_1000 for v in values} == expected
    assert any(rate for rate in expected.values())  # the fixture lands in populated units
    view = ready_map(qtbot, web_context)
    view.set_region_pack(pack, values)
    qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtab.stats().choropleth") == 44)
    for name, rate in expected.items():
        page = page_value(qtbot, view, f"opershtabLayers.choroplethValue({json.dumps(name)})")
        assert page["rate"] == (None if rate is None else pytest.approx(rate))
    painted = sum(1 for r in expected.values() if r is not None)
    assert page_value(qtbot, view, "opershtab.stats().choropleth_painted") == painted
    legend = page_value(qtbot, view, "Array.from(document.querySelectorAll('.ops-rate-legend .ops-legend-row'))"
                                     ".map(r => r.textContent)")
    top = max(r for r in expected.values() if r is not None)
    assert len(legend) == 6 and legend[-1] == "нет данных о населении"
    assert legend[4].endswith(f"{top:.2f}".rstrip("0").rstrip(".").replace(".", ","))
    view.set_layer_visible("choropleth", False)
    qtbot.waitUntil(lambda: page_value(qtbot, view, "document.querySelectorAll('.ops-rate-legend').length") == 0)
    assert web_context.guard.blocked_count == 0


def test_incident_extents_render(qtbot, web_context, store):
    extent = {"type": "Polygon", "coordinates": [[[38.9, 45.0], [39.1, 45.0], [39.1, 45.1], [38.9, 45.0]]]}
    with store.session() as session:
        session.add_all([
            Incident(category="power", settlement="Краснодар", first_seen=FIXTURE_START, last_seen=FIXTURE_START,
                     message_count=12, lat=45.05, lon=39.0, extent=json.dumps(extent)),
            Incident(category="water", settlement="Армавир", first_seen=FIXTURE_START, last_seen=FIXTURE_START,
                     message_count=3, lat=44.99, lon=41.12),
            Incident(category="water", first_seen=FIXTURE_START - timedelta(days=3),
                     last_seen=FIXTURE_START - timedelta(days=2), message_count=1, lat=44.0, lon=39.0),
        ])
    rows = incidents_in(store, _hour(0))
    assert [r.settlement for r in rows] == ["Краснодар", "Армавир"] and rows[0].extent == extent
    view = ready_map(qtbot, web_context)
    view.set_incidents(rows)
    qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtab.stats().incidents") == 2)
    assert page_value(qtbot, view, "document.querySelectorAll('path.leaflet-interactive').length") >= 0
    assert view.console_errors == []


def click(qtbot, view, x: float, y: float) -> None:
    """A real left click on the web view at a point of the page (not a script's synthetic event)."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    target = view.focusProxy() or view
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(round(x), round(y)))


def test_marker_click_reaches_python(qtbot, web_context, fixture_store):
    view = ready_map(qtbot, web_context)
    row = messages_after(fixture_store, 0)[5]
    view.add_messages([row])
    wait_markers(qtbot, view, 1)
    with qtbot.waitSignal(view.bridge.messageClicked, timeout=10000) as blocker:
        view.run_script(f"opershtab.showPopup({row.id});")
    assert blocker.args == [row.id]
    view.run_script("document.querySelector('.leaflet-popup-close-button').click();")
    qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtab.stats().drawn") == 1)
    x, y = _still_point(qtbot, view, row.id)
    with qtbot.waitSignal(view.bridge.messageClicked, timeout=10000) as blocker:
        click(qtbot, view, x, y)
    assert blocker.args == [row.id]
    qtbot.waitUntil(lambda: page_value(qtbot, view, "!!document.querySelector('.ops-popup .ops-text')"))
    assert page_value(qtbot, view, "document.querySelector('.ops-popup .ops-text').textContent") == row.text


def test_window_back_and_forth_keeps_counts_and_clicks(qtbot, web_context, fixture_store):
    """Narrow, widen, narrow again: counts exact each time, points clickable."""
    view = ready_map(qtbot, web_context)
    rows = messages_after(fixture_store, 0)
    view.add_messages(rows)
    wait_markers(qtbot, view, fixture_total())
    for window, expected in ((_hour(2), fixture_total(2)), (None, fixture_total()), (_hour(2), fixture_total(2)),
                             (_hour(1), fixture_total(1)), (None, fixture_total())):
        view.set_filter(window)
        qtbot.waitUntil(lambda e=expected: page_value(qtbot, view, "opershtab.stats().clustered") == e)
        assert page_value(qtbot, view, "opershtab.stats().visible") == expected
        assert sum(i["count"] for i in page_value(qtbot, view, "opershtab.frame()")) == expected
    view.run_script(f"opershtab.openPopup({rows[3].id});")  # zooms in to street level at the message
    qtbot.waitUntil(lambda: page_value(qtbot, view, "document.querySelectorAll('.ops-popup').length") > 0,
                    timeout=15000)
    view.run_script("document.querySelector('.leaflet-popup-close-button').click();")
    x, y = _still_point(qtbot, view, rows[3].id)  # the popup's auto-pan has ended
    clicked: list[int] = []
    view.bridge.messageClicked.connect(clicked.append)
    click(qtbot, view, x, y)  # a single message, or a list of those at one place: open its first line
    qtbot.waitUntil(lambda: bool(clicked) or page_value(qtbot, view, "!!document.querySelector('.ops-list-row')"))
    if not clicked:
        view.run_script("document.querySelector('.ops-list-row').click();")
        qtbot.waitUntil(lambda: bool(clicked))
    assert clicked[0] in {r.id for r in rows}


def _still_point(qtbot, view, message_id: int) -> list[float]:
    """A message's place in the view once the map has stopped moving (a popup's auto-pan is animated)."""
    qtbot.waitUntil(lambda: page_value(qtbot, view, f"!opershtab.moving() && opershtab.pointOf({message_id}) !== null"))
    return page_value(qtbot, view, f"opershtab.pointOf({message_id})")


def test_settlement_labels_only_around_the_view(qtbot, web_context):
    """From zoom 9 every town qualifies for a label; only those in and around the view are drawn."""
    from app.common.paths import generated_dir
    from app.region.build import BASEMAP_NAME

    towns = json.loads((generated_dir() / BASEMAP_NAME).read_text(encoding="utf-8"))["settlements"]
    view = ready_map(qtbot, web_context)
    qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtab.stats().towns_shown") > 0)
    view.fit_bounds(44.95, 38.85, 45.15, 39.15)  # Krasnodar, zoom ≥ 10
    qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtab.bounds()")[2] - page_value(
        qtbot, view, "opershtab.bounds()")[0] < 1.0)
    south, west, north, east = page_value(qtbot, view, "opershtab.bounds()")
    pad_lat, pad_lon = (north - south) * 0.25, (east - west) * 0.25
    around = [t for t in towns if south - pad_lat <= t["lat"] <= north + pad_lat
              and west - pad_lon <= t["lon"] <= east + pad_lon]
    qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtab.stats().towns_shown") == len(around))
    assert 0 < len(around) < len(towns)


def test_popup_shows_the_regions_local_time(qtbot, web_context, fixture_store):
    """Points carry UTC milliseconds; the page formats them in the region's zone when a popup opens."""
    view = ready_map(qtbot, web_context)
    row = messages_after(fixture_store, 0)[7]
    view.add_messages([row])
    wait_markers(qtbot, view, 1)
    view.run_script(f"opershtab.showPopup({row.id});")
    qtbot.waitUntil(lambda: page_value(qtbot, view, "!!document.querySelector('.ops-text')"))  # details arrived
    meta = page_value(qtbot, view, "document.querySelector('.ops-meta').textContent")
    assert meta.startswith(to_local(row.published_at).strftime("%d.%m %H:%M") + " · ")


def test_assistance_points_crud_export_and_layer(qtbot, web_context, store):
    first = save_point(store, AssistanceRow(0, "water", "Подвоз воды: ул. Мира", 45.03, 38.97, hours="08–20"))
    second = save_point(store, AssistanceRow(0, "warming", "<b>Пункт</b> обогрева", 44.99, 41.12))
    save_point(store, AssistanceRow(first, "water", "Подвоз воды: ул. Мира", 45.03, 38.97, status="closed"))
    rows = list_points(store)
    assert [(r.id, r.status) for r in rows] == [(first, "closed"), (second, "open")]
    exported = json.loads(to_geojson(rows))
    assert exported["features"][0]["geometry"]["coordinates"] == [38.97, 45.03]
    view = ready_map(qtbot, web_context)
    view.set_assistance(rows)
    qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtab.stats().assistance") == 2)
    assert page_value(qtbot, view, "document.querySelectorAll('.ops-aid').length") == 2
    assert delete_point(store, second) and [r.id for r in list_points(store)] == [first]


def _png(color: str) -> bytes:
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def test_mbtiles_tiles_are_served_with_tms_flip(qtbot, web_context, tmp_path):
    from app.region.tiles import MBTiles

    path = tmp_path / "base.mbtiles"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute("CREATE TABLE tiles (zoom_level INT, tile_column INT, tile_row INT, tile_data BLOB)")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", [("format", "png"), ("maxzoom", "1")])
        db.execute("INSERT INTO tiles VALUES (1, 0, 1, ?)", (_png("#ff0000"),))  # TMS row 1 = XYZ y 0
    web_context.handler.tiles = MBTiles(path)
    try:
        view = ready_map(qtbot, web_context)
        script = ("(async () => { const ok = await fetch('app://tiles/1/0/0.png'); const b = await ok.arrayBuffer();"
                  " let miss; try { miss = (await fetch('app://tiles/1/0/1.png')).status; } catch (e) { miss = 'x'; }"
                  " window.__tile = [ok.status, ok.headers.get('content-type'), b.byteLength, miss]; })()")
        view.run_script(script)
        qtbot.waitUntil(lambda: page_value(qtbot, view, "window.__tile || null") is not None, timeout=10000)
        status, mime, size, miss = page_value(qtbot, view, "window.__tile")
        assert (status, mime, size) == (200, "image/png", len(_png("#ff0000")))
        assert miss != 200
        assert web_context.guard.blocked_count == 0
    finally:
        web_context.handler.tiles.close()
        web_context.handler.tiles = None
