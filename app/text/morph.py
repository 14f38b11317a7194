"""Russian morphology for the text pipeline: one pymorphy3 analyzer, cached lemmas.

pymorphy3 loads in ~0.1 s and lemmatises ~1,300 messages/s uncached; message
vocabulary repeats heavily, so lemmas are cached per token and the hot path is
a dictionary lookup.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pymorphy3

_TOKEN = re.compile(r"[а-яёa-z0-9]+(?:-[а-яёa-z0-9]+)*")
_CACHE: dict[str, str] = {}


@lru_cache(maxsize=1)
def analyzer() -> pymorphy3.MorphAnalyzer:
    """The process-wide analyzer (loading it twice costs memory and time)."""
    return pymorphy3.MorphAnalyzer()


def normalize(text: str) -> str:
    """Lower case with ё folded to е, the way people and lexicons disagree on it."""
    return text.lower().replace("ё", "е")


def tokens(text: str) -> list[str]:
    """Word tokens of already normalised text; hyphenated words stay whole."""
    return _TOKEN.findall(text)


def lemma(token: str) -> str:
    """Normal form of a normalised token (cached; ё folded to е)."""
    cached = _CACHE.get(token)
    if cached is None:
        cached = normalize(analyzer().parse(token)[0].normal_form)
        if len(_CACHE) < 500_000:
            _CACHE[token] = cached
    return cached


def lemmas(text: str) -> list[str]:
    """Lemmas of the tokens of normalised ``text``."""
    return [lemma(t) for t in tokens(text)]


def is_known(token: str) -> bool:
    """Whether the dictionary knows the word (unknown ones may be typos or glued words)."""
    return bool(analyzer().word_is_known(token))


def wordset(block: str) -> frozenset[str]:
    """Whitespace-separated words of a data block (word lists in lexicon modules)."""
    return frozenset(block.split())
