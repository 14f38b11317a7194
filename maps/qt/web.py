"""QtWebEngine plumbing: the ``app://`` scheme, the offline request guard, the profile."""

from __future__ import annotations

import mimetypes
import threading

from PySide6.QtCore import QBuffer, QByteArray, QObject, QUrl
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from app.region.tiles import TileSource, parse_tile_path, tile_mime
from maps.page import assets

ALLOWED_SCHEMES = frozenset({"app", "qrc", "data"})
mimetypes.add_type("font/woff2", ".woff2")
mimetypes.add_type("font/woff", ".woff")
mimetypes.add_type("application/geo+json", ".geojson")


def register_app_scheme() -> None:
    """Declare ``app://``; must run before the QApplication exists."""
    if QWebEngineUrlScheme.schemeByName(b"app").name() == b"app":
        return
    scheme = QWebEngineUrlScheme(b"app")
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    flags = QWebEngineUrlScheme.Flag
    scheme.setFlags(flags.SecureScheme | flags.LocalAccessAllowed | flags.CorsEnabled | flags.FetchApiAllowed)
    QWebEngineUrlScheme.registerScheme(scheme)


class PageStore:
    """Generated pages served as ``app://pages/<name>`` (thread-safe), and one-shot binary blocks
    (a million map points as typed columns: fetched once by the page, then forgotten)."""

    def __init__(self) -> None:
        self._pages: dict[str, bytes] = {}
        self._blocks: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def put(self, name: str, html: str) -> QUrl:
        with self._lock:
            self._pages[name] = html.encode("utf-8")
        return QUrl(assets.PAGES + name)

    def get(self, name: str) -> bytes | None:
        with self._lock:
            return self._pages.get(name)

    def put_block(self, name: str, data: bytes) -> QUrl:
        with self._lock:
            self._blocks[name] = data
        return QUrl(assets.PAGES + name)

    def take_block(self, name: str) -> bytes | None:
        with self._lock:
            return self._blocks.pop(name, None)


class AppSchemeHandler(QWebEngineUrlSchemeHandler):
    """Serves pages from memory and assets from the bundled directories."""

    def __init__(self, pages: PageStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pages = pages
        self.served = 0
        self.tiles: TileSource | None = None  # set when the user picked an MBTiles or PMTiles basemap

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 (Qt API)
        url = job.requestUrl()
        body, mime = self._lookup(url.host(), url.path())
        if body is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        buffer = QBuffer(job)  # parented to the job: freed with it
        buffer.setData(QByteArray(body))
        self.served += 1
        job.reply(mime.encode("ascii"), buffer)

    def _lookup(self, host: str, path: str) -> tuple[bytes | None, str]:
        if host == "pages":
            block = self._pages.take_block(path.lstrip("/"))
            if block is not None:
                return block, "application/octet-stream"
            return self._pages.get(path.lstrip("/")), "text/html;charset=utf-8"
        if host == "tiles":
            return self._tile(path)
        file = assets.resolve(host, path)
        if file is None:
            return None, ""
        return file.read_bytes(), mimetypes.guess_type(file.name)[0] or "application/octet-stream"

    def set_tiles(self, source: TileSource | None) -> None:
        """Serve ``source`` (``app.region.tiles.open_tiles(path)``) as ``app://tiles/z/x/y``; closes the previous."""
        previous, self.tiles = self.tiles, source
        if previous is not None and previous is not source:
            previous.close()

    def _tile(self, path: str) -> tuple[bytes | None, str]:
        address, tiles = parse_tile_path(path), self.tiles
        if tiles is None or address is None:
            return None, ""
        return tiles.tile(*address), tile_mime(tiles)


class OfflineGuard(QWebEngineUrlRequestInterceptor):
    """Blocks and counts every request that would leave the application."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.blocked: list[str] = []
        self._lock = threading.Lock()
        self.allowed_host: str | None = None  # the one online tile host the user configured, if any

    def allow_online_tiles(self, url_template: str | None) -> None:
        """Let requests to the host of an explicitly configured tile URL through (https only)."""
        url = QUrl(url_template.replace("{", "").replace("}", "")) if url_template else None
        self.allowed_host = url.host() if url is not None and url.scheme() == "https" else None

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 (Qt API)
        url = info.requestUrl()
        if url.scheme() in ALLOWED_SCHEMES:
            return
        if self.allowed_host and url.scheme() == "https" and url.host() == self.allowed_host:
            return
        info.block(True)
        with self._lock:
            self.blocked.append(url.toString()[:200])

    @property
    def blocked_count(self) -> int:
        with self._lock:
            return len(self.blocked)


class WebContext(QObject):
    """One off-the-record profile with the scheme handler and the guard installed.

    Views and pages must be deleted before this object (QtWebEngine crashes at
    exit otherwise); ``widgets`` owns the order.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pages = PageStore()
        self.profile = QWebEngineProfile(self)
        self.handler = AppSchemeHandler(self.pages, self)
        self.guard = OfflineGuard(self)
        self.profile.installUrlSchemeHandler(b"app", self.handler)
        self.profile.setUrlRequestInterceptor(self.guard)
