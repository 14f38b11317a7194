"""On the real map page (QtWebEngine offscreen): an overlay imported from each format is its own layer, a CAP
warning is an area in its severity's colour with its validity in the tooltip, hostile names stay text;
PMTiles basemaps are served like MBTiles."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage

from app.ops.overlays import import_overlay, list_overlays
from app.queries.warnings import SEVERITIES, active_warnings
from app.region import basemap_available
from app.region.tiles import PMTiles, TilesError, open_tiles
from tests.overlay_files import FORMATS, HOSTILE_NAME, add_warning, write_overlay, write_points
from tests.qt_helpers import page_value, ready_map

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


def _overlays(qtbot, view, count: int) -> dict:
    qtbot.waitUntil(lambda: len(page_value(qtbot, view, "opershtabOverlays.describe()")["overlays"]) == count,
                    timeout=10000)
    return page_value(qtbot, view, "opershtabOverlays.describe()")


def test_an_overlay_from_each_format_is_a_layer_on_the_map(qtbot, web_context, store, tmp_path):
    for fmt in FORMATS:
        folder = tmp_path / fmt
        folder.mkdir()
        import_overlay(store, write_overlay(folder, fmt, stem=f"зоны_{fmt}"))
    view = ready_map(qtbot, web_context)
    view.set_overlays(list_overlays(store))
    described = _overlays(qtbot, view, len(FORMATS))
    assert [o["name"] for o in described["overlays"]] == [f"зоны_{fmt}" for fmt in FORMATS]
    assert all(o["features"] == 2 and o["shown"] for o in described["overlays"])
    assert len({o["color"] for o in described["overlays"]}) == len(FORMATS)
    opened = page_value(qtbot, view, "opershtabOverlays.openTooltips('overlays')")
    assert opened == 2 * len(FORMATS)
    tips = page_value(qtbot, view, "Array.from(document.querySelectorAll('.leaflet-tooltip')).map(t => t.textContent)")
    assert sum(HOSTILE_NAME in t for t in tips) == len(FORMATS)  # shown as text, in every format
    assert page_value(qtbot, view, "document.querySelectorAll('.leaflet-tooltip img').length") == 0
    assert page_value(qtbot, view, "window.__pwned || 0") == 0
    assert view.console_errors == [] and web_context.guard.blocked_count == 0


def test_hidden_overlays_and_a_new_list_replace_the_old(qtbot, web_context, store, tmp_path):
    from app.ops.overlays import update_overlay

    first = import_overlay(store, write_points(tmp_path), name="Пункты эвакуации", color="#00aa00")
    view = ready_map(qtbot, web_context)
    view.set_overlays(list_overlays(store))
    assert _overlays(qtbot, view, 1)["overlays"][0]["shown"]
    update_overlay(store, first.id, visible=False)
    import_overlay(store, write_overlay(tmp_path, "geojson"))
    view.set_overlays(list_overlays(store))
    described = _overlays(qtbot, view, 2)
    assert [(o["name"], o["shown"]) for o in described["overlays"]] == [("Пункты эвакуации", False),
                                                                         ("зоны_подтопления", True)]


def _pixels_near(image: QImage, color: str, tolerance: int = 40) -> int:
    target = QColor(color)
    found = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            distance = abs(c.red() - target.red()) + abs(c.green() - target.green()) + abs(c.blue() - target.blue())
            found += distance < tolerance
    return found


def _green_pixels(image: QImage) -> int:
    return sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
               if (c := image.pixelColor(x, y)).green() > c.red() + 40 and c.green() > c.blue() + 10)


def test_cap_warning_area_in_its_severity_colour_with_validity(qtbot, web_context, store, tmp_path):
    add_warning(store, "storm-1", effective=NOW - timedelta(hours=1), expires=NOW + timedelta(hours=8))
    add_warning(store, "gone", effective=NOW - timedelta(hours=9), expires=NOW - timedelta(hours=1))
    import_overlay(store, write_overlay(tmp_path, "kmz"), name="Зоны подтопления", color="#1f5fbf")
    import_overlay(store, write_points(tmp_path), name="Пункты временного размещения", color="#138a36")
    view = ready_map(qtbot, web_context, size=(1000, 700))
    view.set_overlays(list_overlays(store))
    view.set_warnings(active_warnings(store, NOW))
    view.fit_bounds(44.8, 38.55, 45.15, 39.35)
    qtbot.waitUntil(lambda: len(page_value(qtbot, view, "opershtabOverlays.describe()")["warnings"]) == 1,
                    timeout=10000)
    if basemap_available():  # the picture is for people: towns and rivers drawn at the new view first
        qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtabLayers.stats().towns_shown") > 10, timeout=15000)
    (warned,) = page_value(qtbot, view, "opershtabOverlays.describe()")["warnings"]
    assert (warned["event"], warned["color"], warned["until"]) == (
        "Сильный ветер", SEVERITIES["Severe"][1], "25.11.2026 01:00")
    assert page_value(qtbot, view, "opershtabOverlays.openTooltips('warnings')") == 1
    tips = page_value(qtbot, view, "Array.from(document.querySelectorAll('.leaflet-tooltip')).map(t => t.textContent)")
    storm = next(t for t in tips if t.startswith("Сильный ветер"))
    assert "сильная опасность" in storm and "Действует с 24.11.2026 16:00 до 25.11.2026 01:00" in storm
    assert "Черноморское побережье" in storm and "Кубанское УГМС" in storm
    images: list[QImage] = []
    view.grab_settled(images.append)
    qtbot.waitUntil(lambda: bool(images), timeout=15000)
    _keep_screenshot(images[0], tmp_path)
    assert _pixels_near(images[0], SEVERITIES["Severe"][1]) > 50  # the dashed outline of the storm area
    assert _pixels_near(images[0], "#1f5fbf") > 20  # the flood zones' outlines
    assert _green_pixels(images[0]) > 20  # the evacuation points (green, under the zones' translucent blue)
    assert view.console_errors == [] and web_context.guard.blocked_count == 0


def test_hostile_warning_is_text_and_its_severity_no_key(qtbot, web_context, store):
    add_warning(store, "<script>", severity="__proto__", event=HOSTILE_NAME, area="<b>везде</b>",
                effective=NOW - timedelta(hours=1), expires=NOW + timedelta(hours=2))
    view = ready_map(qtbot, web_context)
    view.set_warnings(active_warnings(store, NOW))
    qtbot.waitUntil(lambda: len(page_value(qtbot, view, "opershtabOverlays.describe()")["warnings"]) == 1,
                    timeout=10000)
    (warned,) = page_value(qtbot, view, "opershtabOverlays.describe()")["warnings"]
    assert (warned["event"], warned["color"], warned["until"]) == (HOSTILE_NAME, SEVERITIES["Unknown"][1],
                                                                   "24.11.2026 19:00")
    assert page_value(qtbot, view, "opershtabOverlays.openTooltips('warnings')") == 1
    tips = page_value(qtbot, view, "Array.from(document.querySelectorAll('.leaflet-tooltip')).map(t => t.textContent)")
    assert any(t.startswith(HOSTILE_NAME) and "<b>везде</b>" in t and "опасность не указана" in t for t in tips)
    nested = "document.querySelectorAll('.leaflet-tooltip b b, .leaflet-tooltip img').length"
    assert page_value(qtbot, view, nested) == 0
    assert page_value(qtbot, view, "window.__pwned || 0") == 0 and view.console_errors == []


def _keep_screenshot(image: QImage, tmp_path: Path) -> None:
    """Saved for a person to look at; OPERSHTAB_SHOTS=docs/img keeps it as the documentation's picture."""
    path = tmp_path / "map_cap_overlay.png"
    assert image.save(str(path), "PNG")
    if os.environ.get("OPERSHTAB_SHOTS"):
        shutil.copyfile(path, Path(os.environ["OPERSHTAB_SHOTS"]) / path.name)


def _png(color: str) -> bytes:
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def _pmtiles(path: Path, tiles: dict[tuple[int, int, int], bytes]) -> Path:
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import Writer

    with open(path, "wb") as handle:
        writer = Writer(handle)
        for (z, x, y), data in sorted(tiles.items(), key=lambda item: zxy_to_tileid(*item[0])):
            writer.write_tile(zxy_to_tileid(z, x, y), data)
        writer.finalize({"tile_type": TileType.PNG, "tile_compression": Compression.NONE, "min_zoom": 0,
                         "max_zoom": 1, "min_lon_e7": -1800000000, "min_lat_e7": -850000000,
                         "max_lon_e7": 1800000000, "max_lat_e7": 850000000, "center_zoom": 0, "center_lon_e7": 0,
                         "center_lat_e7": 0}, {"name": "тест"})
    return path


def test_pmtiles_basemap_is_served(qtbot, web_context, tmp_path):
    red, blue = _png("#ff0000"), _png("#0000ff")
    source = open_tiles(_pmtiles(tmp_path / "base.pmtiles", {(0, 0, 0): blue, (1, 0, 0): red}))
    assert isinstance(source, PMTiles) and (source.format, source.maxzoom) == ("png", 1)
    assert source.tile(1, 0, 0) == red and source.tile(1, 1, 1) is None and source.tile(5, 0, 0) is None
    web_context.handler.set_tiles(source)
    try:
        view = ready_map(qtbot, web_context)
        script = ("(async () => { const ok = await fetch('app://tiles/1/0/0.png'); const b = await ok.arrayBuffer();"
                  " let miss; try { miss = (await fetch('app://tiles/1/1/1.png')).status; } catch (e) { miss = 'x'; }"
                  " window.__tile = [ok.status, ok.headers.get('content-type'), b.byteLength, miss]; })()")
        view.run_script(script)
        qtbot.waitUntil(lambda: page_value(qtbot, view, "window.__tile || null") is not None, timeout=10000)
        status, mime, size, miss = page_value(qtbot, view, "window.__tile")
        assert (status, mime, size) == (200, "image/png", len(red)) and miss != 200
    finally:
        web_context.handler.set_tiles(None)


@pytest.mark.parametrize("content", [b"", b"PMTiles\x03" + b"\0" * 20, b"garbage" * 30])
def test_broken_tile_files_are_refused_in_russian(tmp_path, content):
    path = tmp_path / "base.pmtiles"
    path.write_bytes(content)
    with pytest.raises(TilesError) as caught:
        open_tiles(path)
    assert "base.pmtiles" in str(caught.value)
