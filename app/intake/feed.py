"""HTTP JSON feed poller: pages of messages through the intake pipeline, exactly once.

Each page is one transaction holding its messages, its rejects and the cursor
after it, so a crash between pages resumes at the first uncommitted page.
Transient failures (connection errors, timeouts, 5xx, truncated or HTML
bodies) are retried with capped exponential backoff; after the last attempt
the error is recorded in the feed's health and the page is tried again on the
next poll. Protocol of the built-in server: app/demo/feed_server.py.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests

from app.intake.feed_state import SavedState, load_state, mark_error, mark_success, save_page
from app.intake.files.mapping import lookup
from app.intake.pipeline import RAW, BatchResult, ImportSummary, PipelineSource, store_batch
from app.intake.quarantine import store_rejections
from app.intake.validate import InvalidFieldError, RawRecord, Rejection, clip_raw, parse_time
from app.store.engine import Store

DEFAULT_FIELDS: Mapping[str, str] = {
    "id": "id", "time": "published_at", "text": "text", "author": "author", "url": "url", "lat": "lat",
    "lon": "lon", "address": "address", "region": "region", "settlement": "settlement", "source": "source",
    "category": "category",
}
Wait = Callable[[float], bool]  # sleeps; True means "stop now"


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

    @property
    def id(self) -> str:
        return self.feed_id or self.url


@dataclass(frozen=True)
class Page:
    """One parsed response page."""

    items: list[Any]
    next_cursor: str | None
    has_more: bool
    etag: str | None


@dataclass(frozen=True)
class PollResult:
    """What one poll did; ``error`` is the Russian reason when it gave up."""

    summary: ImportSummary
    pages: int
    not_modified: bool = False
    error: str | None = None


class FeedError(Exception):
    """A failed request; ``retry`` says whether trying again may help, ``raw`` keeps a bad body."""

    def __init__(self, message: str, retry: bool = True, raw: str | None = None) -> None:
        super().__init__(message)
        self.retry, self.raw = retry, raw


class FeedStoppedError(Exception):
    """The poller was asked to stop while waiting to retry."""


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Delay before retry ``attempt`` (0-based): base · 2^attempt, capped."""
    return float(min(cap, base * 2**attempt))


def _request_headers(config: FeedConfig, etag: str | None) -> dict[str, str]:
    headers = {"Accept": "application/json"}
    if config.token:
        headers[config.auth_header] = f"{config.auth_scheme} {config.token}".strip()
    if etag:
        headers["If-None-Match"] = etag
    return headers


def _params(config: FeedConfig, cursor: str | None) -> dict[str, str]:
    params = {config.page_size_param: str(config.page_size)}
    if cursor is not None:
        params[config.since_param or config.cursor_param] = cursor
    return params


def fetch_once(http: requests.Session, config: FeedConfig, cursor: str | None, etag: str | None) -> Page | None:
    """One request; None when the server says nothing changed (304)."""
    try:
        response = http.get(config.url, params=_params(config, cursor), headers=_request_headers(config, etag),
                            timeout=(config.connect_timeout, config.read_timeout), verify=config.verify_tls)
        body = response.content
    except requests.Timeout as exc:
        raise FeedError(f"сервер не ответил вовремя ({exc.__class__.__name__})") from exc
    except requests.RequestException as exc:
        raise FeedError(f"сбой соединения: {exc.__class__.__name__}: {exc}") from exc
    if response.status_code == 304:
        return None
    _check_status(response.status_code, body)
    return _parse_page(config, response, body)


def _check_status(status: int, body: bytes) -> None:
    if status in (401, 403):
        raise FeedError(f"доступ запрещён (HTTP {status}): проверьте токен", retry=False)
    if status == 429 or status >= 500:
        raise FeedError(f"ошибка сервера (HTTP {status})")
    if status >= 400:
        raise FeedError(f"запрос отклонён (HTTP {status})", retry=False, raw=body.decode("utf-8", "replace"))


def _parse_page(config: FeedConfig, response: requests.Response, body: bytes) -> Page:
    text = body.decode("utf-8", "replace")
    if "html" in response.headers.get("Content-Type", "") or text.lstrip()[:1] == "<":
        raise FeedError(f"сервер вернул HTML вместо JSON (HTTP {response.status_code})", raw=text)
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise FeedError(f"обрезанный или повреждённый JSON: {exc}", raw=text) from exc
    items = lookup(document, config.items_path)
    if not isinstance(items, list):
        raise FeedError(f"в ответе нет списка «{config.items_path}»", raw=text)
    return Page(items, _cursor(config, document, items), _has_more(config, document, items),
                response.headers.get("ETag"))


def _cursor(config: FeedConfig, document: object, items: list[Any]) -> str | None:
    if config.since_param:
        return latest_time(items, config.fields.get("time", ""))
    value = lookup(document, config.next_cursor_path)
    return None if value is None else str(value)


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
                 wait: Wait | None = None) -> None:
        self.store, self.config, self.source = store, config, pipeline
        self._wait = wait or threading.Event().wait
        self._http = requests.Session()

    def close(self) -> None:
        self._http.close()

    def fetch(self, cursor: str | None, etag: str | None) -> Page | None:
        """One page with retries; raises the last ``FeedError`` when all attempts failed."""
        for attempt in range(self.config.max_attempts):
            try:
                return fetch_once(self._http, self.config, cursor, etag)
            except FeedError as exc:
                if not exc.retry or attempt == self.config.max_attempts - 1:
                    raise
            if self._wait(backoff_delay(attempt, self.config.backoff_base, self.config.backoff_cap)):
                raise FeedStoppedError
        raise AssertionError("unreachable")

    def poll_once(self) -> PollResult:
        """Fetch and store pages from the saved cursor until the feed has no more."""
        state, summary, pages = load_state(self.store, self.config.id), ImportSummary(), 0
        try:
            while pages < self.config.max_pages:
                page = self.fetch(state.cursor, state.etag if pages == 0 else None)
                if page is None:
                    mark_success(self.store, self.config.id)
                    return PollResult(summary, pages, not_modified=pages == 0)
                asked = state.cursor
                state, result = self._store_page(page, state)
                summary, pages = summary.plus(result), pages + 1
                if not _more_after(page, asked):
                    break
        except FeedError as exc:
            self._record_failure(exc)
            return PollResult(summary, pages, error=str(exc))
        return PollResult(summary, pages)

    def _store_page(self, page: Page, state: SavedState) -> tuple[SavedState, BatchResult]:
        """The page's messages, rejects and the cursor after it, in one transaction."""
        after = SavedState(page.next_cursor or state.cursor, None if page.has_more else page.etag)
        records = [self._record(item, state.cursor, i) for i, item in enumerate(page.items)]
        with self.store.engine.begin() as conn:
            result = store_batch(conn, records, self.source.pipeline)
            save_page(conn, self.config.id, after, result.imported)
        return after, result

    def _record(self, item: object, cursor: str | None, index: int) -> RawRecord | Rejection:
        location = f"{self.config.url} [курсор {cursor or 'начало'}, запись {index + 1}]"
        raw = json.dumps(item, ensure_ascii=False, default=str)
        if not isinstance(item, dict):
            return Rejection(self.config.source, location[:512], "запись ленты не является объектом JSON",
                             clip_raw(raw))
        fields = {name: lookup(item, path) for name, path in self.config.fields.items()}
        return RawRecord(fields, location, raw, self.config.source)

    def _record_failure(self, exc: FeedError) -> None:
        mark_error(self.store, self.config.id, str(exc))
        if exc.raw is not None:
            where = f"{self.config.url} (ответ сервера)"
            store_rejections(self.store, [Rejection(self.config.source, where, str(exc)[:512], clip_raw(exc.raw))])


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
