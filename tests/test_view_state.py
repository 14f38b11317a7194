"""The core's view state and what the settings mean for the parts that act on them (Qt-free)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from app.core import LIVE_HOURS, FeedSecrets, View, ViewState, crisis_of, feed_config, schedule_of
from app.settings import Settings

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_view_state_notifies_once_per_real_change():
    state, seen = ViewState(), []
    stop = state.subscribe(seen.append)
    state.go_live(6)
    state.go_live(6)  # nothing changed: nobody is told
    state.show_history(NOW - timedelta(hours=2), NOW, {"water"})  # period and categories in one change
    assert [v.hours for v in seen] == [6, 6] and seen[-1].categories == {"water"} and not seen[-1].live
    state.set_municipality("Армавир")
    stop()
    state.go_live()
    assert len(seen) == 3 and state.view.live and state.view.hours == 6  # live again with the hours chosen
    assert state.view.categories == {"water"} and state.view.municipality == "Армавир"


def test_view_window_live_and_history():
    live = View(hours=6)
    assert live.window(NOW) == (NOW - timedelta(hours=6), NOW) and live.span_hours() == 6
    history = View(start=NOW - timedelta(hours=3), end=NOW - timedelta(hours=1))
    assert history.window(NOW + timedelta(days=1)) == (NOW - timedelta(hours=3), NOW - timedelta(hours=1))
    assert history.span_hours() == 2
    gas = View(categories=frozenset({"gas"}))
    assert gas.admits("gas") and not gas.admits("power")
    with pytest.raises(ValueError, match="позже начала"):
        ViewState().show_history(NOW, NOW)
    assert LIVE_HOURS[:3] == (1, 6, 24) and 720 in LIVE_HOURS


def test_core_calendar_follows_the_settings(core):
    cal = core.calendar()
    assert cal.day_start == time(9) and date(2027, 1, 7) not in cal.extra_workdays
    core.update_settings(work_start_hour=8, work_end_hour=24, workdays=("2027-01-09",), final_answer_days=5)
    cal = core.calendar()
    assert (cal.day_start, cal.day_end.hour, cal.final_days) == (time(8), 23, 5)
    assert cal.is_workday(date(2027, 1, 9))  # a Saturday worked
    assert cal.production == "RU-KDA"  # the region's production calendar underneath


def test_crisis_schedule_and_feed_from_settings():
    assert crisis_of(Settings()).start is None
    crisis = crisis_of(replace(Settings(), crisis_start="2026-11-24T13:00:00+03:00", crisis_name="Паводок"))
    assert crisis.start == datetime(2026, 11, 24, 10, 0, tzinfo=UTC) and crisis.name == "Паводок"
    schedule = schedule_of(replace(Settings(), briefing_minute=5, briefing_every_hours=2, briefing_enabled=False))
    assert (schedule.minute, schedule.every_hours, schedule.enabled) == (5, 2, False)
    assert feed_config(Settings()) is None
    config = feed_config(replace(Settings(), feed_url="https://feed.example/api", feed_interval_s=45), "секрет")
    assert config is not None
    assert (config.url, config.interval_s, config.token) == ("https://feed.example/api", 45, "секрет")
    assert feed_config(Settings(), url="https://other.example/").url == "https://other.example/"


def test_feed_token_without_a_keyring_lives_in_memory():
    secrets = FeedSecrets(use_keyring=False)
    assert not secrets.persistent and secrets.token() is None
    secrets.set_token("abc")
    assert secrets.token() == "abc"
    secrets.set_token("")
    assert secrets.token() is None


def test_feed_token_goes_to_the_keyring_when_there_is_one():
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):  # what a desktop keyring offers, kept in this process
        priority = 1

        def __init__(self):
            super().__init__()
            self.stored = {}

        def get_password(self, service, username):
            return self.stored.get((service, username))

        def set_password(self, service, username, password):
            self.stored[(service, username)] = password

        def delete_password(self, service, username):
            del self.stored[(service, username)]

    previous, backend = keyring.get_keyring(), MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        FeedSecrets().set_token("xyz")
        assert FeedSecrets().token() == "xyz" and FeedSecrets().persistent  # a new run reads it back
        FeedSecrets().set_token(None)
        assert backend.stored == {}
    finally:
        keyring.set_keyring(previous)
