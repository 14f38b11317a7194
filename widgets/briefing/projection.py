"""Projection mode: the briefing as full-screen slides, driven by keyboard or a presenter remote."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QPixmap
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from app.briefing.figures import BriefingFigures, period_phrase, since_phrase
from app.briefing.lists import more_text, shown_and_more
from app.briefing.notes import rate_text
from app.common import ru

NEXT_KEYS = {Qt.Key.Key_PageDown, Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Space}
PREVIOUS_KEYS = {Qt.Key.Key_PageUp, Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_Backspace}
STYLE = "background: #10151c; color: #f2f2f2;"
SLIDE_NOTES = 4  # a slide is read from across the room: fewer lines than the PDF
SLIDE_INCIDENTS = 6


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


MUTED = "#9aa4b2"


def _more(text: str) -> str:
    return f"<li style='color:{MUTED};font-style:italic'>{escape(text)}</li>" if text else ""


def _centered(inner: str, width: int = 85) -> str:
    """``inner`` in a centred column (Qt's rich text centres tables, not lists or margins)."""
    return f"<table align='center' width='{width}%'><tr><td>{inner}</td></tr></table>"


def _key_cells(f: BriefingFigures) -> list[tuple[str, str]]:
    """The same five key figures, with the same labels, as the PDF's tiles."""
    return [(ru.format_int(f.hour_total), f"{ru.messages_word(f.hour_total)} за час"),
            (ru.signed_percent(f.change_percent), f"к предыдущему часу ({ru.format_int(f.previous_hour_total)})"),
            (ru.format_int(f.window_total), since_phrase(f)),
            (ru.format_int(f.incidents.open),
             ru.plural_form(f.incidents.open, "инцидент открыт", "инцидента открыто", "инцидентов открыто")),
            (ru.format_int(f.overdue_answers),
             ru.plural_form(f.overdue_answers, "ответ просрочен", "ответа просрочено", "ответов просрочено")
             + f" (жалоб без окончательного ответа: {ru.format_int(f.open_answers)})")]


def figures_html(f: BriefingFigures) -> str:
    """The first slide: period, the key numbers in large type, warnings and the notes (with «и ещё N»)."""
    cells = "".join(f"<td width='20%' align='center' style='padding:0 16px;vertical-align:top'>"
                    f"<div style='font-size:72px;font-weight:700'>{escape(v)}</div>"
                    f"<div style='font-size:22px;color:{MUTED}'>{escape(t)}</div></td>" for v, t in _key_cells(f))
    notes, more = shown_and_more(f.notes, SLIDE_NOTES, "notes")
    items = "".join(f"<li style='margin-bottom:12px'>{escape(n)}</li>" for n in notes) + _more(more)
    shown_warnings, more_warnings = shown_and_more(f.warnings, 2, "warnings")
    warnings = "".join(f"<p align='center' style='font-size:24px;color:#ffb74d'>⚠ {escape(w)}</p>"
                       for w in (*shown_warnings, *([more_warnings] if more_warnings else [])))
    crisis = (f"<p align='center' style='font-size:30px;color:#ff8a80;font-weight:700'>{escape(f.crisis_name)}</p>"
              if f.crisis_name else "")
    heading = "<p align='center' style='font-size:30px;font-weight:700'>Выводы и рекомендации</p>" if items else ""
    listed = _centered(f"<ul style='font-size:26px'>{items}</ul>") if items else ""
    return (f"<p align='center' style='font-size:44px;font-weight:700'>{escape(f.region)}</p>"
            f"<p align='center' style='font-size:30px;color:{MUTED}'>{escape(period_phrase(f))} (время местное)</p>"
            f"{crisis}<table align='center' width='95%' style='margin-top:36px;margin-bottom:36px'><tr>{cells}</tr>"
            f"</table>{warnings}{heading}{listed}")


def places_html(f: BriefingFigures) -> str:
    """The last slide: territories and new or growing incidents, each list with «и ещё N» when cut."""
    rows = "".join(f"<tr><td>{escape(p.name)}</td><td align='right'>{ru.format_int(p.count)}</td>"
                   f"<td align='right'>{rate_text(p.per_thousand)}</td></tr>" for p in f.top_places)
    places_more = more_text(f.places_total - len(f.top_places), "places")
    if places_more:
        rows += f"<tr><td colspan='3' style='color:{MUTED};font-style:italic'>{escape(places_more)}</td></tr>"
    if not f.top_places:
        rows = "<tr><td colspan='3'>Нет сообщений с указанием места</td></tr>"
    lines = (*f.new_incidents, *f.growing_incidents)
    incidents = "".join(f"<li>{escape(i.settlement)}: {escape(i.category)}, {ru.messages(i.hour)} за час</li>"
                        for i in lines[:SLIDE_INCIDENTS])
    hidden = f.new_incidents_total + f.growing_incidents_total - min(len(lines), SLIDE_INCIDENTS)
    incidents += _more(more_text(hidden, "incidents"))
    header = (f"<tr style='color:{MUTED}'><th align='left'>Территория</th><th align='right'>Сообщений за час</th>"
              f"<th align='right'>На 1 000 жит.</th></tr>")
    return (f"<p align='center' style='font-size:40px;font-weight:700'>Территории за час</p>"
            f"<table align='center' width='70%' cellpadding='10' style='font-size:30px'>{header}{rows}</table>"
            f"<p align='center' style='font-size:34px;font-weight:700;margin-top:30px'>Новые и растущие инциденты</p>"
            + _centered(f"<ul style='font-size:26px'>{incidents or '<li>Нет</li>'}</ul>", 70))


def _titled(title: str, slide: QWidget) -> QWidget:
    """An image slide under its heading, as in the PDF («Карта обращений», «Динамика по часам»)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    heading = QLabel(title)
    heading.setTextFormat(Qt.TextFormat.PlainText)
    heading.setStyleSheet("font-size: 32px; font-weight: 700;")
    heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
    layout.addWidget(heading)
    layout.addWidget(slide, 1)
    return box


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
        slides += [_titled(title, _ImageSlide(png))
                   for title, png in (("Карта обращений за час", map_png), ("Динамика по часам", chart_png)) if png]
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
