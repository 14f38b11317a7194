"""A local HTTP feed of the simulator's messages, for demos, drills and tests.

``GET /messages?cursor=C&limit=N`` returns ``{"items": [...], "next_cursor":
"...", "has_more": bool, "server_time": "..."}`` with an ``ETag``; a request
with ``If-None-Match`` equal to the current ETag and a cursor at the end gets
``304``. Messages appear as the scenario clock passes their publication time
and are only ever appended, so a cursor (an offset) stays valid.
"""

from __future__ import annotations

import argparse
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from app.common.clock import Clock, ScenarioClock
from app.common.timeutil import floor_hour, utcnow
from app.demo.scenarios import DEFAULT_SCENARIO, make_scenario, scenario_title
from app.demo.simulator import Scenario, SimMessage

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000


def message_json(message: SimMessage) -> dict[str, Any]:
    """A scenario message in the feed protocol."""
    return {
        "id": message.external_id, "source": message.source, "published_at": message.published_at.isoformat(),
        "author": message.author, "url": message.url, "text": message.text, "settlement": message.settlement,
        "region": message.region, "lat": message.lat, "lon": message.lon, "address": message.address,
        "category": message.category,
    }


class ScenarioFeed:
    """The messages a scenario has published by the clock's now, in publication order."""

    def __init__(self, scenario: Scenario, clock: Clock) -> None:
        self.scenario, self.clock = scenario, clock
        self._items: list[dict[str, Any]] = []
        self._until = scenario.start
        self._lock = threading.Lock()

    def available(self) -> Sequence[dict[str, Any]]:
        """Everything published so far (a growing list: offsets stay valid)."""
        with self._lock:
            now = self.clock.now()
            if now > self._until:
                self._items.extend(message_json(m) for m in self.scenario.messages_between(self._until, now))
                self._until = now
            return list(self._items)


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def etag_for(count: int) -> str:
    return f'"feed-{count}"'


def messages_reply(feed: ScenarioFeed, query: dict[str, list[str]], if_none_match: str | None) -> Reply:
    """The page of ``/messages`` for a query string."""
    try:
        cursor = int(query.get("cursor", ["0"])[0] or 0)
        limit = min(MAX_LIMIT, max(1, int(query.get("limit", [str(DEFAULT_LIMIT)])[0])))
    except ValueError:
        return json_reply(400, {"error": "cursor и limit должны быть целыми числами"})
    items = feed.available()
    etag = etag_for(len(items))
    if if_none_match == etag and cursor >= len(items):
        return Reply(304, b"", (("ETag", etag),))
    page = items[cursor:cursor + limit]
    end = cursor + len(page)
    document = {"items": page, "next_cursor": str(max(end, cursor)), "has_more": end < len(items),
                "server_time": feed.clock.now().isoformat()}
    return json_reply(200, document, (("ETag", etag),))


def json_reply(status: int, document: object, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return Reply(status, body, (("Content-Type", "application/json; charset=utf-8"), *headers))


class FeedHandler(BaseHTTPRequestHandler):
    server: FeedHTTPServer

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if self.server.token and self.headers.get("Authorization") != f"Bearer {self.server.token}":
            reply = json_reply(401, {"error": "нужен заголовок Authorization: Bearer <токен>"})
        elif url.path == "/messages":
            reply = messages_reply(self.server.feed, parse_qs(url.query), self.headers.get("If-None-Match"))
        elif url.path == "/health":
            reply = json_reply(200, {"ok": True, "available": len(self.server.feed.available())})
        else:
            reply = json_reply(404, {"error": "нет такого адреса; данные: /messages"})
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the CLI prints its own line


class FeedHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], feed: ScenarioFeed, token: str | None = None) -> None:
        super().__init__(address, FeedHandler)
        self.feed, self.token = feed, token

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/messages"


class RunningFeedServer:
    """A feed server serving on a background thread; ``close()`` stops it."""

    def __init__(self, server: FeedHTTPServer) -> None:
        self.server = server
        self._thread = threading.Thread(target=server.serve_forever, name="opershtab-feed-server", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return self.server.url

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


def start_feed_server(feed: ScenarioFeed, host: str = "127.0.0.1", port: int = 0,
                      token: str | None = None) -> RunningFeedServer:
    """Serve ``feed`` in-process (port 0: a free port); see ``RunningFeedServer.url``."""
    return RunningFeedServer(FeedHTTPServer((host, port), feed, token))


def demo_feed(speed: float = 60.0, hours_before: float = 5.0, seed: int = 2023,
              name: str = DEFAULT_SCENARIO) -> ScenarioFeed:
    """Scenario ``name`` that began ``hours_before`` hours ago and runs ``speed`` times faster from now on."""
    now = utcnow()
    scenario = make_scenario(name, floor_hour(now - timedelta(hours=hours_before)), seed)
    return ScenarioFeed(scenario, ScenarioClock(now, speed))


def run_feed_server(args: argparse.Namespace) -> int:
    """CLI: serve the scenario until Ctrl+C."""
    feed = demo_feed(args.speed, args.hours_before, args.seed, args.scenario)
    server = FeedHTTPServer((args.host, args.port), feed, args.token)
    print(f"Лента сценария «{scenario_title(args.scenario)}»: {server.url} (скорость ×{args.speed:g}); "
          "Ctrl+C — остановить", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
