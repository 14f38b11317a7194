"""The HTTP feed: the built-in feed server, a faulty server, cursors, ETags and feed health."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from app.demo.feed_server import ScenarioFeed, start_feed_server
from app.demo.simulator import StormScenario
from app.intake import Pipeline
from app.intake.backoff import Backoff, backoff_delay
from app.intake.feed import DEFAULT_FIELDS, FeedConfig, FeedPoller
from app.intake.feed_state import feed_health, load_state
from app.intake.quarantine import list_quarantine
from app.store.models import Message
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

    @dataclass(frozen=True)
    class CrashOnSecondPage(Pipeline):
        def prepare(self, record):  # type: ignore[no-untyped-def]
            calls["n"] += 1
            if calls["n"] == 60:  # inside page 2 of 50
                raise KeyboardInterrupt  # like a kill: nothing of this page may stay
            return super().prepare(record)

    with pytest.raises(KeyboardInterrupt):
        FeedPoller(store, fast_config(server.url), CrashOnSecondPage(classify=False, group=False)).poll_once()
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
    assert backoff_delay(10_000, 0.5, 4.0) == 4.0  # no overflow however long a source keeps failing
    pauses = Backoff(60.0, 600.0)  # the window's source threads: the interval, doubled while failing
    assert [pauses.next_delay() for _ in range(5)] == [60.0, 120.0, 240.0, 480.0, 600.0]
    pauses.reset()
    assert pauses.next_delay() == 60.0


# --- `since` mode: the cursor is the latest item time, sent back as the server wrote it ---

MSK = timezone(timedelta(hours=3))


def server_moment(value: object) -> datetime:
    """How the since-API below reads a time: Unix seconds or ISO 8601 with an offset."""
    try:
        return datetime.fromtimestamp(float(str(value)), UTC)
    except ValueError:
        return datetime.fromisoformat(str(value))


def iso_mixed(moment: datetime, i: int) -> str:
    """Alternately «…Z» and «…+03:00»: string order then disagrees with time order."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if i % 2 == 0 else moment.astimezone(MSK).isoformat()


def since_items(count: int, time_format=iso_mixed, step_s: int = 7) -> list[dict]:
    return [{"id": f"s-{i:04d}", "ts": time_format(START + timedelta(seconds=step_s * i), i), "source": "vk",
             "author": f"автор {i % 5}", "text": f"Подтопление, улица {i}", "lat": 45.0, "lon": 39.0 + i * 1e-4}
            for i in range(count)]


class SinceHandler(BaseHTTPRequestHandler):
    server: SinceServer

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        since, limit = query.get("since", [None])[0], int(query["limit"][0])
        self.server.asked.append(since)
        body = json.dumps({"data": self.server.page(since, limit)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class SinceServer(ThreadingHTTPServer):
    """A since-based API: items with time >= since, oldest first, at most ``limit``; the boundary item
    comes again, and there is no has_more flag (a full page means «ask again»)."""

    daemon_threads = True

    def __init__(self, items: list[dict]) -> None:
        super().__init__(("127.0.0.1", 0), SinceHandler)
        self.items, self.asked, self.hide_times = items, [], False
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def page(self, since: str | None, limit: int) -> list[dict]:
        ordered = sorted(self.items, key=lambda item: server_moment(item["ts"]))
        chosen = [dict(i) for i in ordered if since is None or server_moment(i["ts"]) >= server_moment(since)]
        for item in chosen if self.hide_times else ():
            del item["ts"]
        return chosen[:limit]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v2/posts"

    def __enter__(self) -> SinceServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


def since_config(url: str, page_size: int = 20) -> FeedConfig:
    return fast_config(url, since_param="since", items_path="data", page_size=page_size,
                       fields={**DEFAULT_FIELDS, "time": "ts"})


def unix_seconds(moment: datetime, _i: int) -> int:
    return int(moment.timestamp())


@pytest.mark.parametrize("time_format", [iso_mixed, unix_seconds], ids=["iso-mixed-offsets", "unix-seconds"])
def test_since_mode_catches_up_and_resumes_from_the_servers_own_latest_time(store, time_format):
    items = since_items(131, time_format)  # the latest item is the last one (a «Z» one in ISO)
    with SinceServer(items) as server:
        first = FeedPoller(store, since_config(server.url)).poll_once()
        cursor = load_state(store, server.url).cursor
        asked_before_restart = len(server.asked)
        again = FeedPoller(store, since_config(server.url)).poll_once()  # a restart: new poller, same DB
    ids = stored_ids(store)
    assert first.error is None and first.pages > 5 and first.summary.imported == len(items)
    assert sorted(ids) == sorted(item["id"] for item in items) and len(ids) == len(set(ids))
    assert cursor == str(items[-1]["ts"])
    moments = [server_moment(s) for s in server.asked[1:asked_before_restart]]
    assert moments == sorted(moments)  # the since value never went back
    assert server.asked[asked_before_restart:] == [cursor]
    assert again.error is None and again.summary.imported == 0 and len(stored_ids(store)) == len(items)


def test_since_page_without_times_keeps_the_cursor(store):
    items = since_items(30)
    with SinceServer(items[:25]) as server:
        config = since_config(server.url)
        FeedPoller(store, config).poll_once()
        cursor = load_state(store, server.url).cursor
        server.items, server.hide_times = items, True
        blind = FeedPoller(store, config).poll_once()
        kept = load_state(store, server.url).cursor
        server.hide_times = False
        FeedPoller(store, config).poll_once()
    assert cursor == items[24]["ts"] and kept == cursor
    assert blind.summary.imported == 0 and blind.summary.rejected == 6
    assert server.asked[-1] == cursor  # resumed where it was, not from the beginning
    assert sorted(stored_ids(store)) == [item["id"] for item in items]


def test_since_cursor_that_cannot_advance_ends_the_poll(store):
    items = since_items(30, step_s=0)  # one moment for all: a full page never moves `since`
    with SinceServer(items) as server:
        result = FeedPoller(store, since_config(server.url, page_size=10)).poll_once()
    assert result.error is None and len(server.asked) == 2  # not max_pages requests for the same page
    assert len(stored_ids(store)) == 10
