"""HTML to PDF through QtWebEngine's printToPdf, with bundled fonts loaded first."""

from __future__ import annotations

import itertools
from pathlib import Path

from PySide6.QtCore import QMarginsF, QObject, QTimer, Signal
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtWebEngineCore import QWebEnginePage

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
    """Renders one HTML document to a PDF file; emits ``finished(path, ok)``."""

    finished = Signal(str, bool)
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
        self._page.pdfPrintingFinished.connect(self._on_pdf_printed)
        self._page.load(self._context.pages.put(f"briefing-{next(self._ids)}.html", html))

    def _on_page_loaded(self, ok: bool) -> None:
        if not ok:
            self._finish(False)
            return
        self._poll_fonts()

    def _poll_fonts(self) -> None:
        assert self._page is not None
        self._page.runJavaScript("document.fonts.status", 0, self._on_fonts_status)

    def _on_fonts_status(self, status: object) -> None:
        self._polls += 1
        if status == "loaded" or self._polls >= FONT_WAIT_LIMIT:
            assert self._page is not None
            self._page.printToPdf(self._path, a4_layout())
        else:
            QTimer.singleShot(FONT_POLL_MS, self._poll_fonts)

    def _on_pdf_printed(self, path: str, ok: bool) -> None:
        self._finish(ok and Path(path).exists())

    def _finish(self, ok: bool) -> None:
        page, self._page = self._page, None
        if page is not None:
            page.deleteLater()
        self.finished.emit(self._path, ok)
