"""A misbehaving feed server for tests: 500s, timeouts, truncated bodies, HTML, repeats, disorder.

It serves a fixed list of messages in the feed protocol of app/demo/feed_server.py;
each request takes the next fault from ``faults`` (then behaves). Faults:
"500", "timeout", "truncated" (Content-Length promises more than is sent),
"cut" (half a JSON body, then the connection closes), "html", "duplicates"
(the page repeats the previous page's tail), "shuffle" (items out of order),
"rewind" (next_cursor points back to an older page).
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

START = datetime(2023, 4, 22, 12, 0, tzinfo=UTC)


def sent_messages(count: int) -> list[dict]:
    return [{"id": f"m-{i:05d}", "source": "vk", "published_at": (START + timedelta(seconds=7 * i)).isoformat(),
             "author": f"автор {i % 17}", "text": f"Нет света, дом {i}", "lat": 45.0 + i * 1e-4, "lon": 39.0}
            for i in range(count)]


class FaultyHandler(BaseHTTPRequestHandler):
    server: FaultyServer

    def do_GET(self) -> None:
        fault = self.server.next_fault()
        query = parse_qs(urlsplit(self.path).query)
        cursor = int(query.get("cursor", ["0"])[0])
        limit = int(query.get("limit", ["50"])[0])
        self.server.requests += 1
        getattr(self, "_" + fault)(cursor, limit)

    def _page(self, cursor: int, limit: int) -> dict:
        items = self.server.messages[cursor:cursor + limit]
        end = cursor + len(items)
        return {"items": list(items), "next_cursor": str(end), "has_more": end < len(self.server.messages)}

    def _send(self, status: int, body: bytes, content_type: str = "application/json", length: int | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length != -1:
            self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def _ok(self, cursor: int, limit: int) -> None:
        self._send(200, json.dumps(self._page(cursor, limit)).encode())

    def _500(self, cursor: int, limit: int) -> None:
        self._send(500, b'{"error": "internal"}')

    def _timeout(self, cursor: int, limit: int) -> None:
        time.sleep(self.server.stall_s)
        self._ok(cursor, limit)

    def _truncated(self, cursor: int, limit: int) -> None:
        body = json.dumps(self._page(cursor, limit)).encode()
        self._send(200, body[: len(body) // 2], length=len(body))
        self.close_connection = True

    def _cut(self, cursor: int, limit: int) -> None:
        body = json.dumps(self._page(cursor, limit)).encode()
        self.close_connection = True
        self._send(200, body[: len(body) // 2], length=-1)

    def _html(self, cursor: int, limit: int) -> None:
        self._send(200, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")

    def _duplicates(self, cursor: int, limit: int) -> None:
        page = self._page(cursor, limit)
        page["items"] = self.server.messages[max(0, cursor - 10):cursor] + page["items"] + page["items"][:5]
        self._send(200, json.dumps(page).encode())

    def _shuffle(self, cursor: int, limit: int) -> None:
        page = self._page(cursor, limit)
        random.Random(cursor).shuffle(page["items"])
        self._send(200, json.dumps(page).encode())

    def _rewind(self, cursor: int, limit: int) -> None:
        page = self._page(cursor, limit)
        page["next_cursor"], page["has_more"] = str(max(0, cursor - 2 * limit)), True
        self._send(200, json.dumps(page).encode())

    def log_message(self, format: str, *args: object) -> None:
        pass


class FaultyServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, messages: list[dict], faults: list[str], stall_s: float = 1.0) -> None:
        super().__init__(("127.0.0.1", 0), FaultyHandler)
        self.messages, self.stall_s, self.requests = messages, stall_s, 0
        self._faults = deque(faults)
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def next_fault(self) -> str:
        with self._lock:
            return self._faults.popleft() if self._faults else "ok"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/messages"

    def __enter__(self) -> FaultyServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
