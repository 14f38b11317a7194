"""The real operator window: live or history always visible, one period and filter strip with chips, KPI
tiles that say their moment, alarms for spikes / important messages / stale feeds, the spike panel's basis."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from app.common.changes import Changes, Kind
from app.common.timeutil import to_local
from app.core import Core
from app.intake.feed_state import FeedHealth
from app.intake.writer import Incoming, store_incoming
from app.queries.messages import messages_by_ids
from tests.analytics_helpers import add
from tests.fixtures import FIXTURE_COUNTS, FIXTURE_START, ManualClock, fixture_total

NOW = FIXTURE_START + timedelta(hours=4)


def _open(qtbot, store, web_context, now=NOW):
    from widgets.shell.main_window import MainWindow
    from widgets.tasks.worker import DbWorker

    win = MainWindow(Core(store, ManualClock(now)), web_context, DbWorker())
    win.open_files = False
    qtbot.addWidget(win, before_close_func=lambda w: w.briefing.shutdown())
    win.show()
    win.load_initial()
    qtbot.waitUntil(lambda: win.map_view.is_ready, timeout=20000)
    return win


@pytest.fixture
def window(qtbot, fixture_store, web_context):
    win = _open(qtbot, fixture_store, web_context)
    qtbot.waitUntil(lambda: win.table_model.rowCount() == fixture_total(), timeout=20000)
    return win


def _arrive(window, minutes_ago=1, category="water", municipality="Армавир") -> int:
    """One new message stored by another door and announced, as the feed poller does."""
    item = Incoming(source="t", external_id=uuid.uuid4().hex, published_at=NOW - timedelta(minutes=minutes_ago),
                    text="Нет воды", category=category, municipality=municipality, settlement=municipality)
    (new_id,) = store_incoming(window.store, [item]).new_ids
    window.core.hub.publish(Changes.of(Kind.MESSAGES_ADDED, messages=[new_id]))
    return new_id


def test_after_playback_the_window_is_online_again_and_new_messages_appear(qtbot, window):
    from widgets.shell.view_bar import ONLINE

    badge = window.view_bar.badge
    assert badge.label.text() == ONLINE and not badge.back.isVisible()
    window.map_panel.play(FIXTURE_START, NOW, speed=3600.0)
    qtbot.waitUntil(lambda: badge.label.text().startswith("⏸ ИСТОРИЯ на "), timeout=5000)
    assert badge.back.isVisible()
    qtbot.waitUntil(lambda: window.core.view.view.live, timeout=30000)  # the playback ended by itself
    qtbot.waitUntil(lambda: badge.label.text() == ONLINE and not badge.back.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: window.analytics.tiles.period.text()
                    == f"Показатели на {to_local(NOW):%d.%m %H:%M} (онлайн)", timeout=10000)
    _arrive(window)
    qtbot.waitUntil(lambda: window.table_model.rowCount() == fixture_total() + 1, timeout=10000)
    qtbot.waitUntil(lambda: window.analytics.tiles.values()["last_hour"]
                    == str(fixture_total(3) + 1), timeout=15000)


def test_back_to_now_button_leaves_history(qtbot, window):
    window.core.view.show_history(FIXTURE_START, FIXTURE_START + timedelta(hours=1))
    badge = window.view_bar.badge
    end = to_local(FIXTURE_START + timedelta(hours=1))
    qtbot.waitUntil(lambda: badge.label.text() == f"⏸ ИСТОРИЯ на {end:%H:%M}", timeout=5000)
    qtbot.waitUntil(lambda: window.analytics.tiles.period.text()
                    == f"Показатели на {end:%d.%m %H:%M} (история)", timeout=10000)
    badge.back.click()
    assert window.core.view.view.live
    qtbot.waitUntil(lambda: window.analytics.tiles.period.text().endswith("(онлайн)"), timeout=10000)


def test_chart_bar_filter_is_a_chip_and_its_cross_removes_it(qtbot, window):
    hour = FIXTURE_START + timedelta(hours=2)
    window.analytics.chart.barClicked.emit(hour, "water")
    chips = window.view_bar.chips
    local = to_local(hour)
    qtbot.waitUntil(lambda: chips.texts() == ["Категория: Водоснабжение  ✕",
                                              f"Период: {local:%d.%m %H:%M}–{local + timedelta(hours=1):%H:%M}  ✕"],
                    timeout=5000)
    qtbot.waitUntil(lambda: window.table.proxy.rowCount() == FIXTURE_COUNTS["water"][2], timeout=10000)
    chips.chips[0].click()  # ✕ on the category: every category again, still that hour
    assert window.core.view.view.categories == frozenset() and not window.core.view.view.live
    qtbot.waitUntil(lambda: len(chips.texts()) == 1, timeout=5000)
    qtbot.waitUntil(lambda: window.table.proxy.rowCount() == fixture_total(2), timeout=10000)
    chips.chips[0].click()  # ✕ on the period: live again
    assert window.core.view.view.live
    qtbot.waitUntil(lambda: chips.texts() == [], timeout=5000)


def test_the_window_has_one_period_control(window):
    from PySide6.QtWidgets import QComboBox

    from widgets.map.period import PeriodBar

    assert window.findChildren(PeriodBar) == [window.map_panel.period]
    assert window.map_panel.period.parent() is window.view_bar  # on the window's strip, not inside the map
    combos = [c for c in window.analytics.findChildren(QComboBox) if c.findText("24 ч") >= 0]
    assert combos == []  # the chart has no period combo of its own


def test_spike_without_history_is_not_a_spike(qtbot, store, web_context):
    add(store, [NOW - timedelta(minutes=m) for m in range(1, 13)], "water", "Армавир")
    window = _open(qtbot, store, web_context)
    alerts = window.analytics.alerts
    qtbot.waitUntil(lambda: len(alerts.unknown_texts()) == 1, timeout=15000)
    assert alerts.texts() == [] and alerts.header.text() == "Всплесков нет"
    assert "сравнить не с чем" in alerts.unknown_texts()[0] and "12 за час" in alerts.unknown_texts()[0]
    assert alerts.unknown_header.text() == "Нет истории — сравнить не с чем: 1"
    assert "тот же час за 4 прошлые недели" in alerts.basis.text()
    assert window.alarm.alarms == []  # no history: no alarm either


def test_spike_important_message_and_stale_feed_raise_alarms(qtbot, store, web_context):
    add(store, [NOW - timedelta(days=40)], "other", "Армавир")  # history before the four compared weeks
    window = _open(qtbot, store, web_context)
    window.core.update_settings(alert_sound=True)
    add(store, [NOW - timedelta(minutes=m) for m in range(1, 13)], "water", "Армавир")
    window.core.hub.publish(Changes.of(Kind.MESSAGES_ADDED))
    qtbot.waitUntil(lambda: window.alarm.kinds == ["spike"], timeout=15000)
    assert window.alarm.button.isVisible() and "Армавир, водоснабжение: 12 за час" in window.alarm.button.text()
    assert window.analytics.sound.rung == 1
    window.alarm.button.click()  # acknowledged
    assert window.alarm.alarms == [] and not window.alarm.button.isVisible()

    new_id = _arrive(window, category="gas", municipality="Сочи")
    (row,) = messages_by_ids(window.store, [new_id])
    window.worker.run(lambda: window.core.ops.set_importance([row], True))
    qtbot.waitUntil(lambda: window.alarm.kinds == ["important"], timeout=10000)
    assert window.alarm.button.text() == f"⚠ Важное: №{new_id}" and window.analytics.sound.rung == 2

    now = NOW
    stale = FeedHealth("demo", "stale", now, now - timedelta(minutes=20), None, None, 0, 0, None)
    window.set_feed_health(stale)
    window.set_feed_health(stale)  # the same staleness alarms once
    assert window.alarm.kinds == ["important", "feed"] and window.analytics.sound.rung == 3
    assert window.alarm.button.text().endswith("(ещё 1)")
