"""The briefing as an editable DOCX (python-docx): the same figures, tables and two images as the PDF.

Public text (quotes, place names, warnings) may hold characters XML cannot carry
(U+0001, lone surrogates): python-docx refuses them and the whole document would
fail, so every text of the figures is cleaned first. The file is written to a
temporary name and renamed when complete (``atomic_target``).
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from app.briefing.figures import BriefingFigures, period_phrase, since_phrase
from app.briefing.lists import NOTES_SHOWN, WARNINGS_SHOWN, more_text, shown_and_more
from app.briefing.notes import change_text, rate_text
from app.common import ru
from app.common.cells import clean_text
from app.common.files import atomic_target
from app.common.timeutil import to_local

FONT = "PT Sans"
IMAGE_WIDTH_MM = 175
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def xml_safe(value: Any) -> Any:
    """``value`` with every string in it (through tuples and dataclasses) free of XML-forbidden characters."""
    if isinstance(value, str):
        return _SURROGATE.sub("", clean_text(value))
    if isinstance(value, tuple):
        return tuple(xml_safe(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: xml_safe(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value


def _setup(doc: DocumentType) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(20), Mm(12)
    section.top_margin = section.bottom_margin = Mm(12)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(10)


def _table(doc: DocumentType, header: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for values in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            cell.text = text
            if i >= numeric_from:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _header(doc: DocumentType, f: BriefingFigures) -> None:
    doc.add_heading(f"Справка оперативного штаба: {f.region}", level=1)
    meta = f"Период: {period_phrase(f)} (время местное). Сформирована {to_local(f.generated_at):%d.%m.%Y в %H:%M}."
    if f.crisis_name:
        meta = f"{f.crisis_name}. {meta}"
    doc.add_paragraph(meta)


def _key_figures(doc: DocumentType, f: BriefingFigures) -> None:
    doc.add_heading("Основные показатели", level=2)
    _table(doc, ("Показатель", "Значение"), [
        (f"{ru.messages_word(f.hour_total).capitalize()} за час", ru.format_int(f.hour_total)),
        (f"Изменение к предыдущему часу ({ru.format_int(f.previous_hour_total)})", ru.signed_percent(f.change_percent)),
        (f"Сообщений {since_phrase(f)}", ru.format_int(f.window_total)),
        ("Инцидентов открыто / новых / закрыто",
         f"{ru.format_int(f.incidents.open)} / {ru.format_int(f.incidents.new)} / {ru.format_int(f.incidents.closed)}"),
        ("Ответов просрочено / жалоб без окончательного ответа",
         f"{ru.format_int(f.overdue_answers)} / {ru.format_int(f.open_answers)}"),
    ])


def _bullets(doc: DocumentType, title: str, lines: Sequence[str], empty: str, noun: str = "", limit: int = 0) -> None:
    """A bulleted list; with ``limit`` the first ``limit`` lines and «и ещё N …» (``noun``) for the rest."""
    doc.add_heading(title, level=2)
    shown, more = shown_and_more(lines, limit, noun) if limit else (list(lines), "")
    for line in shown:
        doc.add_paragraph(line, style="List Bullet")
    if more:
        doc.add_paragraph(more).runs[0].italic = True
    if not lines:
        doc.add_paragraph(empty)


def _more(doc: DocumentType, hidden: int, noun: str) -> None:
    if text := more_text(hidden, noun):
        doc.add_paragraph(text).runs[0].italic = True


def _tables(doc: DocumentType, f: BriefingFigures) -> None:
    doc.add_heading("По категориям", level=2)
    _table(doc, ("Категория", "За час", "Пред. час", "Изм.", since_phrase(f).capitalize()), [
        (c.label, ru.format_int(c.hour), ru.format_int(c.previous), change_text(c.hour, c.previous),
         ru.format_int(c.since_start)) for c in f.categories])
    doc.add_heading("Территории за час", level=2)
    _table(doc, ("Территория", "Сообщений", "На 1 000 жит."),
           [(p.name, ru.format_int(p.count), rate_text(p.per_thousand)) for p in f.top_places])
    _more(doc, f.places_total - len(f.top_places), "places")
    for title, lines, total in (("Новые инциденты", f.new_incidents, f.new_incidents_total),
                                ("Растущие инциденты", f.growing_incidents, f.growing_incidents_total)):
        doc.add_heading(title, level=2)
        _table(doc, ("Населённый пункт", "Категория", "За час", "Пред. час"),
               [(i.settlement, i.category, ru.format_int(i.hour), ru.format_int(i.previous)) for i in lines],
               numeric_from=2)
        _more(doc, total - len(lines), "incidents")


def _images(doc: DocumentType, map_png: bytes | None, chart_png: bytes | None) -> None:
    for title, png in (("Карта обращений", map_png), ("Динамика по часам", chart_png)):
        if png:
            doc.add_heading(title, level=2)
            doc.add_picture(io.BytesIO(png), width=Mm(IMAGE_WIDTH_MM))


def _topics(doc: DocumentType, f: BriefingFigures) -> None:
    doc.add_heading("О чём пишут жители", level=2)
    for topic in f.topics:
        doc.add_paragraph().add_run(
            f"{topic.label} — {ru.format_int(topic.count)} {ru.messages_word(topic.count)} за час").bold = True
        for quote in topic.quotes:
            doc.add_paragraph(f"«{quote}»", style="List Bullet").runs[0].italic = True
    _more(doc, f.topics_total - len(f.topics), "topics")
    doc.add_paragraph("Цитаты приведены без персональных данных (имена, ссылки, телефоны, адреса почты удалены; "
                      "152-ФЗ).")


def build_docx(f: BriefingFigures, map_png: bytes | None, chart_png: bytes | None) -> DocumentType:
    """The briefing document, in the PDF's order of sections."""
    f = xml_safe(f)
    doc = Document()
    _setup(doc)
    _header(doc, f)
    _key_figures(doc, f)
    if f.warnings:
        _bullets(doc, "Действующие официальные предупреждения", f.warnings, "", "warnings", WARNINGS_SHOWN)
    _bullets(doc, "Выводы и рекомендации", f.notes, "Замечаний нет.", "notes", NOTES_SHOWN)
    _tables(doc, f)
    _bullets(doc, "Что изменилось с предыдущей справки", f.diff, "Предыдущей справки в архиве нет.")
    _images(doc, map_png, chart_png)
    _topics(doc, f)
    return doc


def write_docx(f: BriefingFigures, map_png: bytes | None, chart_png: bytes | None, path: Path) -> Path:
    """Write the DOCX briefing to ``path`` (whole or not at all: a full disk keeps the previous file)."""
    buffer = io.BytesIO()  # zipped in memory: a zip file failing half-way on disk cannot even close cleanly
    build_docx(f, map_png, chart_png).save(buffer)
    with atomic_target(path) as temporary:
        temporary.write_bytes(buffer.getvalue())
    return path
