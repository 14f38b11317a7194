"""The HTTP feed: the built-in feed server, a faulty server, cursors, ETags and feed health."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.feed import FeedConfig, FeedPoller, backoff_delay
from app.feed_health import feed_health, load_state
from app.feed_server import ScenarioFeed, start_feed_server
from app.models import Message
from app.quarantine import list_quarantine
from app.simulator import StormScenario
from tests.faulty_server import START, FaultyServer, sent_messages


class ManualClock:
    def __init__(self, now):
        self.current = now

    def now(self):
        return self.current


def stored_ids(store) -> list[str]:
    with store.session() as session:
        return list(session.scalars(select(Message.external_id)))


def fast_config(url: str, **changes) -> FeedConfig:
    values = {"page_size": 50, "max_attempts": 3, "backoff_base": 0.01, "backoff_cap": 0.05,
              "read_timeout": 0.5, "connect_timeout": 0.5, "interval_s": 10.0}
    return FeedConfig(url=url, **{**values, **changes})


@pytest.fixture
def scenario_feed():
    scenario = StormScenario(START, seed=7)
    clock = ManualClock(START + timedelta(hours=3))
    feed = ScenarioFeed(scenario, clock)
    server = start_feed_server(feed)
    yield feed, clock, server
    server.close()


def test_poll_stores_everything_the_server_published(store, scenario_feed):
    feed, _clock, server = scenario_feed
    poller = FeedPoller(store, fast_config(server.url))
    result = poller.poll_once()
    sent = [item["id"] for item in feed.available()]
    assert result.error is None and result.pages > 1
    assert sorted(stored_ids(store)) == sorted(sent) and len(sent) > 100
    assert result.summary.imported == len(sent)


def test_etag_gives_not_modified_and_new_messages_follow(store, scenario_feed):
    feed, clock, server = scenario_feed
    poller = FeedPoller(store, fast_config(server.url))
    poller.poll_once()
    again = poller.poll_once()
    assert again.not_modified and again.summary.processed == 0
    clock.current += timedelta(minutes=30)
    later = poller.poll_once()
    assert later.summary.imported > 0 and later.summary.duplicates == 0
    assert sorted(stored_ids(store)) == sorted(item["id"] for item in feed.available())


def test_token_is_required_when_configured(store):
    feed = ScenarioFeed(StormScenario(START, seed=7), ManualClock(START + timedelta(hours=1)))
    server = start_feed_server(feed, token="секрет".encode().hex())
    try:
        denied = FeedPoller(store, fast_config(server.url)).poll_once()
        assert "HTTP 401" in (denied.error or "")
        allowed = FeedPoller(store, fast_config(server.url, token="секрет".encode().hex())).poll_once()
        assert allowed.error is None and allowed.summary.imported == len(feed.available()) > 0
    finally:
        server.close()


def test_cursor_commits_with_the_messages_it_covers(store, scenario_feed):
    feed, _clock, server = scenario_feed
    calls = {"n": 0}

    def crash_on_second_page(item):
        calls["n"] += 1
        if calls["n"] == 60:  # inside page 2 of 50
            raise KeyboardInterrupt  # like a kill: nothing of this page may stay
        return item

    with pytest.raises(KeyboardInterrupt):
        FeedPoller(store, fast_config(server.url), enrich=crash_on_second_page).poll_once()
    assert len(stored_ids(store)) == 50 and load_state(store, server.url).cursor == "50"
    FeedPoller(store, fast_config(server.url)).poll_once()
    assert sorted(stored_ids(store)) == sorted(item["id"] for item in feed.available())


FAULTS = ["500", "timeout", "truncated", "ok", "cut", "html", "duplicates", "500", "shuffle", "rewind",
          "500", "500", "500", "duplicates", "html", "html", "html", "cut", "shuffle"]


def test_faulty_server_after_recovery_stored_equals_sent(store):
    messages = sent_messages(430)
    with FaultyServer(messages, list(FAULTS), stall_s=1.0) as server:
        poller = FeedPoller(store, fast_config(server.url))
        results = [poller.poll_once() for _ in range(8)]
    ids = stored_ids(store)
    assert sorted(ids) == [m["id"] for m in messages]  # nothing lost, nothing twice
    errors = [r.error for r in results if r.error]
    assert any("HTTP 500" in e for e in errors) and any("HTML" in e for e in errors)
    assert sum(r.summary.duplicates for r in results) > 0
    assert feed_health(store, server.url, 10.0).state == "ok"


def test_giving_up_is_recorded_and_html_is_quarantined(store):
    with FaultyServer(sent_messages(20), ["html"] * 3) as server:
        poller = FeedPoller(store, fast_config(server.url))
        failed = poller.poll_once()
        health = feed_health(store, server.url, 10.0)
        recovered = poller.poll_once()
    assert failed.error is not None and "HTML" in failed.error
    assert health.state == "error" and health.is_warning and "HTML" in health.label
    assert any("HTML" in q.reason and "502 Bad Gateway" in q.raw for q in list_quarantine(store))
    assert recovered.summary.imported == 20
    assert feed_health(store, server.url, 10.0).state == "ok"


def test_stale_after_three_intervals_without_success(store):
    with FaultyServer(sent_messages(5), []) as server:
        FeedPoller(store, fast_config(server.url)).poll_once()
    health = feed_health(store, server.url, 10.0)
    later = feed_health(store, server.url, 10.0, now=health.last_success_at + timedelta(seconds=31))
    assert health.state == "ok" and later.state == "stale"
    assert later.label.startswith("Лента не обновляется") and "31 с назад" in later.label
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == 5


def test_backoff_is_exponential_and_capped():
    assert [backoff_delay(i, 0.5, 4.0) for i in range(6)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
