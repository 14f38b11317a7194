"""HTTP JSON feed poller: pages of messages through the intake pipeline, exactly once.

Each page is one transaction holding its messages, its rejects and the cursor
after it, so a crash between pages resumes at the first uncommitted page.
Transient failures (connection errors, timeouts, 5xx, truncated or HTML
bodies) are retried with capped exponential backoff; after the last attempt
the error is recorded in the feed's health and the page is tried again on the
next poll. Protocol of the built-in server: app/demo/feed_server.py.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.common.ru import format_int
from app.intake import http
from app.intake.backoff import backoff_delay
from app.intake.feed_state import MAX_CURSOR, SavedState, load_state, mark_error, mark_success, save_page
from app.intake.files.mapping import lookup
from app.intake.http import FetchError, FetchStoppedError, Limits
from app.intake.jsonpage import BadItem, PageError, loads_page, safe_dumps
from app.intake.pipeline import RAW, BatchResult, ImportSummary, PipelineSource, store_batch
from app.intake.quarantine import store_rejections
from app.intake.storage import retrying
from app.intake.validate import InvalidFieldError, RawRecord, Rejection, clip_raw, parse_time
from app.store.engine import Store

DEFAULT_FIELDS: Mapping[str, str] = {
    "id": "id", "time": "published_at", "text": "text", "author": "author", "url": "url", "lat": "lat",
    "lon": "lon", "address": "address", "region": "region", "settlement": "settlement", "source": "source",
    "category": "category",
}
Wait = Callable[[float], bool]  # sleeps; True means "stop now"
FeedError = FetchError  # a failed request: message, ``retry``, ``raw``


@dataclass(frozen=True)
class FeedConfig:
    """Where and how to poll one monitoring API."""

    url: str
    feed_id: str = ""
    token: str | None = None
    auth_header: str = "Authorization"
    auth_scheme: str = "Bearer"
    interval_s: float = 30.0
    cursor_param: str = "cursor"
    since_param: str | None = None
    page_size_param: str = "limit"
    page_size: int = 500
    items_path: str = "items"
    next_cursor_path: str = "next_cursor"
    has_more_path: str = "has_more"
    fields: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_FIELDS))
    source: str = "feed"
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_attempts: int = 5
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    verify_tls: bool | str = True
    max_pages: int = 1000
    total_timeout: float = 60.0
    max_bytes: int = 16 * http.MB
    follow_elsewhere: bool = False

    @property
    def id(self) -> str:
        return self.feed_id or self.url

    @property
    def origin(self) -> str:
        """The dedupe namespace of this feed's items: its own, whatever «source» and «id» they claim."""
        return "feed:" + hashlib.sha256(self.id.encode("utf-8", "surrogatepass")).hexdigest()[:24]

    @property
    def limits(self) -> Limits:
        return Limits(self.connect_timeout, self.read_timeout, self.total_timeout, self.max_bytes)

    @property
    def max_items(self) -> int:
        """Items a page may hold: what was asked for, with room for a server repeating a page's edges."""
        return max(2 * self.page_size, self.page_size + 100)


@dataclass(frozen=True)
class Page:
    """One parsed response page."""

    items: list[Any]
    next_cursor: str | None
    has_more: bool
    etag: str | None
    elsewhere: str | None = None


@dataclass(frozen=True)
class PollResult:
    """What one poll did; ``error`` is the Russian reason when it gave up."""

    summary: ImportSummary
    pages: int
    not_modified: bool = False
    error: str | None = None


class FeedStoppedError(Exception):
    """The poller was asked to stop while waiting to retry."""


def request_headers(config: FeedConfig, etag: str | None) -> dict[str, str]:
    headers = {"Accept": "application/json"}
    if config.token:
        headers[config.auth_header] = f"{config.auth_scheme} {config.token}".strip()
    if etag and etag.isascii() and etag.isprintable() and len(etag) <= 1024:  # a header cannot carry the rest
        headers["If-None-Match"] = etag
    return headers


def page_params(config: FeedConfig, cursor: str | None) -> dict[str, object]:
    params: dict[str, object] = {config.page_size_param: str(config.page_size)}
    if cursor is not None:
        params[config.since_param or config.cursor_param] = cursor
    return params


def fetch_once(config: FeedConfig, cursor: str | None, etag: str | None,
               stop: threading.Event | None = None) -> Page | None:
    """One bounded request; None when the server says nothing changed (304)."""
    try:
        reply = http.get(config.url, page_params(config, cursor), request_headers(config, etag), config.limits, stop,
                         config.verify_tls, config.follow_elsewhere)
    except FetchStoppedError as exc:
        raise FeedStoppedError from exc
    return parse_reply(config, reply)


def parse_reply(config: FeedConfig, reply: http.Reply) -> Page | None:
    """The page of a reply; None for 304 (nothing changed); ``FeedError`` for a bad one."""
    if reply.status == 304:
        return None
    check_status(reply.status, reply.body)
    return _parse_page(config, reply)


def check_status(status: int, body: bytes) -> None:
    """A ``FeedError`` for an HTTP status that is not a success."""
    if status in (401, 403):
        raise FeedError(f"доступ запрещён (HTTP {status}): проверьте токен", retry=False)
    if status == 429 or status >= 500:
        raise FeedError(f"ошибка сервера (HTTP {status})")
    if status >= 400:
        raise FeedError(f"запрос отклонён (HTTP {status})", retry=False, raw=body.decode("utf-8", "replace"))


def _parse_page(config: FeedConfig, reply: http.Reply) -> Page:
    text = reply.body.decode("utf-8", "replace")
    if "html" in (reply.header("Content-Type") or "") or text.lstrip()[:1] == "<":
        raise FeedError(f"сервер вернул HTML вместо JSON (HTTP {reply.status})", raw=text)
    try:
        document = loads_page(text)
    except PageError as exc:
        raise FeedError(f"обрезанный или повреждённый JSON: {exc}", raw=text) from exc
    items = lookup(document, config.items_path)
    if not isinstance(items, list):
        raise FeedError(f"в ответе нет списка «{config.items_path}»", raw=text)
    if len(items) > config.max_items:
        raise FeedError(f"сервер не соблюдает ограничение страницы: {format_int(len(items))} записей при "
                        f"запрошенных {format_int(config.page_size)} — страница отклонена", retry=False)
    return Page(items, _cursor(config, document, items), _has_more(config, document, items), reply.header("ETag"),
                reply.elsewhere)


def _cursor(config: FeedConfig, document: object, items: list[Any]) -> str | None:
    if config.since_param:
        return latest_time(items, config.fields.get("time", ""))
    value = lookup(document, config.next_cursor_path)
    if value is None:
        return None
    if isinstance(value, BadItem | dict | list) or len(text := str(value)) > MAX_CURSOR:
        raise FeedError(f"сервер прислал непригодный курсор «{config.next_cursor_path}»: ожидалась строка "
                        f"не длиннее {format_int(MAX_CURSOR)} символов", retry=False)
    return text


def latest_time(items: list[Any], path: str) -> str | None:
    """The time of the latest item as the server wrote it, so ``since`` goes back in its own format.

    Compared as moments, not strings: «…15:00+03:00» is earlier than «…12:30Z». Items without
    a readable time are skipped; None when no item has one (the caller keeps its cursor).
    """
    latest: tuple[datetime, object] | None = None
    for item in items:
        value = lookup(item, path)
        try:
            moment = parse_time(value)
        except InvalidFieldError:
            continue
        if latest is None or moment > latest[0]:
            latest = (moment, value)
    return None if latest is None else str(latest[1])


def _has_more(config: FeedConfig, document: object, items: list[Any]) -> bool:
    flag = lookup(document, config.has_more_path)
    return bool(flag) if flag is not None else len(items) >= config.page_size


def _more_after(page: Page, asked: str | None) -> bool:
    """Whether another page follows; a cursor that did not move would fetch this page again forever
    (a since-API whose full page shares one moment)."""
    return page.has_more and bool(page.items) and page.next_cursor is not None and page.next_cursor != asked


class FeedPoller:
    """Polls one feed into one database; not thread-safe (one poller per feed)."""

    def __init__(self, store: Store, config: FeedConfig, pipeline: PipelineSource = RAW,
                 wait: Wait | None = None, stop: threading.Event | None = None) -> None:
        self.store, self.config, self.source = store, config, pipeline
        self._wait = wait or threading.Event().wait
        # a runner that waits on its stop event also stops an in-flight request with it
        behind = getattr(wait, "__self__", None)
        self._stop = stop or (behind if isinstance(behind, threading.Event) else None)
        self._elsewhere: str | None = None

    def close(self) -> None:
        """Nothing to release: every request has its own connection (closed when it ends)."""

    def fetch(self, cursor: str | None, etag: str | None) -> Page | None:
        """One page with retries; raises the last ``FeedError`` when all attempts failed."""
        for attempt in range(self.config.max_attempts):
            try:
                return fetch_once(self.config, cursor, etag, self._stop)
            except FeedError as exc:
                if not exc.retry or attempt == self.config.max_attempts - 1:
                    raise
            if self._wait(backoff_delay(attempt, self.config.backoff_base, self.config.backoff_cap)):
                raise FeedStoppedError
        raise AssertionError("unreachable")

    def poll_once(self) -> PollResult:
        """Fetch and store pages from the saved cursor until the feed has no more."""
        summary, pages, self._elsewhere = ImportSummary(), 0, None
        try:
            state = retrying(lambda: load_state(self.store, self.config.id), self._wait)
            while pages < self.config.max_pages:
                page = self.fetch(state.cursor, state.etag if pages == 0 else None)
                if page is None:
                    mark_success(self.store, self.config.id, self.warning)
                    return PollResult(summary, pages, not_modified=pages == 0)
                asked = state.cursor
                state, result = self._store_page(page, state)
                summary, pages = summary.plus(result), pages + 1
                if not _more_after(page, asked):
                    break
        except FeedError as exc:
            self._record_failure(exc)
            return PollResult(summary, pages, error=str(exc))
        except InterruptedError as exc:  # stopped while waiting for the database to come back
            raise FeedStoppedError from exc
        return PollResult(summary, pages)

    @property
    def warning(self) -> str | None:
        """What the feed's health should say besides its state (items from another address)."""
        return f"записи получены с другого адреса ({self._elsewhere}) после перенаправления" if self._elsewhere \
            else None

    def _store_page(self, page: Page, state: SavedState) -> tuple[SavedState, BatchResult]:
        """The page's messages, rejects and the cursor after it, in one transaction."""
        self._elsewhere = page.elsewhere or self._elsewhere
        after = SavedState(page.next_cursor or state.cursor, None if page.has_more else page.etag)
        records = [feed_record(self.config, item, state.cursor, i) for i, item in enumerate(page.items)]

        def commit() -> BatchResult:
            with self.store.engine.begin() as conn:
                result = store_batch(conn, records, self.source.pipeline)
                save_page(conn, self.config.id, after, result.imported, self.warning)
            return result

        return after, retrying(commit, self._wait)

    def _record_failure(self, exc: FeedError) -> None:
        mark_error(self.store, self.config.id, str(exc))
        if exc.raw is not None:
            where = f"{self.config.url} (ответ сервера)"
            store_rejections(self.store, [Rejection(self.config.source[:64], where[:512], str(exc)[:512],
                                                    clip_raw(exc.raw))])


def feed_record(config: FeedConfig, item: object, cursor: str | None, index: int) -> RawRecord | Rejection:
    """One item of a page as a record in the feed's own namespace."""
    shown = (cursor or "начало")[:100].encode("utf-8", "replace").decode("utf-8")
    location = f"{config.url[:300]} [курсор {shown}, запись {index + 1}]"
    if isinstance(item, BadItem):
        return Rejection(config.source[:64], location[:512], item.reason, clip_raw(item.raw))
    raw = safe_dumps(item)
    if not isinstance(item, dict):
        return Rejection(config.source[:64], location[:512], "запись ленты не является объектом JSON",
                         clip_raw(raw))
    fields = {name: lookup(item, path) for name, path in config.fields.items()}
    return RawRecord(fields, location, raw, config.source, config.origin)


def poll_forever(poller: FeedPoller, stop: threading.Event, on_result: Callable[[PollResult], None],
                 wake: threading.Event | None = None) -> None:
    """Poll every ``interval_s`` until ``stop`` is set; ``wake`` (also set on stop) polls at once."""
    wake = wake or stop
    while not stop.is_set():
        try:
            on_result(poller.poll_once())
        except FeedStoppedError:
            return
        wake.wait(poller.config.interval_s)
        if wake is not stop:
            wake.clear()
