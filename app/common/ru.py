"""Russian text helpers: plural forms and dates."""

from __future__ import annotations

from datetime import datetime

MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)


def plural_form(n: int, one: str, few: str, many: str) -> str:
    """The form of a noun after ``n``: 1 сообщение, 2 сообщения, 5 сообщений, 21 сообщение."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def count_phrase(n: int, one: str, few: str, many: str) -> str:
    """``n`` with its noun, digits grouped by thin spaces: «1 204 сообщения»."""
    return f"{format_int(n)} {plural_form(n, one, few, many)}"


def messages(n: int) -> str:
    """«1 сообщение», «3 сообщения», «25 сообщений»."""
    return count_phrase(n, "сообщение", "сообщения", "сообщений")


def messages_word(n: int) -> str:
    return plural_form(n, "сообщение", "сообщения", "сообщений")


def format_int(n: int) -> str:
    """Digits grouped by a no-break space, as Russian typography does."""
    return f"{n:,}".replace(",", "\u00a0")


def signed_percent(change: float | None) -> str:
    if change is None:
        return "—"
    return f"{change:+.0f}\u00a0%".replace("-", "−")


def long_date(moment: datetime) -> str:
    return f"{moment.day} {MONTHS_GENITIVE[moment.month - 1]} {moment.year} г."
