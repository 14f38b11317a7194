"""Every field of the settings dialog: changed through the dialog, its effect observed where it acts.

Each test opens the real operator window on a test database, changes one field in the
settings dialog, presses OK and waits for the core's announcement; then it looks at
the part of the program the field drives (the feed poller, the KPI tiles, the briefing
scheduler, the map page, the palette, the status history…).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from sqlalchemy import update

from app.briefing.schedule import ManualClock
from app.common.changes import Changes, Kind
from app.common.timeutil import to_local, utcnow
from app.core import Core
from app.settings import KEYS
from app.store.models import Message
from tests.analytics_helpers import add
from tests.qt_helpers import page_value

MSK = ZoneInfo("Europe/Moscow")  # the fixtures' region (Krasnodar Krai) keeps Moscow time
NOW = datetime(2026, 11, 25, 12, 30, tzinfo=MSK)  # a Wednesday, 12:30 local


def _window(qtbot, core, web_context, tmp_path, live=False):
    from widgets.shell.main_window import MainWindow
    from widgets.tasks.live_sources import LiveSource
    from widgets.tasks.worker import DbWorker

    worker = DbWorker()
    window = MainWindow(core, web_context, worker, briefing_dir=tmp_path / "briefings")
    window.open_files = False
    qtbot.addWidget(window, before_close_func=_closer(window))
    window.show()
    window.load_initial()
    if live:
        window.attach_live(LiveSource(core, worker))
    qtbot.waitUntil(lambda: window.map_view.is_ready, timeout=20000)
    return window


def _closer(window):
    def close(_w):
        if window.live is not None:
            window.live.stop()
        window.briefing.shutdown()

    return close


@pytest.fixture
def open_window(qtbot, store, web_context, tmp_path):
    """A window over ``store`` at ``NOW`` (or another moment) on a clock that moves when told."""
    def make(now=NOW, live=False):
        return _window(qtbot, Core(store, ManualClock(now)), web_context, tmp_path, live)

    return make


def change(qtbot, window, key=None, value=None, token=None):
    """Open the settings dialog, set ``key`` (and/or the feed token), press OK, wait for the announcement."""
    dialog = window.edit_settings()
    if key is not None:
        dialog.editors[key].set_value(value)
    if token is not None:
        dialog.token_editor.set_value(token)
    wanted = {key} if key is not None else {"feed_token"}
    with qtbot.waitSignal(window.bridge.changed, timeout=20000, check_params_cb=lambda c: bool(c.settings & wanted)):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        said = SimpleNamespace(errors=dialog.errors.text(), restart=dialog.restart_needed(),
                               token_place=dialog.token_place.text())  # the dialog closes and goes
    assert said.errors == ""
    return said


def tiles(window):
    return window.analytics.tiles.values()


def wait_tile(qtbot, window, key, expected, timeout=15000):
    qtbot.waitUntil(lambda: tiles(window)[key] == expected, timeout=timeout)


# ----- region -------------------------------------------------------------------------------------

def test_region_renames_the_window_moves_its_clock_and_frames_the_map(qtbot, open_window):
    window = open_window()
    assert "Краснодарский край" in window.windowTitle()
    change(qtbot, window, "region", "RU-KAM")
    assert "Камчатский край" in window.windowTitle() and window.core.region.code == "RU-KAM"
    assert to_local(NOW).utcoffset() == timedelta(hours=12)  # the region's local time
    qtbot.waitUntil(lambda: window.status_figures.clock_label.text() == "Время: 25.11 21:30", timeout=5000)

    def framed() -> bool:
        south, west, north, east = page_value(qtbot, window.map_view, "opershtab.bounds()")
        return west < 162 < east and south < 56 < north  # Kamchatka, not the Kuban any more
    qtbot.waitUntil(framed, timeout=15000)


# ----- region pack and population ----------------------------------------------------------------

def _square(name, lat, lon, d=0.2):
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]
    return {"type": "Feature", "properties": {"district": name}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def _pack(tmp_path):
    folder = tmp_path / "pack" / "boundaries"
    folder.mkdir(parents=True)
    shapes = [_square("Геленджик", 44.5631, 38.0790), _square("Армавир", 44.9892, 41.1234)]
    (folder / "test_municipalities.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": shapes}),
                                                        encoding="utf-8")
    population = tmp_path / "population.csv"
    population.write_text("region,municipality,population,year,source\ntest,Геленджик,80000,2024,тест\n"
                          "test,Армавир,190000,2024,тест\n", encoding="utf-8")
    return tmp_path / "pack", population


def _layer_stats(qtbot, window):
    return page_value(qtbot, window.map_view, "opershtab.stats()")


def test_region_pack_draws_the_municipalities(qtbot, open_window, tmp_path):
    pack, _population = _pack(tmp_path)
    window = open_window()
    change(qtbot, window, "region_pack", str(pack))
    qtbot.waitUntil(lambda: _layer_stats(qtbot, window).get("choropleth") == 2, timeout=20000)
    assert window.core.pack is not None and window.map_panel.pack is window.core.pack
    assert _layer_stats(qtbot, window).get("choropleth_painted") == 0  # no population yet: no rates


def test_population_file_gives_the_rates(qtbot, open_window, fixture_store, tmp_path):
    pack, population = _pack(tmp_path)
    window = open_window(datetime(2026, 11, 24, 18, 0, tzinfo=MSK))
    change(qtbot, window, "region_pack", str(pack))
    qtbot.waitUntil(lambda: _layer_stats(qtbot, window).get("choropleth") == 2, timeout=20000)
    change(qtbot, window, "population_file", str(population))
    qtbot.waitUntil(lambda: _layer_stats(qtbot, window).get("choropleth_painted") == 2, timeout=20000)
    assert window.core.pack.populations() == {"Геленджик": 80000, "Армавир": 190000}
    window.analytics.group_box.setCurrentIndex(1)  # by municipality: «на 1 000 жителей» is offered now
    assert window.analytics.rates_box.isEnabled()


# ----- basemap: after a restart -------------------------------------------------------------------

def _png() -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor("#00ff00"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def test_mbtiles_basemap_is_served_after_a_restart(qtbot, store, web_context, tmp_path):
    path = tmp_path / "base.mbtiles"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute("CREATE TABLE tiles (zoom_level INT, tile_column INT, tile_row INT, tile_data BLOB)")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", [("format", "png"), ("maxzoom", "1")])
        db.execute("INSERT INTO tiles VALUES (1, 0, 1, ?)", (_png(),))
    window = _window(qtbot, Core(store, ManualClock(NOW)), web_context, tmp_path)
    dialog = change(qtbot, window, "mbtiles_path", str(path))
    assert dialog.restart == ["Подложка MBTiles/PMTiles"]
    qtbot.waitUntil(lambda: "После перезапуска вступит в силу: Подложка" in window.statusBar().currentMessage())
    try:
        again = _window(qtbot, Core(store, ManualClock(NOW)), web_context, tmp_path)  # the next start
        assert again.map_panel.spec.raster_maxzoom == 1 and again.map_panel.raster_error is None
        script = ("fetch('app://tiles/1/0/0.png').then(r => r.arrayBuffer().then(b => "
                  "{ window.__tile = [r.status, b.byteLength]; }))")
        again.map_view.run_script(script)
        qtbot.waitUntil(lambda: page_value(qtbot, again.map_view, "window.__tile || null") is not None)
        status, size = page_value(qtbot, again.map_view, "window.__tile")
        assert status == 200 and size == len(_png())
    finally:
        web_context.handler.set_tiles(None)


def test_online_tiles_are_allowed_after_a_restart(qtbot, store, web_context, tmp_path):
    url = "https://tiles.example.org/{z}/{x}/{y}.png"
    window = _window(qtbot, Core(store, ManualClock(NOW)), web_context, tmp_path)
    dialog = change(qtbot, window, "online_tiles_url", url)
    assert dialog.restart == ["Онлайн-подложка (по явному выбору)"]
    try:
        again = _window(qtbot, Core(store, ManualClock(NOW)), web_context, tmp_path)
        assert again.map_panel.spec.online_tiles == url
        assert web_context.guard.allowed_host == "tiles.example.org"  # the one host let through
    finally:
        web_context.guard.allow_online_tiles(None)


# ----- the feed -----------------------------------------------------------------------------------

@pytest.fixture
def feed_server():
    from app.demo.feed_server import demo_feed, start_feed_server

    servers = []

    def start(token=None):
        servers.append(start_feed_server(demo_feed(speed=60.0, hours_before=2.0), token=token))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_feed_url_starts_polling_the_new_feed(qtbot, open_window, feed_server, store):
    from app.queries.messages import count_in

    server = feed_server()
    window = open_window(utcnow(), live=True)
    assert window.live.runner is None
    change(qtbot, window, "feed_url", server.url)
    qtbot.waitUntil(lambda: window.live.runner is not None and window.live.runner.config.url == server.url)
    qtbot.waitUntil(lambda: "Лента работает" in window.feed_label.text(), timeout=20000)
    stored = count_in(store, utcnow() - timedelta(days=1), utcnow() + timedelta(hours=1))
    assert stored > 0
    qtbot.waitUntil(lambda: window.table_model.rowCount() > 0, timeout=20000)  # announced, shown


def test_feed_interval_restarts_the_poller(qtbot, open_window, feed_server):
    server = feed_server()
    window = open_window(utcnow(), live=True)
    change(qtbot, window, "feed_url", server.url)
    first = window.live.runner
    change(qtbot, window, "feed_interval_s", 7)
    runner = window.live.runner
    assert runner is not first and runner.config.interval_s == 7 and runner._thread is not None
    assert first._thread is None  # the old poller has stopped
    qtbot.waitUntil(lambda: "Лента работает" in window.feed_label.text(), timeout=20000)


def test_feed_staleness_threshold_judges_the_feed(qtbot, open_window, feed_server):
    server = feed_server()
    window = open_window(utcnow(), live=True)
    change(qtbot, window, "feed_url", server.url)
    qtbot.waitUntil(lambda: window.live.runner.health is not None and window.live.runner.health.state == "ok",
                    timeout=20000)

    def silent_for_a_minute(runner):
        health = runner.health or window.live.runner.health
        runner.healthChanged.emit(replace(health, state="ok", last_success_at=utcnow() - timedelta(seconds=60)))
        runner._on_ticker_timeout()  # the runner's own check of staleness, as its timer calls it
        return runner.health.state

    assert silent_for_a_minute(window.live.runner) == "ok"  # default: stale after 90 s
    change(qtbot, window, "feed_stale_after_s", 30)
    runner = window.live.runner
    assert runner.stale_after_s == 30
    qtbot.waitUntil(lambda: runner.health is not None, timeout=20000)
    assert silent_for_a_minute(runner) == "stale"
    assert "не обновляется" in window.feed_label.text()


def test_feed_token_reaches_the_feed(qtbot, open_window, feed_server):
    server = feed_server(token="s3cret")
    window = open_window(utcnow(), live=True)
    change(qtbot, window, "feed_url", server.url)
    qtbot.waitUntil(lambda: "Ошибка ленты" in window.feed_label.text(), timeout=20000)  # 401 without it
    dialog = change(qtbot, window, token="s3cret")
    assert "только в памяти" in dialog.token_place  # no OS keyring on this machine
    assert window.core.secrets.token() == "s3cret" and window.live.runner.config.token == "s3cret"
    qtbot.waitUntil(lambda: "Лента работает" in window.feed_label.text(), timeout=20000)


# ----- deadlines: the «Просрочено» tile ------------------------------------------------------------

def _deadline_messages(store):
    """A: Tue 13:00 (8 working hours reached Wed 12:00 → overdue at 12:30); B: important, Wed 08:00
    (4 h not reached); E: Mon 16th, answered first, final due Wed 25th 18:00 (not yet); P: from «Решаем
    вместе», 20 October, answered first, final due after 30 calendar days (overdue)."""
    add(store, [datetime(2026, 11, 24, 13, 0, tzinfo=MSK)], "water", "Армавир")
    add(store, [datetime(2026, 11, 25, 8, 0, tzinfo=MSK)], "power", "Сочи")
    add(store, [datetime(2026, 11, 16, 8, 0, tzinfo=MSK)], "gas", "Анапа")
    add(store, [datetime(2026, 10, 20, 10, 0, tzinfo=MSK)], "heating", "Анапа")
    answered = datetime(2026, 10, 20, 11, 0, tzinfo=MSK)
    with store.engine.begin() as conn:
        conn.execute(update(Message).where(Message.category == "power").values(importance="high"))
        conn.execute(update(Message).where(Message.category.in_(("gas", "heating"))).values(first_answer_at=answered))
        conn.execute(update(Message).where(Message.category == "heating").values(source="pos"))


@pytest.fixture
def deadline_window(open_window, store, qtbot):
    _deadline_messages(store)
    window = open_window()
    wait_tile(qtbot, window, "overdue", "2")  # A and P, with the default calendar
    return window


@pytest.mark.parametrize(("key", "value", "overdue"), [
    ("first_answer_hours", 9, "1"),  # A has until 13:00
    ("first_answer_hours_high", 3, "3"),  # B's 3 hours ran out at 12:00
    ("final_answer_days", 6, "3"),  # E was due Tue 24th 18:00
    ("platform_final_days", 40, "1"),  # P has until the end of November
    ("work_start_hour", 10, "1"),  # A: 5 h Tue + 2.5 h Wed
    ("work_end_hour", 17, "1"),  # A: 4 h Tue + 3.5 h Wed
    ("holidays", ("2026-11-25",), "1"),  # Wednesday off: A has had 5 hours
    ("workdays", ("2026-11-21",), "3"),  # Saturday worked: E's 7th working day was Tuesday
])
def test_calendar_fields_change_the_overdue_figure(qtbot, deadline_window, key, value, overdue):
    change(qtbot, deadline_window, key, value)
    wait_tile(qtbot, deadline_window, "overdue", overdue)


# ----- the briefing schedule ---------------------------------------------------------------------

T0 = datetime(2026, 11, 24, 14, 59, 58, tzinfo=MSK)


def _scheduler(window):
    return window.briefing.scheduler


def test_briefing_minute_moves_the_run(qtbot, open_window):
    window = open_window(T0)
    assert _scheduler(window).next_run() == datetime(2026, 11, 24, 15, 0, tzinfo=MSK)
    change(qtbot, window, "briefing_minute", 30)
    assert _scheduler(window).next_run() == datetime(2026, 11, 24, 15, 30, tzinfo=MSK)
    window.core.clock.set(datetime(2026, 11, 24, 15, 30, 1, tzinfo=MSK))
    with qtbot.waitSignal(_scheduler(window).due, timeout=5000) as due:
        pass
    assert due.args == [datetime(2026, 11, 24, 15, 0, tzinfo=MSK)]


def test_briefing_period_skips_hours(qtbot, open_window):
    window = open_window(T0)
    change(qtbot, window, "briefing_every_hours", 2)
    assert to_local(_scheduler(window).next_run()).hour == 16  # 15:00 is not a run hour any more


def test_briefing_schedule_can_be_switched_off(qtbot, open_window):
    window = open_window(T0)
    change(qtbot, window, "briefing_enabled", False)
    fired = []
    _scheduler(window).due.connect(fired.append)
    window.core.clock.advance(timedelta(hours=2))
    with qtbot.waitSignal(_scheduler(window).checked, timeout=5000):
        pass  # the scheduler has looked at the clock two hours on
    assert fired == []


# ----- look and feel, audit trail, alerts ---------------------------------------------------------

def test_theme_switches_the_palette(qtbot, open_window):
    from widgets.shell.theme import is_dark

    window = open_window()
    assert not is_dark()
    try:
        change(qtbot, window, "theme", "dark")
        assert is_dark() and QApplication.palette().color(window.backgroundRole()).lightness() < 128
        change(qtbot, window, "theme", "light")
        assert not is_dark()
    finally:
        from widgets.shell.theme import apply_theme

        apply_theme("light")


def test_alert_sound_rings_for_new_spikes(qtbot, open_window, store):
    now = NOW.astimezone(UTC)
    add(store, [now - timedelta(days=40)], "other", "Армавир")  # history from before the 4 compared weeks
    window = open_window()

    def spike(category, municipality):
        add(store, [now - timedelta(minutes=m) for m in range(1, 13)], category, municipality)
        window.core.hub.publish(Changes.of(Kind.MESSAGES_ADDED))  # stored by another door, announced

    spike("water", "Армавир")
    qtbot.waitUntil(lambda: len(window.analytics.alerts.texts()) == 1, timeout=15000)
    assert window.analytics.sound.rung == 0  # the setting is off
    change(qtbot, window, "alert_sound", True)
    spike("gas", "Сочи")
    qtbot.waitUntil(lambda: len(window.analytics.alerts.texts()) == 2, timeout=15000)
    assert window.analytics.sound.rung == 1


def test_operator_name_is_written_to_the_status_history(qtbot, open_window, store):
    from app.ops.routing import add_agency, history

    add(store, [NOW - timedelta(minutes=5)], "water", "Армавир")
    agency = add_agency(store, "Водоканал")
    window = open_window()
    qtbot.waitUntil(lambda: window.table_model.rowCount() == 1, timeout=10000)
    change(qtbot, window, "operator_name", "Иванова А. П.")
    row = window.table_model.rows[0]
    with qtbot.waitSignal(window.actions_.completed, timeout=10000) as done:
        window.actions_.assign([row], agency.id)
    assert done.args[0].ok
    assert [(h.status, h.operator) for h in history(store, row.id)] == [("assigned", "Иванова А. П.")]


# ----- the crisis: the «С начала кризиса» tile ----------------------------------------------------

def test_crisis_start_counts_the_tile(qtbot, open_window, store):
    add(store, [NOW - timedelta(hours=h) for h in (1, 2, 3, 5)], "water", "Армавир")
    window = open_window()
    wait_tile(qtbot, window, "since_crisis", "—")
    change(qtbot, window, "crisis_start", (NOW - timedelta(hours=4)).astimezone(UTC).isoformat())
    wait_tile(qtbot, window, "since_crisis", "3")
    assert window.analytics.tiles.details()["since_crisis"] == "с 25.11 08:30"


def test_crisis_name_reaches_the_tile(qtbot, open_window):
    window = open_window()
    change(qtbot, window, "crisis_name", "Паводок-2026")
    qtbot.waitUntil(lambda: window.analytics.tiles.details()["since_crisis"].startswith("Паводок-2026"),
                    timeout=15000)


def test_every_field_has_an_effect_test():
    """A new field needs a test here (its name in a test of this module)."""
    import inspect
    import sys

    source = inspect.getsource(sys.modules[__name__])
    assert [key for key in KEYS if f'"{key}"' not in source] == []
