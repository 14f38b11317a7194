"""The one bounded HTTP GET of every connector: size, total time, redirects and stopping.

A hostile or broken server can send an endless chunked body, one byte a second,
a gigabyte string or headers that never end. ``get`` reads at most
``Limits.max_bytes`` and gives up after ``Limits.total_s`` whatever the server
does: a watchdog thread shuts the socket down at the deadline, or at once when
``stop`` is set, so a blocked read returns and closing the window never waits on
it. Redirects to the same scheme, host and port are followed; to anywhere else
only when the source allows it, and the reply then says where it came from.
Bodies are asked for uncompressed (no decompression bombs).
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit

from app.common.ru import format_int

MB = 1024 * 1024
_CHUNK = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class Limits:
    """Bounds of one request: connect and per-read timeouts, the whole request's time and size."""

    connect_s: float = 5.0
    read_s: float = 20.0
    total_s: float = 60.0
    max_bytes: int = 16 * MB
    max_redirects: int = 5


@dataclass(frozen=True)
class Reply:
    """A complete response; ``elsewhere`` is the other address a redirect led to, if any."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str
    elsewhere: str | None = None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class FetchError(Exception):
    """A failed request in one Russian sentence; ``retry``: trying again may help; ``raw``: a bad body."""

    def __init__(self, message: str, retry: bool = True, raw: str | None = None) -> None:
        super().__init__(message)
        self.retry, self.raw = retry, raw


class FetchStoppedError(Exception):
    """``stop`` was set while the request was in flight."""


@dataclass
class _Watch:
    """Shuts the socket down at the deadline or when ``stop`` is set."""

    deadline: float
    stop: threading.Event | None
    sock: socket.socket | None = None
    reason: str | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.done.wait(min(0.1, max(0.0, self.deadline - time.monotonic()))):
            if self.stop is not None and self.stop.is_set():
                self._fire("stopped")
                return
            if time.monotonic() >= self.deadline:
                self._fire("deadline")
                return

    def _fire(self, reason: str) -> None:
        self.reason = reason
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)


def with_params(url: str, params: Mapping[str, object] | None) -> str:
    """``url`` with ``params`` appended (text that is not valid UTF-8 is sent byte for byte, not refused)."""
    if not params:
        return url
    query = urlencode({k: str(v) for k, v in params.items()}, encoding="utf-8", errors="surrogatepass")
    return url + ("&" if urlsplit(url).query else "?") + query


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise FetchError(f"неверный порт в адресе: {url[:200]}", retry=False) from exc
    return scheme, (parts.hostname or "").lower(), port


def _connection(url: str, limits: Limits, verify: bool | str) -> tuple[http.client.HTTPConnection, str]:
    scheme, host, port = _origin(url)
    if scheme not in ("http", "https") or not host:
        raise FetchError(f"адрес должен начинаться с http:// или https://: {url[:200]}", retry=False)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if scheme == "http":
        return http.client.HTTPConnection(host, port, timeout=limits.connect_s), target
    context = ssl.create_default_context(cafile=verify if isinstance(verify, str) else None)
    if verify is False:
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    return http.client.HTTPSConnection(host, port, timeout=limits.connect_s, context=context), target


def _read_body(response: http.client.HTTPResponse, limits: Limits) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(_too_big(limits), retry=False)
    body = bytearray()
    while chunk := response.read(_CHUNK):
        body += chunk
        if len(body) > limits.max_bytes:
            raise FetchError(_too_big(limits), retry=False)
    return bytes(body)


def _too_big(limits: Limits) -> str:
    return f"ответ сервера больше {format_int(limits.max_bytes // MB)} МБ — отклонён (предел источника)"


def _once(url: str, headers: Mapping[str, str], limits: Limits, watch: _Watch,
          verify: bool | str) -> tuple[int, dict[str, str], bytes]:
    conn, target = _connection(url, limits, verify)
    try:
        conn.connect()
        watch.sock = conn.sock
        if watch.reason is not None:  # the deadline or a stop came during the connect
            raise OSError(watch.reason)
        conn.sock.settimeout(limits.read_s)
        conn.request("GET", target, headers={"Accept-Encoding": "identity", "Connection": "close", **headers})
        response = conn.getresponse()
        status = response.status
        got = {k.lower(): v for k, v in response.getheaders()}
        body = b"" if status in _REDIRECTS or status == 304 else _read_body(response, limits)
        return status, got, body
    finally:
        conn.close()


def _failure(exc: BaseException, watch: _Watch, limits: Limits) -> Exception:
    if watch.reason == "stopped":
        return FetchStoppedError()
    if watch.reason == "deadline":
        return FetchError(f"ответ не получен за {limits.total_s:g} с: сервер отвечает слишком медленно")
    if isinstance(exc, TimeoutError | socket.timeout):
        return FetchError(f"сервер не ответил вовремя (ожидание {limits.read_s:g} с)")
    if isinstance(exc, ssl.SSLError):
        return FetchError(f"ошибка защищённого соединения (TLS): {exc.__class__.__name__}", retry=False)
    if isinstance(exc, http.client.IncompleteRead):
        return FetchError("обрыв соединения: ответ сервера обрезан")
    if isinstance(exc, http.client.HTTPException):
        return FetchError(f"неверный ответ сервера: {exc.__class__.__name__}")
    return FetchError(_network_reason(exc))


def _network_reason(exc: BaseException) -> str:
    """What went wrong with the connection, in Russian (the system's own words only as a last resort)."""
    if isinstance(exc, ConnectionRefusedError):
        return "сервер не принимает соединения (соединение отклонено): он выключен или адрес неверен"
    if isinstance(exc, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        return "обрыв соединения: сервер закрыл его посреди ответа"
    if isinstance(exc, socket.gaierror):
        return "имя сервера не найдено (DNS): проверьте адрес и сеть"
    if isinstance(exc, OSError) and exc.errno in (101, 113):  # ENETUNREACH, EHOSTUNREACH
        return "сеть или сервер недоступны: проверьте подключение"
    return f"сбой соединения ({exc.__class__.__name__})"


def get(url: str, params: Mapping[str, object] | None = None, headers: Mapping[str, str] | None = None,
        limits: Limits = Limits(), stop: threading.Event | None = None, verify: bool | str = True,
        follow_elsewhere: bool = False) -> Reply:
    """GET ``url`` within ``limits``; ``FetchError`` with a Russian reason, ``FetchStoppedError`` on ``stop``."""
    watch = _Watch(time.monotonic() + limits.total_s, stop)
    threading.Thread(target=watch.run, name="opershtab-http-watch", daemon=True).start()
    try:
        return _follow(with_params(url, params), dict(headers or {}), limits, watch, verify, follow_elsewhere)
    finally:
        watch.done.set()


def _follow(url: str, headers: dict[str, str], limits: Limits, watch: _Watch, verify: bool | str,
            follow_elsewhere: bool) -> Reply:
    start, elsewhere = _origin(url), None
    for _hop in range(limits.max_redirects + 1):
        try:
            status, got, body = _once(url, headers, limits, watch, verify)
            if watch.reason is not None:  # the socket was shut mid-body: what came is not the whole answer
                raise OSError(watch.reason)
        except FetchError:
            raise
        except Exception as exc:
            raise _failure(exc, watch, limits) from exc
        if status not in _REDIRECTS or "location" not in got:
            return Reply(status, got, body, url, elsewhere)
        url = urljoin(url, got["location"])
        if _origin(url) != start:
            if not follow_elsewhere:
                raise FetchError(f"сервер перенаправляет на другой адрес ({_shown(url)}): переход не выполнен; "
                                 "разрешите его в параметрах источника, если адрес верный", retry=False)
            elsewhere = _shown(url)
    raise FetchError(f"слишком много перенаправлений (больше {limits.max_redirects})", retry=False)


def _shown(url: str) -> str:
    scheme, host, port = _origin(url)
    return f"{scheme}://{host}:{port}"
