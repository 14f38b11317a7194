"""The «Источники» panel and the Qt source runner against real local servers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from app.intake.connectors import SourceSpec
from app.intake.sources import Secrets, list_sources, save_source
from app.store.models import Message
from tests.source_servers import BOT_TOKEN, StaticServer, TelegramServer, tg_update
from tests.test_sources_feeds import RSS

SHOTS = Path(os.environ.get("OPERSHTAB_SHOTS", "/tmp/opershtab-shots"))


@pytest.fixture
def worker(qapp):
    from widgets.tasks.worker import DbWorker

    db_worker = DbWorker()
    yield db_worker
    db_worker.shutdown()


def _count(store) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(Message)) or 0)


def test_runner_polls_enabled_sources_and_the_panel_shows_their_health(qtbot, core, worker):
    from widgets.intake.sources_panel import SourcesPanel
    from widgets.tasks.source_runner import SourceRunner

    updates = [tg_update(10 + i, "message", -1001, i, 1682164800 + i, f"Нет света, дом {i}") for i in range(5)]
    with StaticServer({"/news.xml": (RSS.format(updated="").encode(), "application/rss+xml")}) as rss, \
            TelegramServer(updates) as bot:
        secrets = Secrets(use_keyring=False)
        save_source(core.store, SourceSpec("rss", "Новости Армавира", rss.url + "/news.xml", {}, 300.0), None, secrets)
        off = SourceSpec("rss", "Выключенный", rss.url + "/none.xml", {}, 300.0, False)
        save_source(core.store, off, None, secrets)
        bot_spec = save_source(core.store, SourceSpec("telegram_bot", "Бот центра", bot.url, {}, 300.0), BOT_TOKEN,
                               secrets)
        panel = SourcesPanel(core, worker)
        qtbot.addWidget(panel)
        panel.resize(900, 300)
        panel.show()
        qtbot.waitUntil(lambda: panel.table.rowCount() == 3, timeout=5000)
        runner = SourceRunner(core)
        runner.updated.connect(lambda u: panel.show_health(u.source_id, u.health))
        from app.intake import sources as module

        module.SECRETS.put(bot_spec.id, BOT_TOKEN)  # the runner reads keys where the product keeps them
        try:
            with qtbot.waitSignals([runner.updated, runner.updated], timeout=15000):
                runner.start()
            assert len(runner.running_ids) == 2  # the disabled source is not polled
        finally:
            runner.stop()
            module.SECRETS.put(bot_spec.id, None)
        assert _count(core.store) == 2 + 5
        texts = [panel.table.item(row, 2).text() for row in range(3)]
        assert sum(t.startswith("Источник работает") for t in texts) == 2
        SHOTS.mkdir(parents=True, exist_ok=True)
        assert panel.grab().save(str(SHOTS / "sources_panel.png"))


def test_source_dialog_round_trips_a_vk_search(qtbot):
    from widgets.intake.sources_panel import SourceDialog

    spec = SourceSpec("vk_search", "Поиск: свет", "", {"query": "нет света", "latitude": 45.0, "longitude": 39.0,
                                                      "radius_km": 30.0, "window_s": 3600}, 120.0, True, 4)
    dialog = SourceDialog(spec)
    qtbot.addWidget(dialog)
    assert dialog.spec() == spec
    dialog.show()
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(SHOTS / "source_dialog.png"))
    dialog.kind.setCurrentIndex(dialog.kind.findData("vk_wall"))
    dialog.main.setText("-1, -22")
    assert dialog.spec().parameters["owners"] == ["-1", "-22"]


def test_saved_sources_keep_keys_out_of_the_database(store):
    secrets = Secrets(use_keyring=False)
    saved = save_source(store, SourceSpec("telegram_bot", "Бот", "", {}, 30.0), "123:секрет", secrets)
    with store.engine.connect() as conn:
        dump = "\n".join(str(row) for row in conn.exec_driver_sql("SELECT * FROM sources").all())
    assert "секрет" not in dump and secrets.get(saved.id) == "123:секрет"
    assert [s.secret for s in list_sources(store)] == [None] and list_sources(store, secrets)[0].secret == "123:секрет"


def test_install_sources_dock_in_a_window_with_the_bridge(qtbot, core, tmp_path):
    """The one call a window makes: the dock polls, shows three sources' health, and stops with the dock."""
    from PySide6.QtWidgets import QMainWindow

    from app.common.changes import Changes, Kind
    from widgets.intake.sources_dock import install_sources_dock
    from widgets.tasks.core_bridge import CoreBridge

    updates = [tg_update(10 + i, "channel_post", -1001, i, 1682164800 + i, f"Подтопление, ул. Мира {i}")
               for i in range(3)]
    with StaticServer({"/news.xml": (RSS.format(updated="").encode(), "application/rss+xml")}) as rss, \
            TelegramServer(updates) as bot:
        secrets = Secrets(use_keyring=False)
        save_source(core.store, SourceSpec("rss", "Новости Армавира", rss.url + "/news.xml", {}, 300.0), None, secrets)
        bot_spec = save_source(core.store, SourceSpec("telegram_bot", "Бот центра", bot.url, {}, 300.0), BOT_TOKEN,
                               secrets)
        dead = SourceSpec("open311", "Решаем вместе (Open311)", "http://127.0.0.1:9/requests.json",
                          {"attempts": 1, "connect_timeout": 1.0}, 300.0)
        save_source(core.store, dead, None, secrets)
        from app.intake import sources as module

        module.SECRETS.put(bot_spec.id, BOT_TOKEN)
        window = QMainWindow()
        qtbot.addWidget(window)
        bridge = CoreBridge(core, window)
        try:
            dock = install_sources_dock(window, bridge)
            window.resize(1000, 360)
            window.show()
            assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.LeftDockWidgetArea
            table = dock.panel.table
            qtbot.waitUntil(lambda: table.rowCount() == 3 and all(
                "ожидание" not in table.item(r, 2).text() for r in range(3)), timeout=20000)
        finally:
            dock.stop()
            module.SECRETS.put(bot_spec.id, None)
        states = {table.item(r, 0).text(): table.item(r, 2).text() for r in range(3)}
        assert states["Новости Армавира"].startswith("Источник работает")
        assert states["Бот центра"].startswith("Источник работает")
        assert "ошибка" in states["Решаем вместе (Open311)"].lower()
        assert _count(core.store) == 2 + 3
        SHOTS.mkdir(parents=True, exist_ok=True)
        assert dock.grab().save(str(SHOTS / "sources_panel.png"))
        core.hub.publish(Changes.of(Kind.SOURCES))  # an edit elsewhere: the list is read again
        qtbot.waitUntil(lambda: table.rowCount() == 3, timeout=5000)
        assert dock.runner.running_ids == ()
