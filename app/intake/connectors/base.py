"""What every connector shares: the source it polls, its pages, its bounded and retried requests.

A connector turns a source's answers into pages: ``Page(records, cursor)``.
``SourcePoller`` (poller.py) stores each page (its messages through the one
pipeline, its rejects, whatever else it writes, and the cursor after it) in
one transaction, so a crash resumes at the first uncommitted page and nothing
is stored twice.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection

from app.intake import http
from app.intake.backoff import backoff_delay
from app.intake.http import FetchError, Limits, Reply
from app.intake.jsonpage import PageError, loads_page
from app.intake.validate import RawRecord, Rejection

T = TypeVar("T")
Wait = Callable[[float], bool]  # sleeps; True means "stop now"
Cursor = dict[str, Any]


@dataclass(frozen=True)
class SourceSpec:
    """A configured source as plain data (a row of the ``sources`` table, or made by a command)."""

    kind: str
    name: str
    address: str = ""
    parameters: Mapping[str, Any] = field(default_factory=dict)
    interval_s: float = 60.0
    enabled: bool = True
    id: int | None = None
    secret: str | None = field(default=None, repr=False)  # from the OS keyring, never stored in the database

    @property
    def state_id(self) -> str:
        """The key of this source's cursor and health in ``feed_state``."""
        return f"source:{self.id}" if self.id is not None else f"source:{self.kind}:{self.name}"

    def param(self, name: str, default: T) -> T:
        value = self.parameters.get(name, default)
        return value if isinstance(value, type(default)) or default is None else default

    @property
    def limits(self) -> Limits:
        number = lambda key, default: float(self.parameters.get(key, default))  # noqa: E731
        return Limits(number("connect_timeout", 5.0), number("read_timeout", 20.0), number("total_timeout", 60.0),
                      int(number("max_mb", 16.0) * http.MB))


def short_hash(text: str, size: int = 16) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:size]


@dataclass(frozen=True)
class PollContext:
    """What a connector may want to know about the poll: now, and the last successful poll."""

    now: datetime
    last_success_at: datetime | None


@dataclass
class Page:
    """One stored step of a poll: records for the pipeline, the cursor after them, extra writes."""

    records: list[RawRecord | Rejection]
    cursor: Cursor
    write: Callable[[Connection], int] | None = None  # e.g. CAP alerts into the warnings table
    warning: str | None = None


class SourceError(FetchError):
    """An API's own error (VK ``error``, Telegram ``ok: false``) in one Russian sentence."""

    def __init__(self, message: str, retry: bool = True, raw: str | None = None, delay: float | None = None) -> None:
        super().__init__(message, retry, raw)
        self.delay = delay


class Connector(Protocol):
    """A kind of source: its pages from a cursor."""

    def pages(self, cursor: Cursor, fetch: Fetcher, context: PollContext) -> Iterator[Page]: ...


@dataclass
class Fetcher:
    """Bounded GETs of one source with retries and capped exponential backoff.

    ``stop`` ends a request in flight at once; ``elsewhere`` remembers a redirect to another address.
    """

    limits: Limits
    wait: Wait
    stop: threading.Event | None = None
    attempts: int = 4
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    follow_elsewhere: bool = False
    verify: bool | str = True
    elsewhere: str | None = None
    requests: int = 0

    def get(self, url: str, params: Mapping[str, object] | None = None, headers: Mapping[str, str] | None = None,
            parse: Callable[[Reply], T] | None = None) -> T:
        """GET and ``parse`` (may raise ``SourceError``), retried while ``retry`` errors say it may help."""
        for attempt in range(self.attempts):
            try:
                self.requests += 1
                reply = http.get(url, params, headers, self.limits, self.stop, self.verify, self.follow_elsewhere)
                self.elsewhere = reply.elsewhere or self.elsewhere
                return parse(reply) if parse is not None else reply  # type: ignore[return-value]
            except FetchError as exc:
                if not exc.retry or attempt == self.attempts - 1:
                    raise
                delay = getattr(exc, "delay", None) or backoff_delay(attempt, self.backoff_base, self.backoff_cap)
            if self.wait(min(delay, self.backoff_cap)):
                raise http.FetchStoppedError
        raise AssertionError("unreachable")


def status_error(reply: Reply) -> SourceError | None:
    """The error of an HTTP status that is not a success (None for 2xx)."""
    status = reply.status
    if status < 300:
        return None
    raw = reply.body[:64 * 1024].decode("utf-8", "replace")
    if status in (401, 403):
        return SourceError(f"доступ запрещён (HTTP {status}): проверьте ключ доступа", retry=False, raw=raw)
    if status == 429 or status >= 500:
        return SourceError(f"сервер перегружен или недоступен (HTTP {status})", raw=raw)
    return SourceError(f"запрос отклонён (HTTP {status})", retry=False, raw=raw)


def text_of(reply: Reply) -> str:
    return reply.body.decode("utf-8", "replace")


def api_payload(reply: Reply, api: str, refusal: Callable[[Any], SourceError | None], key: str,
                kind: type, what: str) -> Any:
    """The ``key`` member of an API's JSON answer, after its own error object (``refusal``) and the HTTP status.

    ``what`` names the expected member in the error («список «result»», «объект «response»»).
    """
    try:
        document = loads_page(text_of(reply))
    except PageError as exc:
        raise status_error(reply) or SourceError(f"{api} вернул не JSON: {exc}", raw=text_of(reply)[:65536]) \
            from exc
    refused = refusal(document)
    if refused is not None:
        raise refused
    failed = status_error(reply)
    if failed is not None:
        raise failed
    value = document.get(key) if isinstance(document, dict) else None
    if not isinstance(value, kind):
        raise SourceError(f"в ответе {api} нет {what}", retry=False, raw=text_of(reply)[:65536])
    return value
