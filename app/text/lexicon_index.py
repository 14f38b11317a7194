"""Per-token evidence for the classifier, cached: lexicon hits, typos, glued words.

A token is looked up by its surface form and its lemma. Unknown words get two
more chances: a typo repair against every inflected form of the lexicon words
(one edit, SymSpell-style deletion index) and a split of words written without
a space («несвета», «интернетнет»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from app.text.lexicon import LEXICON, keyed_by_word
from app.text.morph import analyzer, is_known, lemma
from app.text.phrases import GRATITUDE, NEGATORS, NO_FUZZY, RESOLVED, TROUBLE

_MIN_FUZZY = 5


@dataclass(frozen=True)
class TokenInfo:
    """What one word contributes: words for pairs, category evidence and flags."""

    surface: str
    keys: tuple[str, ...]
    evidence: tuple[tuple[str, float], ...]
    trouble: bool
    resolved: bool
    gratitude: bool
    negator: bool
    restored: bool = False  # a resolution word in the past tense: «дали», «включили»


@lru_cache(maxsize=1)
def _evidence_index() -> dict[str, tuple[tuple[str, float], ...]]:
    return keyed_by_word()


@lru_cache(maxsize=1)
def _fuzzy_index() -> dict[str, list[tuple[str, str]]]:
    """Deletion variant (and the form itself) → (form, lexicon word), over all inflected forms."""
    index: dict[str, list[tuple[str, str]]] = {}
    morph = analyzer()
    for word in {w for words in LEXICON.values() for w in words}:
        forms = {f.word.replace("ё", "е") for f in morph.parse(word)[0].lexeme} | {word}
        for form in (f for f in forms if len(f) >= _MIN_FUZZY):
            for variant in (form, *_deletions(form)):
                index.setdefault(variant, []).append((form, word))
    return index


def _deletions(word: str) -> list[str]:
    return [word[:i] + word[i + 1:] for i in range(len(word))]


def _fuzzy(token: str) -> str | None:
    if len(token) < _MIN_FUZZY - 1 or token in NO_FUZZY:
        return None
    index = _fuzzy_index()
    # A four-letter token is only repaired by a missing letter («свта» → «света»).
    variants = (token,) if len(token) < _MIN_FUZZY else (token, *_deletions(token))
    found = [hit for variant in variants for hit in index.get(variant, ())]
    if not found:
        return None
    # Same-length repairs first: «атопления» is «отопления», not «затопления».
    return min(found, key=lambda hit: (abs(len(hit[0]) - len(token)), hit[0]))[1]


def _info(token: str, keys: tuple[str, ...]) -> TokenInfo:
    evidence: dict[str, float] = {}
    for key in keys:
        for category, weight in _evidence_index().get(key, ()):
            evidence[category] = max(evidence.get(category, 0.0), weight)
    flags = set(keys)
    resolved = bool(flags & RESOLVED) and not _imperative(token)  # «свет дайте!» demands, «дали» restores
    return TokenInfo(token, keys, tuple(evidence.items()), bool(flags & TROUBLE), resolved,
                     bool(flags & GRATITUDE), bool(flags & NEGATORS), resolved and _past(token))


def _imperative(token: str) -> bool:
    return analyzer().parse(token)[0].tag.mood == "impr"


def _past(token: str) -> bool:
    return analyzer().parse(token)[0].tag.tense == "past"


def _known_info(token: str) -> TokenInfo:
    base = lemma(token)
    return _info(token, (token,) if base == token else (token, base))


def _split(token: str) -> tuple[TokenInfo, ...] | None:
    """Two words glued together, at least one of them carrying evidence or negation."""
    for i in range(2, len(token) - 1):
        left, right = token[:i], token[i:]
        if not (is_known(left) and is_known(right)):
            continue
        parts = (_known_info(left), _known_info(right))
        if any(p.evidence for p in parts) and any(p.negator or p.evidence for p in parts):
            return parts
    return None


_TAIL = re.compile(r"-(?:то|таки|ка|\d+)$")  # «холодную-то», «МЦД-1»: the word carries the evidence


@lru_cache(maxsize=200_000)
def analyze(token: str) -> tuple[TokenInfo, ...]:
    """Evidence of a normalised token (usually one TokenInfo; two for glued words)."""
    bare = _TAIL.sub("", token)
    if bare != token and bare:
        return tuple(replace(info, surface=token) for info in analyze(bare))
    if is_known(token) or not token.isalpha():
        return (_known_info(token),)
    repaired = _fuzzy(token)
    if repaired is not None:
        return (_info(token, (token, repaired)),)
    return _split(token) or (_known_info(token),)
