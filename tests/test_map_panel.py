"""The map panel's snapshot (PNG of the view or of an extent) and playback of a period."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtGui import QImage

from app.core import Core
from app.queries.map import MapWindow, window_points
from app.queries.messages import messages_after
from tests.fixtures import FIXTURE_START, ManualClock, fixture_total
from tests.qt_helpers import page_value, wait_markers


def _panel(qtbot, store, web_context, now):
    from widgets.map.map_panel import MapPanel
    from widgets.tasks.worker import DbWorker

    panel = MapPanel(Core(store, ManualClock(now)), web_context, DbWorker())
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    panel.show()
    qtbot.waitUntil(lambda: panel.view.is_ready, timeout=20000)
    return panel


def _snapshot(qtbot, panel, path, extent=None) -> QImage:
    saved: list[bool] = []
    panel.snapshot(path, extent, done=saved.append)
    qtbot.waitUntil(lambda: bool(saved), timeout=15000)
    assert saved == [True]
    return QImage(str(path))


def test_snapshot_of_view_and_of_extent(qtbot, web_context, fixture_store, tmp_path):
    panel = _panel(qtbot, fixture_store, web_context, FIXTURE_START + timedelta(hours=4))
    panel.view.add_messages(messages_after(fixture_store, 0))
    panel.view.set_filter(None)
    wait_markers(qtbot, panel.view, fixture_total())
    whole = _snapshot(qtbot, panel, tmp_path / "view.png")
    assert (whole.width(), whole.height()) == (panel.view.width(), panel.view.height())
    extent = (44.95, 38.85, 45.15, 39.15)  # Krasnodar
    close = _snapshot(qtbot, panel, tmp_path / "krasnodar.png", extent)
    south, west, north, east = page_value(qtbot, panel.view, "opershtab.bounds()")
    assert south <= extent[0] and west <= extent[1] and north >= extent[2] and east >= extent[3]
    assert north - south < 1.0  # zoomed in to the extent, not the whole region
    assert close != whole
    colours = {close.pixelColor(x, y).name() for x in range(0, close.width(), 40) for y in range(0, close.height(), 40)}
    assert len(colours) > 3  # a painted map, not a blank page


def test_playback_grows_the_window_to_the_period(qtbot, web_context, fixture_store):
    start, end = FIXTURE_START, FIXTURE_START + timedelta(hours=4)
    panel = _panel(qtbot, fixture_store, web_context, end)
    seen: list[int] = []
    panel.play(start, end, speed=3600.0)  # an hour of the period per second of playback
    qtbot.waitUntil(lambda: seen.append(page_value(qtbot, panel.view, "opershtab.stats().visible")) or
                    panel.current_window().end >= end, timeout=30000)
    qtbot.waitUntil(lambda: page_value(qtbot, panel.view, "opershtab.stats().visible") == fixture_total(),
                    timeout=10000)
    assert seen == sorted(seen) and seen[0] < fixture_total()  # it grew, never shrank
    assert len(window_points(fixture_store, MapWindow(start, end))) == fixture_total()
    assert panel.status.text().startswith("Воспроизведение:")
    panel.stop_playback()
    assert panel.current_window().end == end  # back to the live window ending now
