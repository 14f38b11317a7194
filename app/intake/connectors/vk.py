"""VK API: walls of communities (``wall.get`` + ``wall.getComments``) and keyword search (``newsfeed.search``).

Answers are ``{"response": …}`` or ``{"error": {"error_code", "error_msg"}}``; times are Unix
seconds; a wall post's place is ``geo.coordinates`` «lat lon». A post is one message under
«owner_id_post_id», a comment under «owner_id_post_id_comment_id» with its post as its thread;
a repost (``copy_history``) is one message that links to the original. Errors 6, 9 and 10
(too many requests, flood control) are retried after a pause; 5 (authorisation) and 29 (the
day's quota) end the poll with the reason in the source's health.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from app.intake.connectors.base import (
    Cursor,
    Fetcher,
    Page,
    PollContext,
    SourceError,
    SourceSpec,
    api_payload,
)
from app.intake.connectors.vk_records import names_of, post_record
from app.intake.http import Reply
from app.intake.validate import RawRecord, Rejection

API_VERSION = "5.199"
DEFAULT_BASE = "https://api.vk.com"
WALL_COUNT, COMMENTS_COUNT, SEARCH_COUNT = 100, 100, 200
SEARCH_REACHABLE = 1000  # newsfeed.search gives at most the first 1,000 results of a query
DEFAULT_WINDOW_S = 24 * 3600
COMMENT_PAGES = 10  # per post per poll; the cursor continues the rest next time
_RETRY_CODES = {6: 1.0, 9: 5.0, 10: 2.0}
_MESSAGES = {
    5: "ошибка авторизации VK (5): проверьте ключ доступа источника",
    6: "VK: слишком много запросов в секунду (6)",
    9: "VK: контроль флуда (9)",
    10: "VK: внутренняя ошибка сервера (10)",
    15: "VK: доступ к стене запрещён (15)",
    18: "VK: страница удалена или заблокирована (18)",
    29: "VK: исчерпан суточный лимит запросов метода (29); опрос продолжится позже",
    30: "VK: профиль закрыт (30)",
}


class VkApi:
    """Calls of one VK source: the base address, the version and the key."""

    def __init__(self, spec: SourceSpec, fetch: Fetcher) -> None:
        self.base = (spec.address or DEFAULT_BASE).rstrip("/")
        self.token, self.fetch = spec.secret, fetch

    def call(self, method: str, params: Mapping[str, object]) -> dict[str, Any]:
        full = {**params, "v": API_VERSION}
        if self.token:
            full["access_token"] = self.token
        return self.fetch.get(f"{self.base}/method/{method}", full, {"Accept": "application/json"}, _response)


def _response(reply: Reply) -> dict[str, Any]:
    return api_payload(reply, "VK", _refusal, "response", dict, "объекта «response»")  # type: ignore[no-any-return]


def _refusal(document: Any) -> SourceError | None:
    error = document.get("error") if isinstance(document, dict) else None
    return _api_error(error) if isinstance(error, dict) else None


def _api_error(error: dict[str, Any]) -> SourceError:
    code = error.get("error_code")
    code = code if isinstance(code, int) else -1
    text = _MESSAGES.get(code) or f"VK: ошибка {code}: {str(error.get('error_msg', ''))[:200]}"
    return SourceError(text, retry=code in _RETRY_CODES, delay=_RETRY_CODES.get(code))


def _items(response: dict[str, Any]) -> list[Any]:
    items = response.get("items")
    return items if isinstance(items, list) else []


def _int(value: object, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _owners(spec: SourceSpec) -> list[int]:
    raw = spec.parameters.get("owners", [])
    values = raw if isinstance(raw, list) else str(raw).replace(",", " ").split()
    owners = []
    for value in values:
        try:
            owners.append(int(value))
        except (TypeError, ValueError):
            continue
    return owners


class VkWall:
    """``wall.get`` of each community in ``parameters.owners`` and the comments of its posts."""

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self.window_s = int(spec.parameters.get("window_s", DEFAULT_WINDOW_S))
        self.comments = bool(spec.parameters.get("comments", True))

    def pages(self, cursor: Cursor, fetch: Fetcher, context: PollContext) -> Iterator[Page]:
        api, now = VkApi(self.spec, fetch), int(context.now.timestamp())
        for owner in _owners(self.spec):
            yield from self._wall(api, cursor, owner, now)

    def _wall(self, api: VkApi, cursor: Cursor, owner: int, now: int) -> Iterator[Page]:
        walls = cursor.setdefault("walls", {})
        state = dict(walls.get(str(owner)) or {})
        sweep = state.get("sweep") or {"offset": 0, "top": _int(state.get("top")), "floor": now - self.window_s}
        while True:
            response = api.call("wall.get", {"owner_id": owner, "offset": sweep["offset"], "count": WALL_COUNT,
                                             "extended": 1})
            items = _items(response)[:WALL_COUNT]
            records, done = self._page(api, cursor, response, items, state, sweep)
            if done:
                state = {"top": sweep["top"]}
            else:
                sweep = {**sweep, "offset": sweep["offset"] + len(items)}
                state["sweep"] = sweep
            walls[str(owner)] = state
            yield Page(records, _copy(cursor))
            if done:
                return

    def _page(self, api: VkApi, cursor: Cursor, response: dict[str, Any], items: list[Any], state: dict[str, Any],
              sweep: dict[str, Any]) -> tuple[list[RawRecord | Rejection], bool]:
        names = names_of(response)
        posts = [p for p in items if isinstance(p, dict) and not p.get("is_pinned")]
        ids = [_int(p.get("id")) for p in posts]
        seen_top = _int(state.get("top"))
        sweep["top"] = max([sweep["top"], *ids])
        old = any(i <= seen_top for i in ids) or any(_int(p.get("date")) < sweep["floor"] for p in posts)
        done = old or len(items) < WALL_COUNT or sweep["offset"] + len(items) >= _int(response.get("count"))
        records = [post_record(item, names, self.spec) for item in items]
        if self.comments:
            for post in posts:
                records += self._comments(api, cursor, post)
        return records, done

    def _comments(self, api: VkApi, cursor: Cursor, post: dict[str, Any]) -> list[RawRecord | Rejection]:
        count = _int((post.get("comments") or {}).get("count")) if isinstance(post.get("comments"), dict) else 0
        key = f"{_int(post.get('owner_id'))}_{_int(post.get('id'))}"
        done = cursor.setdefault("comments", {})
        offset = _int(done.get(key))
        records: list[RawRecord | Rejection] = []
        for _ in range(COMMENT_PAGES):
            if offset >= count:
                break
            response = api.call("wall.getComments", {"owner_id": post.get("owner_id"), "post_id": post.get("id"),
                                                     "offset": offset, "count": COMMENTS_COUNT, "sort": "asc",
                                                     "extended": 1})
            items = _items(response)[:COMMENTS_COUNT]
            names = names_of(response)
            records += [post_record(item, names, self.spec, thread=post) for item in items]
            offset += len(items)
            if len(items) < COMMENTS_COUNT:
                break
        done[key] = offset
        _prune(done)
        return records


def _copy(cursor: Cursor) -> Cursor:
    return {key: (dict(value) if isinstance(value, dict) else value) for key, value in cursor.items()}


def _prune(done: dict[str, Any], keep: int = 2000) -> None:
    """Forget the comment counts of the oldest posts (the cursor stays small)."""
    while len(done) > keep:
        done.pop(next(iter(done)))


class VkSearch:
    """``newsfeed.search`` by keywords (optionally near a point), paged so that nothing is lost.

    Results come newest first and only the first 1,000 of a query are reachable: when a window
    [since, end] holds more, the window is narrowed to end at the oldest item seen and searched
    again, until a window is read to its end; then ``since`` moves to the newest item seen.
    """

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self.query = str(spec.parameters.get("query", ""))
        self.window_s = int(spec.parameters.get("window_s", DEFAULT_WINDOW_S))

    def _params(self, state: dict[str, Any]) -> dict[str, object]:
        params: dict[str, object] = {"q": self.query, "count": SEARCH_COUNT, "extended": 1,
                                     "start_time": state["since"], "end_time": state["end"]}
        if state.get("next_from"):
            params["start_from"] = state["next_from"]
        for name in ("latitude", "longitude"):
            if name in self.spec.parameters:
                params[name] = self.spec.parameters[name]
        return params

    def pages(self, cursor: Cursor, fetch: Fetcher, context: PollContext) -> Iterator[Page]:
        api, now = VkApi(self.spec, fetch), int(context.now.timestamp())
        state = dict(cursor.get("search") or {})
        state.setdefault("since", now - self.window_s)
        if not state.get("end"):
            state.update(end=now, top=state["since"], fetched=0, next_from=None)
        while True:
            response = api.call("newsfeed.search", self._params(state))
            items = _items(response)[:SEARCH_COUNT]
            finished = self._advance(state, response, items)
            names = names_of(response)
            records = [post_record(item, names, self.spec) for item in items]
            records = [r for r in records if self._near(r)]
            yield Page(records, {**cursor, "search": dict(state)})
            if finished:
                return

    def _advance(self, state: dict[str, Any], response: dict[str, Any], items: list[Any]) -> bool:
        """Move the search state past this page; True when the sweep is complete."""
        dates = [_int(item.get("date")) for item in items if isinstance(item, dict) and _int(item.get("date"))]
        state["top"] = max([state["top"], *dates])
        state["fetched"] += len(items)
        next_from = response.get("next_from")
        if items and isinstance(next_from, str) and next_from and state["fetched"] < SEARCH_REACHABLE:
            state["next_from"] = next_from
            return False
        total = _int(response.get("total_count"), _int(response.get("count")))
        if items and (state["fetched"] >= SEARCH_REACHABLE or total > state["fetched"]):
            oldest = min(dates, default=state["end"])
            state.update(end=min(oldest, state["end"] - 1), fetched=0, next_from=None)  # the older part, again
            return False
        state.update(since=state["top"], end=None, fetched=0, next_from=None)
        return True

    def _near(self, record: RawRecord | Rejection) -> bool:
        radius = self.spec.parameters.get("radius_km")
        if radius is None or isinstance(record, Rejection) or record.fields.get("lat") is None:
            return True
        from app.intake.connectors.vk_records import km_between

        centre = (float(self.spec.parameters.get("latitude", 0)), float(self.spec.parameters.get("longitude", 0)))
        point = (float(record.fields["lat"]), float(record.fields["lon"]))  # type: ignore[arg-type]
        return km_between(centre, point) <= float(radius)
