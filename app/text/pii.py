"""Personal data out of quoted text (152-FZ): names, profile links, URLs, phones, e-mails.

Quotes in a briefing leave the operations centre, so whatever identifies a
person is replaced by a neutral mark. The rules are deliberately greedy: a
false positive costs a word of a quote, a false negative costs a breach.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "[…]"

_URL = re.compile(r"(?:https?://|www\.)\S+|\b(?:vk\.com|vk\.ru|t\.me|ok\.ru|dzen\.ru|max\.ru)/\S*", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MENTION = re.compile(r"(?<![\w@])@[\w.]{2,}")
_PROFILE_ID = re.compile(r"\[(?:id|club|public)\d+\|[^\]]*\]", re.IGNORECASE)  # VK mention markup
# Russian numbers: +7/8 and ten digits in the usual groupings, or a local «2-45-67»; dates stay.
_PHONE = re.compile(
    r"(?<![\w.])(?:(?:\+7|8|7)[\s\-]*)?\(?\d{3,5}\)?[\s\-]*\d{1,3}[\s\-]*\d{2}[\s\-]*\d{2}(?![\w.])"
    r"|(?<![\w.])\d{1,3}-\d{2}-\d{2}(?![\w.])"
)
_SPACES = re.compile(r"[ \t]{2,}")


def _stem_pattern(word: str) -> str:
    """A name word without its last letter (Пётр → Петра, Мария → Марии), ё and е alike."""
    stem = word[:-1] if len(word) >= 4 else word
    return "".join("[её]" if ch in "её" else re.escape(ch) for ch in stem.lower())


def _name_patterns(names: Iterable[str]) -> list[re.Pattern[str]]:
    """Each full name, and each of its words of three letters or more, as whole words."""
    words: set[str] = set()
    for name in names:
        name = (name or "").strip()
        if name:
            words.update(part for part in re.split(r"[\s.,]+", name) if len(part) >= 3)
    ordered = sorted(words, key=len, reverse=True)
    return [re.compile(rf"(?<!\w){_stem_pattern(word)}\w{{0,3}}(?!\w)", re.IGNORECASE) for word in ordered]


def scrub(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with personal data replaced by «[…]»; ``names`` are known authors' names.

    Name words match by stem with up to three extra letters so that Russian
    case endings («Сидорова», «Ивану», «Петра») are caught too.
    """
    result = _PROFILE_ID.sub(REDACTED, text)
    for pattern in (_URL, _EMAIL, _MENTION, _PHONE):
        result = pattern.sub(REDACTED, result)
    for pattern in _name_patterns(names):
        result = pattern.sub(REDACTED, result)
    result = re.sub(rf"(?:{re.escape(REDACTED)}[\s,]*){{2,}}", REDACTED + " ", result)
    return _SPACES.sub(" ", result).strip()


def contains_pii(text: str, names: Iterable[str] = ()) -> bool:
    """Whether ``scrub`` would change ``text`` (a check for tests and exports)."""
    return scrub(text, names) != _SPACES.sub(" ", text).strip()
