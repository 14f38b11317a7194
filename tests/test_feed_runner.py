"""FeedRunner against real HTTP servers: delivery on the main thread, wake, stop, health."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import QObject, QThread, Slot
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from app.core import Core
from app.demo.feed_server import ScenarioFeed, start_feed_server
from app.demo.simulator import StormScenario
from app.intake.feed import FeedConfig
from app.store.models import Message
from tests.faulty_server import START, FaultyServer, sent_messages
from widgets.tasks.feed_runner import FeedRunner

LONG_S = 60.0  # an interval no test waits out: a second poll within it came from wake()


class ManualClock:
    def __init__(self, now):
        self.current = now

    def now(self):
        return self.current


class Recorder(QObject):
    """Receives the runner's signals like a widget would, noting the thread of each delivery."""

    def __init__(self, runner: FeedRunner) -> None:
        super().__init__()
        self.ids: list[int] = []
        self.polls, self.healths, self.off_main = [], [], 0
        runner.messagesArrived.connect(self.on_messages)
        runner.pollFinished.connect(self.on_poll)
        runner.healthChanged.connect(self.on_health)

    def _note_thread(self) -> None:
        self.off_main += QThread.currentThread() is not QApplication.instance().thread()

    @Slot(object)
    def on_messages(self, ids) -> None:
        self._note_thread()
        self.ids.extend(ids)

    @Slot(object)
    def on_poll(self, result) -> None:
        self._note_thread()
        self.polls.append(result)

    @Slot(object)
    def on_health(self, health) -> None:
        self._note_thread()
        self.healths.append(health)

    @property
    def count(self) -> int:
        return len(self.ids) + len(self.polls) + len(self.healths)


class FailingServer(FaultyServer):
    """500 on every request while ``failing``; then it serves its messages."""

    failing = True

    def next_fault(self) -> str:
        return "500" if self.failing else "ok"


def config_for(url: str, **changes) -> FeedConfig:
    values = {"page_size": 50, "interval_s": LONG_S, "max_attempts": 1, "backoff_base": 0.01, "backoff_cap": 0.05,
              "connect_timeout": 1.0, "read_timeout": 2.0}
    return FeedConfig(url=url, **{**values, **changes})


def stored_ids(store) -> list[int]:
    with store.session() as session:
        return list(session.scalars(select(Message.id)))


def stored_count(store) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(Message)) or 0)


@pytest.fixture
def scenario_feed() -> Iterator[tuple[ScenarioFeed, ManualClock, str]]:
    clock = ManualClock(START + timedelta(hours=3))
    feed = ScenarioFeed(StormScenario(START, seed=7), clock)
    server = start_feed_server(feed)
    yield feed, clock, server.url
    server.close()


@pytest.fixture
def make_runner(qapp, store) -> Iterator:
    runners: list[FeedRunner] = []

    def make(config: FeedConfig) -> tuple[FeedRunner, Recorder]:
        runner = FeedRunner(Core(store), config)
        runners.append(runner)
        return runner, Recorder(runner)

    yield make
    for runner in runners:
        runner.stop()


def test_start_polls_off_thread_and_delivers_new_ids_on_the_main_thread(qtbot, store, scenario_feed, make_runner):
    feed, _clock, url = scenario_feed
    runner, seen = make_runner(config_for(url))
    runner.start()
    qtbot.waitUntil(lambda: len(seen.polls) == 1 and len(seen.healths) >= 1, timeout=20000)
    assert seen.off_main == 0
    assert stored_count(store) == len(feed.available()) > 100
    assert sorted(seen.ids) == sorted(stored_ids(store))
    assert seen.polls[0].summary.imported == len(feed.available()) and runner.health.state == "ok"


def test_wake_polls_at_once(qtbot, store, scenario_feed, make_runner):
    feed, clock, url = scenario_feed
    runner, seen = make_runner(config_for(url))
    runner.start()
    qtbot.waitUntil(lambda: len(seen.polls) == 1, timeout=20000)
    first = len(seen.ids)
    clock.current += timedelta(minutes=30)
    runner.wake()
    qtbot.waitUntil(lambda: len(seen.polls) == 2, timeout=10000)  # far sooner than the 60 s interval
    assert seen.polls[1].summary.imported > 0 and len(seen.ids) > first
    assert stored_count(store) == len(feed.available()) and sorted(seen.ids) == sorted(stored_ids(store))


def test_stop_interrupts_a_retry_backoff_promptly(qtbot, make_runner):
    with FailingServer(sent_messages(10), []) as server:
        runner, seen = make_runner(config_for(server.url, max_attempts=5, backoff_base=30.0, backoff_cap=30.0))
        runner.start()
        qtbot.waitUntil(lambda: server.requests >= 1, timeout=10000)
        qtbot.wait(300)  # let the thread settle into its 30 s back-off
        started = time.monotonic()
        runner.stop()
        took = time.monotonic() - started
        requests, signals = server.requests, seen.count
        qtbot.wait(500)
        assert took < 5.0
        assert server.requests == requests == 1 and seen.count == signals


def test_nothing_arrives_after_stop_even_if_queued_before(qtbot, make_runner):
    with FailingServer(sent_messages(10), []) as server:
        runner, seen = make_runner(config_for(server.url, interval_s=0.05))
        runner.start()
        qtbot.waitUntil(lambda: len(seen.polls) >= 1, timeout=10000)
        before = server.requests
        # A busy UI thread: the poller keeps queueing results that are not yet delivered.
        deadline = time.monotonic() + 20
        while server.requests < before + 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.requests >= before + 3
        delivered = seen.count
        runner.stop()
        qtbot.wait(500)
    assert seen.count == delivered and seen.off_main == 0


def test_health_turns_stale_with_the_error_then_healthy_after_recovery(qtbot, store, make_runner):
    messages = sent_messages(30)
    with FailingServer(messages, []) as server:
        runner, seen = make_runner(config_for(server.url, interval_s=0.3))
        runner.start()
        qtbot.waitUntil(lambda: runner.health is not None and runner.health.state == "stale", timeout=20000)
        stale = runner.health
        qtbot.waitUntil(lambda: "HTTP 500" in (runner.health.last_error or ""), timeout=10000)
        assert runner.health.is_warning and runner.health.label.startswith("Лента не обновляется")
        server.failing = False
        qtbot.waitUntil(lambda: runner.health.state == "ok", timeout=20000)
        healthy = runner.health
    assert stale.last_success_at is None and stale.is_warning
    assert healthy.last_success_at is not None and healthy.lag_seconds is not None and healthy.lag_seconds < 5.0
    assert healthy.last_error is None and healthy.label.startswith("Лента работает")
    assert stored_count(store) == len(messages) and seen.off_main == 0
