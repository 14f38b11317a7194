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


# --- fixed layout, empty states, plain text, no home addresses -----------------------------------

SCREEN = (1920, 1080)
DOCS_IMG = ROOT / "docs" / "img"


def _save_shot(image, name: str) -> None:
    """Keep the screenshot for the documentation when asked (OPERSHTAB_DOCS_SHOTS=1)."""
    if os.environ.get("OPERSHTAB_DOCS_SHOTS"):
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        image.save(str(DOCS_IMG / name))


def _screen_wall(qtbot, store, web_context, clock):
    window = _wall(qtbot, store, web_context, clock)
    window.resize(*SCREEN)
    qtbot.waitExposed(window)
    return window


def test_a_long_ticker_never_widens_the_wall(qtbot, fixture_store, web_context):
    from PySide6.QtWidgets import QApplication

    window = _screen_wall(qtbot, fixture_store, web_context, ManualClock(FIXTURE_START + timedelta(hours=3)))
    qtbot.waitUntil(lambda: window.map_view.is_ready, timeout=20000)
    window.load()
    qtbot.waitUntil(lambda: window.snapshot is not None, timeout=10000)
    long_text = "Армавир · Электроснабжение: " + "нет света на всей улице " * 210
    assert len(long_text) >= 5000
    window.ticker.setText(long_text)
    window.region_label.setText("Краснодарский край " * 40)
    window.show_alerts(["Армавир, электроснабжение: " + "очень " * 300])
    for _ in range(10):  # layout passes, and the map draws its markers
        QApplication.processEvents()
        qtbot.wait(100)
    shot = window.grab().toImage()
    assert (shot.width(), shot.height()) == SCREEN and (window.width(), window.height()) == SCREEN
    assert window.ticker.text() == " ".join(long_text.split())  # the whole text is kept ...
    assert window.ticker.shown().endswith("…") and len(window.ticker.shown()) < 300  # ... and cut on screen
    clock = window.clock_label.geometry()
    assert window.clock_label.isVisible() and clock.right() <= SCREEN[0] and clock.width() > 0
    assert window.clock_label.text() == "17:00"  # from the first frame, not after the first tick
    assert window.map_view.geometry().right() <= SCREEN[0]
    _save_shot(shot, "wall_long_ticker.png")


def test_empty_states_instead_of_zeros(qtbot, store, web_context):
    window = _screen_wall(qtbot, store, web_context, ManualClock(FIXTURE_START))
    qtbot.waitUntil(lambda: window.map_view.is_ready, timeout=20000)
    window.refresh()
    qtbot.waitUntil(lambda: window.snapshot is not None, timeout=10000)
    assert window.snapshot.last_day == 0 and not window.feed_configured
    assert window.empty_box.isVisible() and not window.figures_box.isVisible()
    assert window.empty_title.text() == "Лента не настроена" and window.ticker.text() == "Лента не настроена"
    assert all(tile.value.text() == "—" for tile in window.tiles.tiles.values())  # never a calm «0»
    window.set_feed_configured(True)
    assert window.empty_title.text() == "Нет данных за 24 часа" and window.empty_box.isVisible()
    assert window.briefing_panel.title.text() == "Нет данных за 24 часа"
    qtbot.wait(100)  # the layout settles
    title, text = window.empty_title, window.empty_text
    assert title.height() >= title.heightForWidth(title.width()) and not title.geometry().intersects(text.geometry())
    _save_shot(window.grab().toImage(), "wall_no_data.png")


def test_data_without_a_feed_shows_figures_and_says_so(qtbot, fixture_store, web_context):
    window = _screen_wall(qtbot, fixture_store, web_context, ManualClock(FIXTURE_START + timedelta(hours=3)))
    window.refresh()
    qtbot.waitUntil(lambda: window.snapshot is not None, timeout=10000)
    assert window.figures_box.isVisible() and not window.empty_box.isVisible()
    assert window.feed_note.isVisible() and window.feed_note.text() == "Лента не настроена"
    window.set_feed_configured(True)
    assert not window.feed_note.isVisible()


def test_public_text_is_plain_and_without_home_addresses(qtbot, store, web_context):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    from app.intake.writer import Incoming, store_incoming

    heading = "<h1 style='color:red'>Армавир</h1>"
    now = FIXTURE_START + timedelta(hours=1)
    store_incoming(store, [Incoming(
        source="t", external_id=str(n), published_at=now - timedelta(minutes=10 + n), settlement=heading,
        text="Нет света, ул. Ленина, д. 5, кв. 12, звоните +7 918 123-45-67, Иван Сидоров", author="Иван Сидоров",
        address="ул. Ленина, 5", category="power", lat=44.99, lon=41.12) for n in range(3)])
    window = _screen_wall(qtbot, store, web_context, ManualClock(now))
    window.refresh()
    qtbot.waitUntil(lambda: window.snapshot is not None and bool(window.ticker.text()), timeout=10000)
    ticker = window.ticker.text()
    assert heading in ticker  # shown as the characters it is ...
    for secret in ("Ленина", "д. 5", "кв. 12", "918", "Сидоров"):
        assert secret not in ticker, secret
    assert "[адрес скрыт]" in ticker
    assert window.focus_panel.title.text() == heading
    labels = window.findChildren(QLabel)
    assert labels and all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)  # ... never as HTML
    title = window.focus_panel.title
    title.resize(1000, 80)
    assert title.fontMetrics().horizontalAdvance(title.shown()) > title.fontMetrics().horizontalAdvance("Армавир")


def test_the_wall_map_gets_no_author_address_or_contacts():
    from datetime import UTC, datetime

    from app.queries.messages import MessageRow
    from app.wall.public import hide_addresses, public_row

    row = MessageRow(1, datetime(2026, 11, 24, tzinfo=UTC), "vk", "Анна Смирнова",
                     "Анна Смирнова: проспект Победы, 120/3, кв 7 нет воды, пишите vk.com/id1", "Армавир", None,
                     "просп. Победы, 120", "water", 45.0, 41.0)
    shown = public_row(row)
    assert shown.author is None and shown.address is None
    assert "Победы" not in shown.text and "Смирнов" not in shown.text and "vk.com" not in shown.text
    assert "нет воды" in shown.text and shown.settlement == "Армавир"
    kept = "ул. Мира без света с 14:00 24.11.2026, без света 120 домов"
    assert hide_addresses(kept) == kept  # a street without a house, times and counts stay
