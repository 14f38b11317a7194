"""Feed server faults: down, slow, 500, garbage, duplicates, out-of-order. Exactly once afterwards."""

from __future__ import annotations

import socket

from app.intake.feed import FeedConfig, FeedPoller
from app.intake.feed_state import feed_health
from drills.core import Checks, counts, drill, temp_store
from tests.faulty_server import FaultyServer, sent_messages

N = 300


class QuietServer(FaultyServer):
    """The faulty server without tracebacks when a client gives up on a stalled reply."""

    def handle_error(self, request: object, client_address: object) -> None:
        pass


def _config(url: str, **extra: object) -> FeedConfig:
    values = {"feed_id": "drill", "page_size": 50, "max_attempts": 4, "backoff_base": 0.01, "backoff_cap": 0.05,
              "read_timeout": 2.0, "connect_timeout": 1.0, "interval_s": 30.0, **extra}
    return FeedConfig(url=url, **values)  # type: ignore[arg-type]


def _poll_all(faults: list[str], checks: Checks, stall_s: float = 1.0, polls: int = 6, **extra: object) -> None:
    """Serve N messages with ``faults``, poll until nothing is left, check exactly once."""
    with temp_store() as (store, _), QuietServer(sent_messages(N), faults, stall_s) as server:
        poller = FeedPoller(store, _config(server.url, **extra), wait=lambda _s: False)
        errors = []
        for _ in range(polls):
            result = poller.poll_once()
            if result.error:
                errors.append(result.error)
            if counts(store)[0] == N and result.error is None:
                break
        poller.close()
        total, distinct = counts(store)
        checks.note(f"{server.requests} requests; errors seen by the operator: {errors or 'none'}")
        checks.check(total == distinct == N,
                     f"all {N} messages stored exactly once (stored {total}, distinct {distinct})")
        checks.check(feed_health(store, "drill", 30.0).state == "ok", "feed health is «ok» after recovery")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@drill("feed: server down", "poll a feed URL where nothing listens")
def server_down(checks: Checks) -> None:
    with temp_store() as (store, _):
        poller = FeedPoller(store, _config(f"http://127.0.0.1:{_free_port()}/messages"), wait=lambda _s: False)
        result = poller.poll_once()
        poller.close()
        health = feed_health(store, "drill", 30.0)
        checks.note(f"error: {result.error}; status line: {health.label}")
        checks.check(result.error and "соединения" in result.error, "poll reports a connection failure in Russian")
        checks.check(health.state == "error" and health.error_count == 1, "feed health shows the error, 1 attempt")
        checks.check(counts(store)[0] == 0, "nothing stored")


@drill("feed: slow server", "first request stalls 3 s with a 2 s read timeout, then the server answers")
def slow(checks: Checks) -> None:
    _poll_all(["timeout"], checks, stall_s=3.0)


@drill("feed: HTTP 500", "two 500s (retried), then four 500s in a row (poll gives up, next poll resumes)")
def http_500(checks: Checks) -> None:
    _poll_all(["500", "500", "ok", "500", "500", "500", "500"], checks)


@drill("feed: garbage bodies", "HTML instead of JSON, truncated body, connection cut mid-body")
def garbage(checks: Checks) -> None:
    _poll_all(["html", "ok", "truncated", "ok", "cut"], checks)


@drill("feed: duplicates", "pages that repeat the previous page's tail and their own head")
def duplicates(checks: Checks) -> None:
    _poll_all(["ok", "duplicates", "duplicates", "ok", "duplicates"], checks)


@drill("feed: out of order", "shuffled pages and a cursor that rewinds two pages")
def out_of_order(checks: Checks) -> None:
    _poll_all(["shuffle", "rewind", "shuffle", "ok", "rewind"], checks, polls=10)
