"""Local servers that answer like the real sources, from their official documentation.

- ``VkServer``: VK API ``wall.get``, ``wall.getComments``, ``newsfeed.search`` (extended answers,
  newest first, ``count`` capped as VK caps it, only the first 1,000 search results reachable,
  ``next_from``), errors as ``{"error": {...}}`` (5, 6, 9, 29) queued by the test; every answer
  is kept in ``sent`` so the test can check it against VK's official schema.
- ``TelegramServer``: Bot API ``getUpdates`` with ``offset`` (earlier updates confirmed and
  dropped), ``limit`` ≤ 100, ``{"ok": false, "error_code": 429, "parameters": {"retry_after"}}``.
- ``StaticServer``: fixed bodies by path with ETag / Last-Modified and 304 (RSS, CAP), and
  ``Open311Server``: ``requests.json`` by ``start_date``/``end_date`` with a cap per answer.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = "vk1.a.test-key"
BOT_TOKEN = "123456:ABC-test"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.server.requests.append((parts.path, query, dict(self.headers)))
        status, body, headers = self.server.answer(parts.path, query, dict(self.headers))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self.lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def answer(self, path: str, query: dict[str, str], headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        raise NotImplementedError

    def __enter__(self):  # type: ignore[no-untyped-def]
        self._thread.start()
        return self

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that went away (a killed poller) is part of the tests

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


def _json(document: object, status: int = 200) -> tuple[int, bytes, dict[str, str]]:
    body = json.dumps(document, ensure_ascii=False).encode()
    return status, body, {"Content-Type": "application/json; charset=utf-8"}


def vk_post(owner: int, number: int, date: int, text: str, **extra: Any) -> dict[str, Any]:
    """A wall post as wall.get returns it (the fields the schema requires, and ours)."""
    return {"inner_type": "wall_wallpost", "id": number, "owner_id": owner, "from_id": extra.pop("from_id", owner),
            "date": date, "text": text, "post_type": "post", "comments": {"count": extra.pop("comments", 0)},
            **extra}


def vk_comment(owner: int, post: int, number: int, date: int, text: str, from_id: int) -> dict[str, Any]:
    return {"id": number, "from_id": from_id, "date": date, "text": text, "post_id": post, "owner_id": owner,
            "parents_stack": []}


class VkServer(_Server):
    """VK API methods over fixed walls, comments and search posts."""

    def __init__(self, walls: dict[int, list[dict[str, Any]]] | None = None,
                 comments: dict[tuple[int, int], list[dict[str, Any]]] | None = None,
                 search: list[dict[str, Any]] | None = None) -> None:
        super().__init__()
        self.walls = walls or {}
        self.comments = comments or {}
        self.search = search or []
        self.errors: deque[int] = deque()
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.profiles = [{"id": 501, "first_name": "Ольга", "last_name": "Иванова"}]

    def answer(self, path: str, query: dict[str, str], headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        method = path.rsplit("/", 1)[-1]
        with self.lock:
            if query.get("access_token") != TOKEN:
                return self._error(method, 5, "User authorization failed: invalid access_token (4).", query)
            if self.errors:
                return self._error(method, self.errors.popleft(), "Too many requests per second", query)
        handler: Callable[[dict[str, str]], dict[str, Any]] = {
            "wall.get": self._wall, "wall.getComments": self._comments, "newsfeed.search": self._search}[method]
        response = handler(query)
        self.sent.append((method, {"response": response}))
        return _json({"response": response})

    def _error(self, method: str, code: int, text: str, query: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        params = [{"key": k, "value": v} for k, v in query.items() if k != "access_token"]
        document = {"error": {"error_code": code, "error_msg": text, "request_params": params}}
        self.sent.append(("error", {"error": {"inner_type": "base_error", **document["error"]}}))
        return _json(document)

    def _extended(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        owners = {item.get("owner_id") for item in items} | {item.get("from_id") for item in items}
        groups = [{"id": -o, "name": f"Сообщество {-o}", "screen_name": f"club{-o}", "type": "page"}
                  for o in owners if isinstance(o, int) and o < 0]
        return {"profiles": list(self.profiles), "groups": groups}

    def _wall(self, query: dict[str, str]) -> dict[str, Any]:
        posts = self.walls.get(int(query["owner_id"]), [])
        offset, count = int(query.get("offset", 0)), min(100, int(query.get("count", 20)))
        items = posts[offset:offset + count]
        return {"count": len(posts), "items": items, **self._extended(items)}

    def _comments(self, query: dict[str, str]) -> dict[str, Any]:
        found = self.comments.get((int(query["owner_id"]), int(query["post_id"])), [])
        offset, count = int(query.get("offset", 0)), min(100, int(query.get("count", 10)))
        items = found[offset:offset + count]
        return {"count": len(found), "items": items, "current_level_count": len(found), "can_post": True,
                "show_reply_button": True, "groups_can_post": True, **self._extended(items)}

    def _search(self, query: dict[str, str]) -> dict[str, Any]:
        start, end = int(query.get("start_time", 0)), int(query.get("end_time", 2**40))
        found = sorted((p for p in self.search if start <= p["date"] <= end and query.get("q", "") in p["text"]),
                       key=lambda p: (-p["date"], -p["id"]))
        offset, count = int(query.get("start_from", 0) or 0), min(200, int(query.get("count", 30)))
        reachable = found[:1000]  # only the first 1,000 results of a query
        items = reachable[offset:offset + count]
        response = {"items": items, "count": len(reachable), "total_count": len(found), **self._extended(items)}
        if offset + count < len(reachable):
            response["next_from"] = str(offset + count)
        return response


def tg_update(update_id: int, kind: str, chat: int, number: int, date: int, text: str | None = None,
              **extra: Any) -> dict[str, Any]:
    """A Bot API update with one message (``kind``: message, channel_post, edited_…)."""
    chat_type = "channel" if "channel" in kind else "supergroup"
    message: dict[str, Any] = {"message_id": number, "date": date,
                               "chat": {"id": chat, "type": chat_type, "title": "Подслушано", "username": "listen"}}
    if "channel" not in kind:
        message["from"] = {"id": 77, "is_bot": False, "first_name": "Пётр", "last_name": "Сидоров"}
    if text is not None:
        message["text"] = text
    message.update(extra)
    return {"update_id": update_id, kind: message}


class TelegramServer(_Server):
    """``/bot<token>/getUpdates``: updates with ``update_id`` ≥ offset, at most ``limit`` (≤ 100)."""

    def __init__(self, updates: list[dict[str, Any]]) -> None:
        super().__init__()
        self.updates = updates
        self.errors: deque[int] = deque()

    def answer(self, path: str, query: dict[str, str], headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        if path != f"/bot{BOT_TOKEN}/getUpdates":
            return _json({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        with self.lock:
            if self.errors:
                code = self.errors.popleft()
                return _json({"ok": False, "error_code": code, "description": "Too Many Requests: retry after 1",
                              "parameters": {"retry_after": 0.05}}, code)
            offset = int(query.get("offset", 0))
            self.updates = [u for u in self.updates if u["update_id"] >= offset]  # confirmed ones are forgotten
            limit = max(1, min(100, int(query.get("limit", 100))))
            return _json({"ok": True, "result": self.updates[:limit]})


class StaticServer(_Server):
    """Bodies by path, with ETag and Last-Modified; a matching conditional request gets 304."""

    def __init__(self, bodies: dict[str, tuple[bytes, str]]) -> None:
        super().__init__()
        self.bodies = bodies
        self.version = 1

    def answer(self, path: str, query: dict[str, str], headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        if path not in self.bodies:
            return 404, b"not found", {"Content-Type": "text/plain"}
        body, content_type = self.bodies[path]
        etag = f'"v{self.version}"'
        modified = datetime(2023, 4, 22, 12, self.version % 60, tzinfo=UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
        if headers.get("If-None-Match") == etag:
            return 304, b"", {"ETag": etag}
        return 200, body, {"Content-Type": content_type, "ETag": etag, "Last-Modified": modified}


class Open311Server(_Server):
    """``/requests.json`` by ``start_date``/``end_date`` (requested time), at most ``cap`` per answer, newest first."""

    def __init__(self, requests: list[dict[str, Any]], cap: int) -> None:
        super().__init__()
        self.items, self.cap = requests, cap

    def answer(self, path: str, query: dict[str, str], headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        if path != "/open311/v2/requests.json":
            return _json([{"code": 404, "description": "Method not found"}], 404)
        start = datetime.fromisoformat(query["start_date"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(query["end_date"].replace("Z", "+00:00"))
        found = [r for r in self.items
                 if start <= datetime.fromisoformat(r["requested_datetime"]) <= end]
        found.sort(key=lambda r: r["requested_datetime"], reverse=True)
        return _json(found[:self.cap])
