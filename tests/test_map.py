"""The offline map page in a real QtWebEngine: Leaflet loads, markers draw, nothing leaves."""

from __future__ import annotations

from app.queries.messages import messages_after
from tests.fixtures import fixture_total
from tests.qt_helpers import page_value, ready_map, wait_markers


def test_map_loads_offline_with_leaflet(qtbot, web_context):
    view = ready_map(qtbot, web_context)
    assert page_value(qtbot, view, "typeof L") == "object"
    assert page_value(qtbot, view, "typeof L.markerClusterGroup") == "function"
    assert web_context.guard.blocked_count == 0
    assert view.console_errors == []


def test_fixture_markers_are_drawn(qtbot, web_context, fixture_store):
    view = ready_map(qtbot, web_context)
    rows = messages_after(fixture_store, 0)
    assert len(rows) == fixture_total()
    view.add_messages(rows)
    stats = wait_markers(qtbot, view, fixture_total())
    assert stats["clustered"] == fixture_total()
    # markers are drawn on screen: clusters or circles exist in the DOM
    selector = ".marker-cluster, path.leaflet-interactive, canvas"
    drawn = page_value(qtbot, view, f"document.querySelectorAll('{selector}').length")
    assert drawn > 0
    assert web_context.guard.blocked_count == 0


def test_calls_before_ready_are_queued_not_lost(qtbot, web_context, fixture_store):
    from maps.qt.view import MapView

    view = MapView(web_context)
    qtbot.addWidget(view)
    view.add_messages(messages_after(fixture_store, 0))  # page not loaded yet
    wait_markers(qtbot, view, fixture_total())


def test_duplicate_pushes_do_not_duplicate_markers(qtbot, web_context, fixture_store):
    view = ready_map(qtbot, web_context)
    rows = messages_after(fixture_store, 0)
    view.add_messages(rows[:10])
    view.add_messages(rows)
    wait_markers(qtbot, view, fixture_total())


def test_guard_blocks_and_counts_outside_requests(qtbot, web_context):
    view = ready_map(qtbot, web_context)
    before = web_context.guard.blocked_count
    view.run_script("var i = new Image(); i.src = 'http://192.0.2.1/leak.png'; document.body.appendChild(i);")
    qtbot.waitUntil(lambda: web_context.guard.blocked_count == before + 1, timeout=10000)
    assert "192.0.2.1" in web_context.guard.blocked[-1]
    web_context.guard.blocked.clear()


def test_popup_text_enters_dom_as_text(qtbot, web_context, store):
    from datetime import UTC, datetime

    from app.intake.writer import Incoming, store_incoming

    payload = '<img src=x onerror="window.__pwned=1">'
    store_incoming(store, [Incoming("t", payload, datetime.now(UTC), external_id="x", lat=45.0, lon=39.0,
                                    settlement="</script><b>X</b>", category="power")])
    view = ready_map(qtbot, web_context)
    row = messages_after(store, 0)[0]
    view.add_messages([row])
    wait_markers(qtbot, view, 1)
    view.run_script(f"opershtab.openPopup({row.id});")
    qtbot.waitUntil(lambda: page_value(qtbot, view, "document.querySelectorAll('.ops-text').length") == 1)
    assert page_value(qtbot, view, "document.querySelector('.ops-text').textContent") == payload
    assert page_value(qtbot, view, "document.querySelectorAll('.ops-popup img, .ops-popup b').length") == 0
    assert page_value(qtbot, view, "window.__pwned === undefined") is True
    assert web_context.guard.blocked_count == 0


def test_prune_drops_old_markers_only(qtbot, web_context, fixture_store):
    from datetime import timedelta

    from tests.fixtures import FIXTURE_COUNTS, FIXTURE_START

    view = ready_map(qtbot, web_context)
    view.add_messages(messages_after(fixture_store, 0))
    wait_markers(qtbot, view, fixture_total())
    view.prune_before(FIXTURE_START + timedelta(hours=2))  # hours 0 and 1 of the fixture go
    kept = sum(sum(counts[2:]) for counts in FIXTURE_COUNTS.values())
    stats = wait_markers(qtbot, view, kept)
    assert stats["clustered"] == kept
