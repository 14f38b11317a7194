"""Projection slides and the briefing archive view, driven by keys and clicks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.briefing.archive import record_briefing
from app.briefing.figures import compute_figures
from app.core import Core
from tests.fixtures import FIXTURE_START, fixture_total

END = FIXTURE_START + timedelta(hours=3)


@pytest.fixture
def figures(fixture_store):
    return compute_figures(fixture_store, END, "Краснодарский край")


def _png(qtbot, color: str) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QPixmap

    pixmap = QPixmap(320, 200)
    pixmap.fill(QColor(color))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pixmap.save(buffer, "PNG")
    return bytes(data.data())


def test_slides_follow_page_keys_and_escape_closes(qtbot, figures):
    from widgets.briefing.projection import ProjectionWindow

    window = ProjectionWindow(figures, _png(qtbot, "red"), _png(qtbot, "blue"))
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    first = window.stack.widget(0).text()
    assert "с 16:00 до 17:00 24.11.2026" in first and f">{fixture_total(2)}<" in first
    assert "жалоб без окончательного ответа" in first and "в работе" not in first  # the PDF's labels
    assert window.stack.count() == 4 and window.counter.text() == "1 / 4"
    for key, expected in ((Qt.Key.Key_PageDown, 1), (Qt.Key.Key_Right, 2), (Qt.Key.Key_PageDown, 3),
                          (Qt.Key.Key_PageDown, 3), (Qt.Key.Key_PageUp, 2), (Qt.Key.Key_Home, 0)):
        qtbot.keyClick(window, key)
        assert window.index == expected
    from widgets.briefing.projection import _ImageSlide

    image = window.stack.widget(1).findChild(_ImageSlide)
    assert image.pixmap().toImage().pixelColor(image.pixmap().width() // 2, image.pixmap().height() // 2).name() \
        == "#ff0000"
    titles = [w.findChildren(QLabel)[0].text() for w in (window.stack.widget(1), window.stack.widget(2))]
    assert titles == ["Карта обращений за час", "Динамика по часам"]  # the PDF's headings
    last = window.stack.widget(3).text()
    assert "Туапсе" in last and "Армавир" in last and "Новые и растущие инциденты" in last
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.isVisible()


def test_archive_view_lists_briefings_off_thread(qtbot, fixture_store, figures, tmp_path):
    from widgets.briefing.archive_view import BriefingArchiveView
    from widgets.tasks.worker import DbWorker

    record_briefing(fixture_store, figures, pdf_path=str(tmp_path / "missing.pdf"), docx_path=None)
    worker = DbWorker()
    view = BriefingArchiveView(Core(fixture_store), worker)
    qtbot.addWidget(view, before_close_func=lambda _w: worker.shutdown())
    view.refresh()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    model = view.model
    assert model.data(model.index(0, 0)) == "24.11.2026 16:00–17:00"
    assert model.data(model.index(0, 2)) == str(fixture_total(2))
    assert (model.data(model.index(0, 4)), model.data(model.index(0, 5))) == ("есть", "—")
    view.table.selectRow(0)
    assert view.selected() is not None and view.open_selected("pdf") is False  # the file is gone


def test_slides_say_and_more_when_lists_are_cut(qtbot, figures):
    from dataclasses import replace

    from widgets.briefing.projection import figures_html, places_html

    cut = replace(figures, notes=tuple(f"Рекомендация {i}" for i in range(7)), places_total=len(figures.top_places) + 5)
    assert "Рекомендация 3" in figures_html(cut) and "Рекомендация 4" not in figures_html(cut)
    assert "и ещё 3 рекомендации" in figures_html(cut) and "и ещё 5 территорий" in places_html(cut)
    hostile = replace(figures, region="<h1>Край</h1>")
    assert "<h1>Край" not in figures_html(hostile) and "&lt;h1&gt;" in figures_html(hostile)
