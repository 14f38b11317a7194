"""Projection mode: the briefing as full-screen slides, driven by keyboard or a presenter remote."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QPixmap
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from app.briefing.figures import BriefingFigures, period_phrase, since_phrase
from app.briefing.notes import rate_text
from app.common import ru

NEXT_KEYS = {Qt.Key.Key_PageDown, Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Space}
PREVIOUS_KEYS = {Qt.Key.Key_PageUp, Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_Backspace}
STYLE = "background: #10151c; color: #f2f2f2;"


def _html_slide(html: str) -> QLabel:
    label = QLabel(html)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    return label


class _ImageSlide(QLabel):
    """An image scaled to the slide, keeping its proportions."""

    def __init__(self, png: bytes) -> None:
        super().__init__()
        self._pixmap = QPixmap()
        self._pixmap.loadFromData(png, "PNG")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(1, 1)

    def resizeEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        if not self._pixmap.isNull():
            self.setPixmap(self._pixmap.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                               Qt.TransformationMode.SmoothTransformation))
        super().resizeEvent(event)  # type: ignore[arg-type]


def figures_html(f: BriefingFigures) -> str:
    """The first slide: period, the key numbers in large type, the notes."""
    cells = [(ru.format_int(f.hour_total), f"{ru.messages_word(f.hour_total)} за час"),
             (ru.signed_percent(f.change_percent), f"к предыдущему часу ({ru.format_int(f.previous_hour_total)})"),
             (ru.format_int(f.window_total), since_phrase(f)),
             (ru.format_int(f.incidents.open), "инцидентов открыто"),
             (ru.format_int(f.overdue_answers), "ответов просрочено")]
    row = "".join(f"<td style='padding:0 28px'><div style='font-size:64px;font-weight:700'>{escape(v)}</div>"
                  f"<div style='font-size:22px'>{escape(t)}</div></td>" for v, t in cells)
    notes = "".join(f"<li>{escape(n)}</li>" for n in f.notes[:4])
    crisis = f"<div style='font-size:28px;color:#ff8a80'>{escape(f.crisis_name)}</div>" if f.crisis_name else ""
    return (f"<div style='font-size:40px;font-weight:700'>{escape(f.region)}: {escape(period_phrase(f))}</div>"
            f"{crisis}<table style='margin:40px auto'><tr>{row}</tr></table>"
            f"<ul style='font-size:24px;text-align:left'>{notes}</ul>")


def places_html(f: BriefingFigures) -> str:
    """The last slide: top municipalities and new or growing incidents."""
    rows = "".join(f"<tr><td>{escape(p.name)}</td><td align='right'>{ru.format_int(p.count)}</td>"
                   f"<td align='right'>{rate_text(p.per_thousand)}</td></tr>" for p in f.top_places)
    incidents = "".join(f"<li>{escape(i.settlement)}: {escape(i.category)}, {ru.messages(i.hour)} за час</li>"
                        for i in (*f.new_incidents, *f.growing_incidents)[:6])
    return (f"<div style='font-size:36px;font-weight:700'>Территории за час</div>"
            f"<table cellpadding='10' style='font-size:28px;margin:24px auto'><tr><th align='left'>Территория</th>"
            f"<th>Сообщений</th><th>На 1 000 жит.</th></tr>{rows}</table>"
            f"<ul style='font-size:24px;text-align:left'>{incidents}</ul>")


class ProjectionWindow(QWidget):
    """Slides: figures, map, graph, territories. PageDown/PageUp, arrows, Space; Esc leaves."""

    slideChanged = Signal(int)  # noqa: N815 (Qt signal naming)

    def __init__(self, figures: BriefingFigures, map_png: bytes = b"", chart_png: bytes = b"",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Справка — режим проектора")
        self.setStyleSheet(STYLE)
        self.stack = QStackedWidget(self)
        self.counter = QLabel(alignment=Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.counter)
        slides: list[QWidget] = [_html_slide(figures_html(figures))]
        slides += [_ImageSlide(png) for png in (map_png, chart_png) if png]
        slides.append(_html_slide(places_html(figures)))
        for slide in slides:
            self.stack.addWidget(slide)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._show(0)

    @property
    def index(self) -> int:
        return self.stack.currentIndex()

    def present(self) -> None:
        """Full screen on the current screen, keyboard focus on the slides."""
        self.showFullScreen()
        self.activateWindow()
        self.setFocus()

    def _show(self, index: int) -> None:
        index = max(0, min(index, self.stack.count() - 1))
        self.stack.setCurrentIndex(index)
        self.counter.setText(f"{index + 1} / {self.stack.count()}")
        self.slideChanged.emit(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        key = Qt.Key(event.key())
        if key in NEXT_KEYS:
            self._show(self.index + 1)
        elif key in PREVIOUS_KEYS:
            self._show(self.index - 1)
        elif key == Qt.Key.Key_Home:
            self._show(0)
        elif key == Qt.Key.Key_End:
            self._show(self.stack.count() - 1)
        elif key == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)
