"""«Печать» of a briefing: the PDF the briefing wrote, page by page, through the system's print dialog.

Printing the written PDF (rendered by QtPdf at the printer's resolution) puts on paper
exactly what was filed in the archive, fonts and the fixed-extent map included.
The window helper wires ``print_briefing(parent, pdf_path)`` to the menu action.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget

from app.common import ru


class PrintError(RuntimeError):
    """Printing failed; ``str()`` is one Russian sentence."""


def _pages(pdf_path: str | Path) -> QPdfDocument:
    if not Path(pdf_path).is_file():
        raise PrintError(f"Файл справки не найден: {pdf_path}")
    document = QPdfDocument()
    if document.load(str(pdf_path)) != QPdfDocument.Error.None_ or document.pageCount() == 0:
        raise PrintError(f"Файл справки не читается как PDF: {Path(pdf_path).name}")
    return document


def print_pdf(pdf_path: str | Path, printer: QPrinter) -> int:
    """Print every page of ``pdf_path`` on ``printer`` (already set up); returns the pages printed."""
    document = _pages(pdf_path)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError("Принтер недоступен: печать не началась")
    try:
        for index in range(document.pageCount()):
            if index:
                printer.newPage()
            target = painter.viewport()
            page = document.pagePointSize(index).scaled(target.size().toSizeF(), Qt.AspectRatioMode.KeepAspectRatio)
            size = page.toSize()
            painter.drawImage(target.topLeft(), document.render(index, QSize(size.width(), size.height())))
    finally:
        painter.end()
    return document.pageCount()


def print_briefing(parent: QWidget | None, pdf_path: str | Path, printer: QPrinter | None = None) -> str:
    """«Печать»: the system's print dialog for the briefing PDF; returns the line for the status bar.

    ``printer`` is preset by tests (a PDF file); the window passes none and the dialog picks one.
    """
    printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(Path(pdf_path).stem)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Печать справки")
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return "Печать отменена"
    try:
        pages = print_pdf(pdf_path, printer)
    except PrintError as exc:
        return str(exc)
    return f"Справка отправлена на печать: {ru.count_phrase(pages, 'страница', 'страницы', 'страниц')}"
