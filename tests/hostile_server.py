"""A hostile feed server: poisoned items, endless bodies, a byte a second, huge strings, ignored limits, redirects.

Paths (each speaks the feed protocol of app/demo/feed_server.py where it speaks at all):
- ``/pages``: pages from ``server.pages`` (a list of raw JSON texts) by ``cursor`` (its index; the
  cursor a page names is whatever its text says);
- ``/endless``: a chunked body that never ends; ``/trickle``: one byte a second;
- ``/huge``: a JSON string of ``server.huge_mb`` megabytes, unannounced (chunked);
- ``/greedy``: ``server.greedy`` items whatever ``limit`` asks for;
- ``/hang``: headers, then silence; ``/moved``: a redirect to ``server.redirect_to``.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class HostileHandler(BaseHTTPRequestHandler):
    server: HostileServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, errors="surrogatepass").items()}
        self.server.asked.append((parts.path, query))
        name = parts.path.strip("/").split("/")[-1] or "pages"
        with contextlib.suppress(OSError):  # a client that gave up (the point of most of these paths)
            getattr(self, "_" + name, self._pages)(query)

    def _head(self, status: int = 200, chunked: bool = False, length: int | None = None, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def _send(self, body: bytes, status: int = 200, **headers: str) -> None:
        self._head(status, length=len(body), **headers)
        self.wfile.write(body)

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")

    def _pages(self, query: dict[str, str]) -> None:
        index = int(query.get("cursor", "0")) if query.get("cursor", "0").isdigit() else self.server.cursor_pages.get(
            query.get("cursor", ""), len(self.server.pages))
        body = self.server.pages[index] if index < len(self.server.pages) else '{"items": [], "has_more": false}'
        self._send(body.encode("utf-8", "surrogatepass"), ETag=self.server.etag)

    def _endless(self, query: dict[str, str]) -> None:
        self._head(chunked=True)
        self._chunk(b'{"items": [')
        while not self.server.closing:
            self._chunk(b'{"id": "x", "text": "y"},' * 1000)

    def _trickle(self, query: dict[str, str]) -> None:
        self._head(chunked=True)
        for byte in b'{"items": []}':
            if self.server.closing:
                return
            self._chunk(bytes([byte]))
            time.sleep(1.0)

    def _huge(self, query: dict[str, str]) -> None:
        self._head(chunked=True)
        self._chunk(b'{"items": [{"id": "h", "published_at": "2023-04-22T12:00:00Z", "text": "')
        block = ("я" * 512 * 1024).encode()
        for _ in range(self.server.huge_mb):
            if self.server.closing:
                return
            self._chunk(block)
        self._chunk(b'"}], "has_more": false}')
        self._chunk(b"")

    def _greedy(self, query: dict[str, str]) -> None:
        items = [{"id": f"g{i}", "published_at": "2023-04-22T12:00:00Z", "text": f"Нет света {i}"}
                 for i in range(self.server.greedy)]
        self._send(json.dumps({"items": items, "has_more": False}).encode())

    def _hang(self, query: dict[str, str]) -> None:
        self._head(length=100)
        while not self.server.closing:
            time.sleep(0.05)

    def _moved(self, query: dict[str, str]) -> None:
        self._head(302, length=0, Location=self.server.redirect_to)

    def log_message(self, format: str, *args: object) -> None:
        pass


class HostileServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, pages: list[str] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), HostileHandler)
        self.pages = pages or []
        self.cursor_pages: dict[str, int] = {}
        self.asked: list[tuple[str, dict[str, str]]] = []
        self.etag, self.huge_mb, self.greedy, self.redirect_to, self.closing = '"e1"', 1024, 10_000, "", False
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def url(self, path: str = "pages") -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{path}"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing = True
        self.shutdown()
        self.server_close()

    def handle_error(self, request: object, client_address: object) -> None:
        pass
