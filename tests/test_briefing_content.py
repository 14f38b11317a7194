"""Briefing content against a fixture: labels, «и ещё N» with the right plural, ranked recommendations,
the crisis from the typed settings, the shared template environment, and a PDF that is written whole
or not at all (full disk), printed through the print path.

Expected values are computed here from the records the test stores, never from the application.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.briefing.docx import build_docx
from app.briefing.figures import CategoryLine, compute_figures, render_html
from app.briefing.lists import more_text
from app.briefing.notes import notes
from app.intake.writer import Incoming, store_incoming
from app.settings import load_settings, save_settings, with_values
from app.store.models import Incident, Setting
from tests.fixtures import FIXTURE_START

END = FIXTURE_START + timedelta(hours=3)
START = END - timedelta(hours=1)
PLACES = [f"Посёлок-{n:02d}" for n in range(11)]  # 11 places: 8 shown, «и ещё 3 территории»
TOPICS = ["power", "water", "heating", "gas", "roads"]  # 5 complaint categories: 3 quoted, «и ещё 2 темы»
NEW_INCIDENTS = 8  # 6 listed, «и ещё 2 инцидента»


def _records() -> list[Incoming]:
    out = []
    for i, place in enumerate(PLACES):
        for n in range(i + 1):  # distinct counts: the order of places is fixed
            out.append(Incoming(source="t", external_id=f"{place}-{n}", text=f"Нет света и воды, сообщение №{n}",
                                published_at=START + timedelta(minutes=n % 59), settlement=place,
                                category=TOPICS[(i + n) % len(TOPICS)], lat=45.0, lon=39.0))
    return out


def _seed(store) -> list[Incoming]:
    records = _records()
    store_incoming(store, records)
    with store.session() as s:
        s.add_all([Incident(id=100 + i, category="power", settlement=f"Хутор-{i}", last_seen=END, message_count=1,
                            first_seen=START + timedelta(minutes=i), status="open") for i in range(NEW_INCIDENTS)])
    return records


def _html_text(html: str) -> str:
    text = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", text).replace("\u00a0", " ").split())


def _docx_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    parts += [" ".join(c.text for c in row.cells) for t in doc.tables for row in t.rows]
    return " ".join(" ".join(parts).replace("\u00a0", " ").split())


@pytest.mark.parametrize(("n", "noun", "expected"), [
    (1, "places", "и ещё 1 территория"), (3, "places", "и ещё 3 территории"), (5, "places", "и ещё 5 территорий"),
    (11, "incidents", "и ещё 11 инцидентов"), (21, "incidents", "и ещё 21 инцидент"), (2, "topics", "и ещё 2 темы"),
    (0, "places", ""),
])
def test_more_text_plural(n, noun, expected):
    assert more_text(n, noun) == expected


def test_cut_lists_say_and_more_in_html_and_docx(store):
    records = _seed(store)
    f = compute_figures(store, END, "Краснодарский край")
    in_hour = [r for r in records if START <= r.published_at < END]
    assert f.hour_total == len(in_hour) and f.places_total == len(PLACES) and len(f.top_places) == 8
    assert [p.name for p in f.top_places] == list(reversed(PLACES))[:8]  # most messages first
    assert f.new_incidents_total == NEW_INCIDENTS and len(f.new_incidents) == 6
    assert f.topics_total == len({r.category for r in in_hour}) == 5 and len(f.topics) == 3
    many_notes = replace(f, notes=tuple(f"Рекомендация {i}" for i in range(8)),
                         warnings=tuple(f"Предупреждение {i}" for i in range(7)))
    for text in (_html_text(render_html(many_notes, None, None, "app://assets/")),
                 _docx_text(build_docx(many_notes, None, None))):
        assert "Посёлок-00" not in text and "Посёлок-03" in text  # the three smallest are cut ...
        assert "и ещё 3 территории" in text  # ... and said so
        assert "и ещё 2 инцидента" in text and "и ещё 2 темы" in text
        assert "Рекомендация 5" in text and "Рекомендация 6" not in text and "и ещё 2 рекомендации" in text
        assert "Предупреждение 4" in text and "и ещё 2 предупреждения" in text
        assert "в работе" not in text


def _line(code: str, label: str, hour: int, previous: int) -> CategoryLine:
    return CategoryLine(code, label, hour, previous, hour)


def test_recommendations_rank_by_volume_and_say_why(store):
    base = compute_figures(store, END, "Краснодарский край")
    lines = (_line("water", "Водоснабжение", 8, 3),  # 3 → 8: under the minimum count, not news
             _line("storm", "Последствия непогоды", 30, 10),  # growth beyond chance (z = 6)
             _line("power", "Электроснабжение", 121, 118),  # no growth, but 121 an hour is most of the hour
             _line("roads", "Дороги", 14, 12))  # neither: small, no significant growth
    f = replace(base, categories=lines, hour_total=8 + 30 + 121 + 14, informed=(), overdue_answers=0,
                new_incidents=(), top_rates=())
    found = [n.replace("\u00a0", " ") for n in notes(f)]
    assert len(found) == 2
    assert found[0].startswith("Электроснабжение: 121 за час, +3 % (с 118 до 121)")
    assert found[0].endswith(f"Основание: {round(121 * 100 / 173)} % сообщений часа")
    assert found[1].startswith("Последствия непогоды: 30 за час, +200 % (с 10 до 30)")
    assert found[1].endswith("Основание: рост больше обычных колебаний")
    assert not any(n.startswith(("Водоснабжение", "Дороги")) for n in found)


def test_crisis_comes_from_the_typed_settings_not_old_keys(store):
    with store.session() as s:  # what an earlier version stored under its own keys: ignored now
        s.add_all([Setting(key="crisis_start", value=json.dumps("2026-11-20T00:00:00")),
                   Setting(key="crisis_name", value=json.dumps("Старое название"))])
    save_settings(store, with_values(load_settings(store), {"crisis_start": "2026-11-24T12:00:00+00:00",
                                                            "crisis_name": "Ураган «Вера»"}))
    f = compute_figures(store, END, "Краснодарский край")
    assert f.since == datetime(2026, 11, 24, 12, tzinfo=UTC) and f.crisis_name == "Ураган «Вера»"
    save_settings(store, with_values(load_settings(store), {"crisis_start": "", "crisis_name": ""}))
    f = compute_figures(store, END, "Краснодарский край")
    assert f.since is None and f.crisis_name is None


def test_one_template_environment_for_briefing_and_press_map(store):
    from app.common.templates import template_environment
    from maps.press.html import press_html

    env = template_environment()
    assert env.autoescape("briefing.html.j2") and env.filters["int"](1234) == "1\u00a0234"
    hostile = replace(compute_figures(store, END, "<h1>Край</h1>"), notes=("<script>alert(1)</script>",))
    html = render_html(hostile, None, None, "app://assets/")
    assert "<h1>Край" not in html and "&lt;h1&gt;Край&lt;/h1&gt;" in html and "<script>alert" not in html
    assert "Пункты помощи" in press_html([], "Пункты помощи", END)
    import maps.press.html as press

    assert not hasattr(press, "_environment")  # the press map has no environment of its own any more


# --- the PDF: written whole or not at all, errors as one Russian sentence ---------------------

def _make_pdf(store, out_dir: Path):
    from app.analytics.hourly import hourly_counts
    from app.queries.messages import messages_in
    from widgets.briefing.headless import make_briefing_files

    return make_briefing_files(store, END, messages_in(store, END - timedelta(hours=24), END),
                               hourly_counts(store, END - timedelta(hours=24), END), out_dir,
                               "Краснодарский край", formats=("pdf",))


def test_pdf_full_disk_keeps_the_previous_file(qtbot, fixture_store, small_disk):
    first = _make_pdf(fixture_store, small_disk)
    assert first.ok, first.errors
    path = Path(first.files["pdf"])
    before = path.read_bytes()
    assert before.startswith(b"%PDF") and len(PdfReader(path).pages) >= 1
    _fill(small_disk)
    second = _make_pdf(fixture_store, small_disk)
    (small_disk / "filler").unlink()
    assert not second.ok and second.errors == {
        "pdf": f"Нет места на диске: {path.name} не записан, прежний файл сохранён"}
    assert path.read_bytes() == before  # the previous file, byte for byte
    assert sorted(p.name for p in small_disk.iterdir()) == [path.name]  # no temporary leftovers


def test_maker_errors_name_no_exception_class():
    from app.common.files import OutputError
    from widgets.briefing.maker import _describe

    assert _describe(OutputError("Нет места на диске: a.pdf не записан, прежний файл сохранён")) == \
        "Нет места на диске: a.pdf не записан, прежний файл сохранён"
    assert not re.match(r"^\w+(Error|Exception)\b", _describe(ValueError("шаблон не найден")))
    assert _describe(PermissionError(13, "Permission denied")).startswith("ошибка записи")


def test_printing_puts_every_page_of_the_briefing_on_the_printer(qtbot, fixture_store, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QApplication

    from widgets.briefing.printing import PrintError, print_briefing, print_pdf

    made = _make_pdf(fixture_store, tmp_path)
    assert made.ok, made.errors
    source_pages = len(PdfReader(made.files["pdf"]).pages)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert print_pdf(made.files["pdf"], printer) == source_pages
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == source_pages
    with pytest.raises(PrintError, match=r"^Файл справки не найден"):
        print_pdf(tmp_path / "missing.pdf", printer)

    def accept() -> None:  # the operator presses «Печать» in the system's dialog
        dialog = QApplication.activeModalWidget()
        assert dialog is not None and dialog.windowTitle() == "Печать справки"
        dialog.accept()

    QTimer.singleShot(300, accept)
    printer.setOutputFileName(str(tmp_path / "dialog.pdf"))
    assert print_briefing(None, made.files["pdf"], printer) == \
        f"Справка отправлена на печать: {source_pages} страниц{'а' if source_pages == 1 else 'ы'}"
    assert len(PdfReader(tmp_path / "dialog.pdf").pages) == source_pages


# the small disk of test_warnings (a 2 MB tmpfs; root only)
@pytest.fixture
def small_disk(tmp_path):
    import os
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"tmpfs mount not allowed here: {result.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> None:
    with open(folder / "filler", "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError:
            pass


def test_the_briefing_map_gets_no_author_text_or_address():
    from app.queries.messages import MessageRow
    from widgets.briefing.stage import anonymous

    row = MessageRow(7, END, "vk", "Анна Смирнова", "Нет света, ул. Мира, 5, +7 918 000-11-22", "Армавир", None,
                     "ул. Мира, 5", "power", 45.0, 41.0)
    shown = anonymous(row)
    assert (shown.author, shown.address, shown.text) == (None, None, "")
    assert (shown.lat, shown.lon, shown.category, shown.settlement, shown.published_at) == (45.0, 41.0, "power",
                                                                                            "Армавир", END)
