"""The wall display: playlist rotation with a controlled clock, banners, screenshot at 1920×1080."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from app.core import Core
from app.wall.playlist import Playlist, Slot, parse_playlist
from tests.fixtures import FIXTURE_START, ManualClock, fixture_messages

ROOT = Path(__file__).resolve().parents[1]



def test_playlist_cycles_and_pauses():
    playlist = Playlist((Slot("overview", 10), Slot("focus", 5), Slot("briefing", 5)))
    assert not playlist.advance(9.0) and playlist.current.view == "overview"
    assert playlist.advance(1.0) and playlist.current.view == "focus"
    playlist.toggle_pause()
    assert not playlist.advance(100.0) and playlist.current.view == "focus"
    playlist.toggle_pause()
    assert playlist.advance(5.0) and playlist.current.view == "briefing"
    assert playlist.advance(5.0) and playlist.current.view == "overview"


def test_playlist_parsing_and_validation():
    assert parse_playlist("overview:40, focus:20") == (Slot("overview", 40.0), Slot("focus", 20.0))
    assert parse_playlist('[{"view": "briefing", "seconds": 7}]') == (Slot("briefing", 7.0),)
    with pytest.raises(ValueError):
        Playlist((Slot("nonsense", 5),))


def _wall(qtbot, store, web_context, clock, playlist=None):
    from widgets.tasks.worker import DbWorker
    from widgets.wall.wall import WallWindow

    worker = DbWorker()
    window = WallWindow(Core(store, clock), web_context, worker, playlist)
    qtbot.addWidget(window, before_close_func=lambda _w: worker.shutdown())
    window.resize(1600, 900)
    window.show()
    return window


def test_wall_rotates_views_by_its_timer(qtbot, fixture_store, web_context):
    clock = ManualClock(FIXTURE_START + timedelta(hours=3, minutes=30))
    window = _wall(qtbot, fixture_store, web_context, clock, Playlist((Slot("overview", 1), Slot("focus", 1))))
    window.refresh()
    qtbot.waitUntil(lambda: window.snapshot is not None, timeout=10000)
    now = clock.now()
    expected = sum(1 for m in fixture_messages() if now - timedelta(hours=1) <= m.published_at < now)
    assert window.snapshot.last_hour == expected  # messages in the 60 minutes before now
    qtbot.waitUntil(lambda: window.side.currentIndex() == 1, timeout=5000)
    assert window.view_title.text() == "Наибольшая нагрузка"
    assert window.focus_panel.title.text() in {"Геленджик", "Армавир", "Туапсе"}
    qtbot.waitUntil(lambda: window.side.currentIndex() == 0, timeout=5000)


def test_wall_stale_and_alert_banners(qtbot, store, web_context):
    clock = ManualClock(FIXTURE_START)
    window = _wall(qtbot, store, web_context, clock)
    assert not window.stale_banner.isVisible()
    window.set_feed_state(True, FIXTURE_START - timedelta(minutes=25))
    assert window.stale_banner.isVisible()
    assert "с 13:35 24.11" in window.stale_banner.text()
    window.set_feed_state(False, None)
    assert not window.stale_banner.isVisible()
    window.show_alerts(["Армавир, водоснабжение: 119 за час при обычных 3"])
    assert window.alert_banner.isVisible() and "119" in window.alert_banner.text()


def test_wall_screenshot_at_configured_resolution(tmp_path):
    shot = tmp_path / "wall.png"
    env = {**os.environ, "OPERSHTAB_DATA_DIR": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--demo", "--wall", "--screenshot", str(shot),
                             "--exit-after", "5"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    from PySide6.QtGui import QImage

    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1920, 1080)


def test_stale_banner_follows_a_real_feed_server(qtbot, store, web_context):
    """Stop the feed server: the red banner appears; start it again: the banner goes."""
    from app.demo.feed_server import demo_feed, start_feed_server
    from app.intake.feed import FeedConfig
    from widgets.tasks.feed_runner import FeedRunner

    feed = demo_feed(speed=60.0, hours_before=2.0)
    server = start_feed_server(feed)
    port = server.server.server_address[1]
    config = FeedConfig(url=server.url, feed_id="wall-test", interval_s=0.4, max_attempts=1,
                        connect_timeout=0.5, read_timeout=1.0, backoff_base=0.05, backoff_cap=0.1)
    window = _wall(qtbot, store, web_context, feed.clock)
    runner = FeedRunner(Core(store), config, parent=window)
    runner.healthChanged.connect(window.set_feed_health)
    runner.start()
    try:
        qtbot.waitUntil(lambda: runner.health is not None and runner.health.state == "ok", timeout=20000)
        assert not window.stale_banner.isVisible()
        server.close()
        qtbot.waitUntil(window.stale_banner.isVisible, timeout=20000)
        assert "НЕТ НОВЫХ ДАННЫХ" in window.stale_banner.text()
        server = start_feed_server(feed, port=port)
        qtbot.waitUntil(lambda: not window.stale_banner.isVisible(), timeout=20000)
    finally:
        runner.stop()
        server.close()
