"""HTML to PDF through QtWebEngine's printToPdf, with bundled fonts loaded first.

The PDF comes back as bytes and is written with ``app.common.files.write_bytes_atomic``:
the file appears whole or not at all, and on a full disk the previous file stays and
``finished`` carries one Russian sentence.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from PySide6.QtCore import QByteArray, QMarginsF, QObject, QTimer, Signal
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtWebEngineCore import QWebEnginePage

from app.common.files import OutputError, write_bytes_atomic
from maps.qt.web import WebContext

FONT_POLL_MS = 50
FONT_WAIT_LIMIT = 100  # polls, i.e. 5 s


def a4_layout() -> QPageLayout:
    # CSS @page margins are ignored at zero layout margins, so margins live here.
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
        QMarginsF(15, 12, 12, 12), QPageLayout.Unit.Millimeter,
    )


class PdfRenderer(QObject):
    """Renders one HTML document to a PDF file; emits ``finished(path, error)`` (error "" when written)."""

    finished = Signal(str, str)
    _ids = itertools.count(1)

    def __init__(self, context: WebContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._page: QWebEnginePage | None = None
        self._path = ""
        self._polls = 0

    def render(self, html: str, path: Path) -> None:
        self._path = str(path)
        self._polls = 0
        self._page = QWebEnginePage(self._context.profile, self)
        self._page.loadFinished.connect(self._on_page_loaded)
        self._page.load(self._context.pages.put(f"briefing-{next(self._ids)}.html", html))

    def _on_page_loaded(self, ok: bool) -> None:
        if not ok:
            self._finish("страница справки не загрузилась")
            return
        self._poll_fonts()

    def _poll_fonts(self) -> None:
        assert self._page is not None
        self._page.runJavaScript("document.fonts.status", 0, self._on_fonts_status)

    def _on_fonts_status(self, status: object) -> None:
        self._polls += 1
        if status == "loaded" or self._polls >= FONT_WAIT_LIMIT:
            assert self._page is not None
            self._page.printToPdf(self._on_pdf_bytes, a4_layout())
        else:
            QTimer.singleShot(FONT_POLL_MS, self._poll_fonts)

    def _on_pdf_bytes(self, data: object) -> None:
        pdf = bytes(data) if isinstance(data, (bytes, bytearray, QByteArray)) else b""
        if not pdf:
            self._finish(f"QtWebEngine не смог напечатать справку в PDF: {Path(self._path).name} не записан")
            return
        try:
            write_bytes_atomic(self._path, pdf)
        except OutputError as exc:  # one Russian sentence already («Нет места на диске: …»)
            self._finish(str(exc))
            return
        self._finish("")

    def _finish(self, error: str) -> None:
        page, self._page = self._page, None
        if page is not None:
            page.deleteLater()
        self.finished.emit(self._path, error)
