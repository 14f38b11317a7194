"""Russian plural forms and figures formatting."""

from __future__ import annotations

import pytest

from app.common import ru


@pytest.mark.parametrize(("n", "word"), [
    (0, "сообщений"), (1, "сообщение"), (2, "сообщения"), (4, "сообщения"), (5, "сообщений"),
    (11, "сообщений"), (12, "сообщений"), (14, "сообщений"), (21, "сообщение"), (22, "сообщения"),
    (101, "сообщение"), (111, "сообщений"), (1004, "сообщения"),
])
def test_plural_forms(n, word):
    assert ru.messages_word(n) == word


def test_grouped_digits_and_percent():
    assert ru.messages(1204) == "1\u00a0204 сообщения"
    assert ru.signed_percent(-70.0) == "−70\u00a0%"
    assert ru.signed_percent(None) == "—"
