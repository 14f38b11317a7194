"""The offline map page in a real QtWebEngine: Leaflet and the point index load, points draw, nothing leaves."""

from __future__ import annotations

from app.queries.messages import messages_after
from tests.fixtures import fixture_total
from tests.qt_helpers import page_value, ready_map, wait_markers


def test_map_loads_offline_with_leaflet(qtbot, web_context):
    view = ready_map(qtbot, web_context)
    assert page_value(qtbot, view, "typeof L") == "object"
    assert page_value(qtbot, view, "typeof Supercluster") == "function"
    assert page_value(qtbot, view, "typeof L.markerClusterGroup") == "undefined"  # the old layer is gone
    assert web_context.guard.blocked_count == 0
    assert view.console_errors == []


def test_fixture_markers_are_drawn(qtbot, web_context, fixture_store):
    view = ready_map(qtbot, web_context)
    rows = messages_after(fixture_store, 0)
    assert len(rows) == fixture_total()
    view.add_messages(rows)
    wait_markers(qtbot, view, fixture_total())
    qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtab.stats().drawn") == fixture_total())
    # painted: the points canvas has coloured pixels where the clusters are
    painted = page_value(qtbot, view, "(() => { const c = document.querySelector('canvas.ops-points');"
                         " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                         " let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i]) n++; } return n; })()")
    assert painted > 500
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
    # the text is not in the page until the popup asks Python for it
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
    wait_markers(qtbot, view, kept)
    qtbot.waitUntil(lambda: page_value(qtbot, view, "opershtab.stats().drawn") == kept)
    survivors = {r.id for r in messages_after(fixture_store, 0) if r.published_at >= FIXTURE_START + timedelta(hours=2)}
    assert page_value(qtbot, view, "opershtab.visibleIds()") == sorted(survivors)
    assert view.details.get(min(survivors)) is not None and len(view.details) == kept  # Python forgot them too
