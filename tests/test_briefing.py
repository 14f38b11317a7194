"""The PDF briefing: written by QtWebEngine, read back, figures checked independently."""

from __future__ import annotations

from datetime import timedelta

from pypdf import PdfReader

from app.queries import hourly_counts, messages_in
from tests.fixtures import AUTHOR, FIXTURE_COUNTS, FIXTURE_START, PHONE


def _pdf_text(path: str) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(text.replace(" :", ":").replace("( ", "(").replace(" )", ")").split())


def _embedded_fonts(path: str) -> set[str]:
    fonts = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object().get("/FontDescriptor") or {}
            descendant = font.get_object().get("/DescendantFonts")
            if descendant:
                descriptor = descendant[0].get_object()["/FontDescriptor"]
            if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                fonts.add(str(descriptor["/FontName"]))
    return fonts


def test_briefing_pdf_has_the_fixture_figures(qtbot, fixture_store, tmp_path):
    from widgets.headless_briefing import make_briefing

    end = FIXTURE_START + timedelta(hours=3)  # the hour 16:00-17:00 local, fixture hour index 2
    start = end - timedelta(hours=24)
    path, ok = make_briefing(fixture_store, end, messages_in(fixture_store, start, end),
                             hourly_counts(fixture_store, start, end), tmp_path)
    assert ok, path
    text = _pdf_text(path)
    hour = {code: counts[2] for code, counts in FIXTURE_COUNTS.items()}
    previous = sum(counts[1] for counts in FIXTURE_COUNTS.values())
    window = sum(sum(counts[:3]) for counts in FIXTURE_COUNTS.values())
    assert "с 16:00 до 17:00 24.11.2026" in text
    assert "Справка оперативного штаба: Краснодарский край" in text
    assert f"{sum(hour.values())} сообщений за час" in text
    assert f"Электроснабжение {hour['power']}" in text
    assert f"Водоснабжение {hour['water']}" in text
    assert f"Подтопления {hour['flood']}" in text
    assert str(previous) in text and str(window) in text
    assert AUTHOR not in text and PHONE not in text and "vk.com" not in text
    assert any("PTSans" in name.replace(" ", "") for name in _embedded_fonts(path))
