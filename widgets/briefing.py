"""Making a briefing: figures off-thread, snapshots of map and chart, then the PDF."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Signal
from PySide6.QtWidgets import QWidget

from app.briefing import BriefingFigures, compute_figures, render_html
from app.briefing_archive import record_briefing
from app.paths import data_dir
from app.store import Store
from app.timeutil import to_local
from maps.assets import ASSETS
from maps.web import WebContext
from widgets.pdf import PdfRenderer
from widgets.worker import DbWorker


def widget_png(widget: QWidget) -> bytes:
    """What the widget shows, as PNG bytes."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    widget.grab().save(buffer, "PNG")
    return bytes(data.data())


def briefing_filename(figures: BriefingFigures) -> str:
    return to_local(figures.period_end).strftime("spravka_%Y-%m-%d_%H00.pdf")


class BriefingMaker(QObject):
    """``make(now, region)`` → ``finished(path, ok)``; the briefing is recorded in the archive."""

    finished = Signal(str, bool)

    def __init__(self, store: Store, context: WebContext, map_view: QWidget, chart: QWidget,
                 out_dir: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store, self._map, self._chart = store, map_view, chart
        self._worker = DbWorker(self)
        self._renderer = PdfRenderer(context, self)
        self._renderer.finished.connect(self._on_pdf_finished)
        self.out_dir = out_dir
        self._figures: BriefingFigures | None = None

    def make(self, period_end: datetime, region: str) -> None:
        """Briefing for the hour ending at ``period_end`` (floored to the hour)."""
        self._worker.run(lambda: compute_figures(self._store, period_end, region), self._on_figures, self._on_error,
                         owner=self)

    def _on_figures(self, figures: BriefingFigures) -> None:
        self._figures = figures
        out_dir = self.out_dir or data_dir() / "briefings"
        out_dir.mkdir(parents=True, exist_ok=True)
        html = render_html(figures, widget_png(self._map), widget_png(self._chart), font_base=ASSETS)
        self._renderer.render(html, out_dir / briefing_filename(figures))

    def _on_error(self, exc: BaseException) -> None:
        self.finished.emit(str(exc), False)

    def _on_pdf_finished(self, path: str, ok: bool) -> None:
        if not ok or self._figures is None:
            self.finished.emit(path, False)
            return
        figures = self._figures
        self._worker.run(
            lambda: record_briefing(self._store, figures, pdf_path=path),
            lambda _id: self.finished.emit(path, True), self._on_error,
        )

    def figures_json(self) -> str:
        return json.dumps(self._figures.as_json_dict() if self._figures else {}, ensure_ascii=False)

    def shutdown(self) -> None:
        self._worker.shutdown()
