"""Personal data out of quotes (152-FZ) and representative quotes per topic."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.briefing.quotes import shorten, top_topics
from app.queries.messages import MessageRow
from app.text.pii import REDACTED, contains_pii, scrub


@pytest.mark.parametrize("secret", [
    "+7 918 123-45-67", "8 (861) 234-56-78", "89181234567", "2-45-67", "ivan.petrov@mail.ru",
    "https://vk.com/id12345", "vk.com/sidorov", "t.me/sidorov_krd", "www.example.ru/page", "@sidorov_krd",
    "[id12345|Иван]",
])
def test_contacts_and_links_are_removed(secret):
    text = f"Нет света с утра, пишите {secret} — ответьте"
    cleaned = scrub(text)
    assert secret not in cleaned and REDACTED in cleaned and cleaned.startswith("Нет света с утра")
    assert contains_pii(text)


def test_author_names_are_removed_in_any_case_form():
    names = ["Иван Петрович Сидоров", "Пётр Кукушкин"]
    text = "Сидорову И. П. и Ивану Петровичу передайте, а Петра Кукушкина с ул. Мира просили не беспокоить"
    cleaned = scrub(text, names)
    for word in ("Сидоров", "Иван", "Петрович", "Петр", "Кукушкин"):
        assert word.lower() not in cleaned.lower(), word
    assert "ул. Мира" in cleaned


def test_dates_times_and_house_numbers_stay():
    text = "Свет отключили 24.11.2026 в 14:00, дом 15, без света 120 домов"
    assert scrub(text) == text and not contains_pii(text)


def test_quotes_are_short_distinct_scrubbed_and_deterministic():
    now = datetime(2026, 11, 24, 13, tzinfo=UTC)
    texts = ["Нет света на улице Ленина уже три часа, звоните +7 918 000-11-22",
             "Нет света на улице Ленина уже три часа, звоните +7 918 000-11-22",
             "Нет света во всём квартале, холодно, дети мёрзнут " + "очень " * 40,
             "Упало дерево на провода, нет света", "ок"]
    rows = [MessageRow(i, now, "vk", "Анна Смирнова", t, "Армавир", None, None, "power", None, None)
            for i, t in enumerate(texts)] + [MessageRow(9, now, "vk", None, "Спасибо!", None, None, None, "other",
                                                         None, None)]
    topics = top_topics(rows)
    assert [(t.code, t.count) for t in topics] == [("power", 5)]  # «other» is not a complaint topic
    quotes = topics[0].quotes
    assert 2 <= len(quotes) <= 3 and len(set(quotes)) == len(quotes)
    assert all(len(q) <= 160 and "918" not in q and "Смирнов" not in q for q in quotes)
    assert top_topics(list(reversed(rows))) == topics
    assert shorten("слово " * 100).endswith("…")
