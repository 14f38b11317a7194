"""Short representative quotes per topic, with personal data removed."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from app import categories
from app.queries.messages import MessageRow
from app.text.pii import REDACTED, scrub

MAX_QUOTE_CHARS = 160
_WORD = re.compile(r"[а-яё]{4,}", re.IGNORECASE)


@dataclass(frozen=True)
class Topic:
    """A topic of the hour: a category, its message count and a few quotes."""

    code: str
    label: str
    count: int
    quotes: tuple[str, ...]


def shorten(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with «…»."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—- ")
    return cut + "…"


def _typicality(text: str, common: Counter[str]) -> int:
    return sum(common[word] for word in set(_WORD.findall(text.lower())))


def representative(rows: Sequence[MessageRow], names: Sequence[str], per_topic: int = 3) -> tuple[str, ...]:
    """Up to ``per_topic`` distinct scrubbed quotes whose words are most typical of ``rows``.

    Deterministic: ties go to the earlier message id.
    """
    common: Counter[str] = Counter()
    for row in rows:
        common.update(set(_WORD.findall(row.text.lower())))
    ranked = sorted(rows, key=lambda r: (-_typicality(r.text, common), r.id))
    quotes: list[str] = []
    for row in ranked:
        quote = shorten(scrub(row.text, names))
        if len(quote.replace(REDACTED, "").strip()) >= 15 and quote not in quotes:
            quotes.append(quote)
        if len(quotes) == per_topic:
            break
    return tuple(quotes)


def topic_count(rows: Sequence[MessageRow]) -> int:
    """How many complaint categories ``rows`` hold (``top_topics`` shows the first few)."""
    return len({row.category for row in rows if row.category != "other"})


def top_topics(rows: Sequence[MessageRow], limit: int = 3, per_topic: int = 3) -> tuple[Topic, ...]:
    """The ``limit`` most frequent complaint categories of ``rows`` with their quotes."""
    names = sorted({row.author for row in rows if row.author})
    by_code: dict[str, list[MessageRow]] = {}
    for row in rows:
        by_code.setdefault(row.category, []).append(row)
    ranked = sorted((code for code in by_code if code != "other"), key=lambda c: (-len(by_code[c]), c))
    return tuple(
        Topic(code, categories.label(code), len(by_code[code]), representative(by_code[code], names, per_topic))
        for code in ranked[:limit]
    )
