"""Message category from Russian text: lexicon evidence over pymorphy3 lemmas.

Every word adds evidence to categories (app/text/lexicon.py), word pairs and
idioms add more (app/text/phrases.py), a negator next to a topic word
(«нет света», «без воды») strengthens it, ordered sequences («вода в домах»)
add more. Restored supply and gratitude without any trouble word («свет дали,
спасибо») make the message «other» and not a complaint; restored supply next
to another trouble («свет дали, а воды нет») stops counting. A first name
addressed at the start («Света, ты где?») is no evidence. The explanation lists
the words that decided.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from app.categories import label
from app.text.cues import (
    ASIDE_SHARE,
    ASIDE_WORDS,
    CAUSE_BOOST,
    CAUSE_WORDS,
    INDOOR_POINTS,
    indoor_temperature,
    sarcastic,
)
from app.text.lexicon_index import TokenInfo, analyze
from app.text.morph import analyzer, normalize, tokens
from app.text.phrases import PAIRS, SEQUENCES

MIN_SCORE = 2.0
NEGATION_BOOST = 1.0
SECONDARY_MIN = 2.5
SECONDARY_SHARE = 0.45

RESTORED_WINDOW = 2
_AFTER_NEGATORS = frozenset({"нет", "нету"})  # «света нет»; a «не» after a noun negates its verb
CONTRAST = frozenset({"а", "но", "зато", "однако", "хотя"})

_PAIRS_BY_WORD: dict[str, list[tuple[str, int, str, float]]] = defaultdict(list)
for _a, _b, _window, _category, _weight in PAIRS:
    _PAIRS_BY_WORD[_a].append((_b, _window, _category, _weight))
_SEQUENCES_BY_WORD: dict[str, list[tuple[tuple[str, ...], str, float]]] = defaultdict(list)
for _words, _category, _weight in SEQUENCES:
    _SEQUENCES_BY_WORD[_words[0].lstrip("=")].append((_words, _category, _weight))
_CLAUSE = re.compile(r"[,;:!?]+|\.(?:\s|$)|\s[—–-]\s")
_BOUNDARY = TokenInfo(",", (), (), False, False, False, False)
_VOCATIVE = re.compile(r"^\s*([А-ЯЁ][а-яё]+)\s*,")


@dataclass(frozen=True)
class Classification:
    """Category decision for one message."""

    category: str
    secondary: str | None
    confidence: float
    is_complaint: bool
    explanation: str


@dataclass
class _Scores:
    points: dict[str, float]
    words: dict[str, list[str]]
    restored: dict[str, float] = field(default_factory=dict)  # evidence next to «дали», «включили»

    def add(self, category: str, weight: float, word: str) -> None:
        self.points[category] = self.points.get(category, 0.0) + weight
        if weight > 0 and word not in self.words.setdefault(category, []):
            self.words[category].append(word)


@lru_cache(maxsize=10_000)
def _first_name(word: str) -> bool:
    return any("Name" in p.tag for p in analyzer().parse(word))


def _without_vocative(text: str) -> str:
    """«Света, ты где?»: a capitalised first name addressed at the start is nobody's power cut."""
    match = _VOCATIVE.match(text)
    return text[match.end():] if match and _first_name(match.group(1).lower()) else text


def message_tokens(text: str) -> list[TokenInfo]:
    """Token evidence of a raw message (glued words come out as two tokens).

    Clause punctuation stays as an empty token, so that word pairs and negation
    reach less far across it («нет холодной воды, горячая идёт»).
    """
    infos: list[TokenInfo] = []
    for number, clause in enumerate(_CLAUSE.split(normalize(_without_vocative(text)))):
        if number:
            infos.append(_BOUNDARY)
        infos += [info for token in tokens(clause) for info in analyze(token)]
    return infos


def _restored_at(infos: list[TokenInfo], negators: list[int]) -> list[int]:
    """Positions of «дали», «включили» not themselves negated («не дали»)."""
    return [j for j, info in enumerate(infos) if info.restored and j - 1 not in negators]


def _same_clause(infos: list[TokenInfo], i: int, j: int) -> bool:
    """Whether j is near i with no «а», «но» between («свет дали, а воды нет»)."""
    low, high = min(i, j), max(i, j)
    return high - low <= RESTORED_WINDOW and not any(t.surface in CONTRAST for t in infos[low + 1:high])


_ASIDE_MARKS = ASIDE_WORDS | {"еще"}


def _clause_shares(infos: list[TokenInfo], surfaces: set[str]) -> list[float]:
    """Weight share per token: ``ASIDE_SHARE`` in a clause with «тоже», «также», «ещё и», else 1."""
    shares, start = [1.0] * len(infos), 0
    if surfaces.isdisjoint(_ASIDE_MARKS):
        return shares
    for end in [*(i for i, t in enumerate(infos) if t is _BOUNDARY), len(infos)]:
        words = [t.surface for t in infos[start:end]]
        aside = any(w in ASIDE_WORDS for w in words) or any(
            a == "еще" and b == "и" for a, b in itertools.pairwise(words))
        for i in range(start, end):
            shares[i] = ASIDE_SHARE if aside else 1.0
        start = end + 1
    return shares


def _causes(infos: list[TokenInfo], surfaces: set[str]) -> set[int]:
    """Positions of the two words after «из-за»: the cause the message names."""
    if surfaces.isdisjoint(CAUSE_WORDS):
        return set()
    return {j for i, t in enumerate(infos) if t.surface in CAUSE_WORDS for j in (i + 1, i + 2)}


def _word_scores(infos: list[TokenInfo], scores: _Scores) -> None:
    negators = [i for i, info in enumerate(infos) if info.negator]
    restored = _restored_at(infos, negators)
    surfaces = {t.surface for t in infos}
    shares, causes, boosted = _clause_shares(infos, surfaces), _causes(infos, surfaces), set()
    for i, info in enumerate(infos):
        if not info.evidence:
            continue
        for category, weight in info.evidence:
            if i in causes and weight >= 2 and category not in boosted:
                boosted.add(category)
                scores.add(category, CAUSE_BOOST, info.surface)
        negated = any(-2 <= j - i < 0 or (j == i + 1 and infos[j].surface in _AFTER_NEGATORS) for j in negators)
        back = not negated and any(_same_clause(infos, i, j) for j in restored)
        for category, weight in info.evidence:
            boost = NEGATION_BOOST if negated and weight >= 2 else 0.0
            scores.add(category, (weight + boost) * shares[i], info.surface)
            if back and weight >= 2:
                scores.restored[category] = scores.restored.get(category, 0.0) + weight


def _matches(info: TokenInfo, key: str) -> bool:
    return info.surface == key[1:] if key.startswith("=") else key in info.keys


def _sequence_scores(infos: list[TokenInfo], scores: _Scores) -> None:
    for i, info in enumerate(infos):
        for key in info.keys:
            for words, category, weight in _SEQUENCES_BY_WORD.get(key, ()):
                span = infos[i:i + len(words)]
                if len(span) == len(words) and all(_matches(t, w) for t, w in zip(span, words, strict=True)):
                    scores.add(category, weight, " ".join(t.surface for t in span))


def _discount_restored(scores: _Scores) -> None:
    """«свет дали, а воды нет»: restored supply stops counting once another trouble is left."""
    rest = {c: p - scores.restored.get(c, 0.0) for c, p in scores.points.items()}
    if any(p >= MIN_SCORE for c, p in rest.items() if c not in scores.restored):
        scores.points = rest


def _pair_scores(infos: list[TokenInfo], scores: _Scores) -> None:
    positions: dict[str, list[int]] = defaultdict(list)
    for i, info in enumerate(infos):
        for key in info.keys:
            positions[key].append(i)
    for word in [w for w in positions if w in _PAIRS_BY_WORD]:
        places = positions[word]
        for other, window, category, weight in _PAIRS_BY_WORD[word]:
            if other not in positions:
                continue
            hits = [(i, j) for i in places for j in positions.get(other, ()) if 0 < abs(i - j) <= window]
            if hits:
                i, j = hits[0]
                scores.add(category, weight, f"{infos[min(i, j)].surface} … {infos[max(i, j)].surface}")


def score(text: str) -> tuple[dict[str, float], dict[str, list[str]], list[TokenInfo]]:
    """Evidence points and deciding words per category, plus the token evidence."""
    infos = message_tokens(text)
    scores = _Scores({}, {})
    _word_scores(infos, scores)
    _pair_scores(infos, scores)
    _sequence_scores(infos, scores)
    _discount_restored(scores)
    temperature = indoor_temperature(text)
    if temperature and scores.points.get("heating", 0.0) < MIN_SCORE:  # the only sign of a heating complaint
        scores.add("heating", INDOOR_POINTS, temperature)
    return scores.points, scores.words, infos


def _ranked(points: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(((c, p) for c, p in points.items() if p > 0), key=lambda cp: -cp[1])


def _confidence(top: float, second: float) -> float:
    strength = min(1.0, top / 6.0)
    margin = (top - second) / top if top else 0.0
    return round(0.35 + 0.6 * strength * (0.4 + 0.6 * margin), 2)


def _explain(category: str, words: list[str]) -> str:
    return f"{label(category)}: " + ", ".join(f"«{w}»" for w in words[:6])


def _other(infos: list[TokenInfo], why: str, thanks: bool) -> Classification:
    complaint = any(i.trouble for i in infos) and not thanks
    return Classification("other", None, 0.6, complaint, why)


def _partly_restored(infos: list[TokenInfo]) -> bool:
    """«дали только на первые этажи», «включили лишь в половине домов» (but «дали только что»)."""
    return any(info.restored and infos[j + 1].surface in ("только", "лишь") and infos[j + 2].surface != "что"
               for j, info in enumerate(infos[:-2]))


def classify(text: str) -> Classification:
    """Primary and secondary category, confidence, complaint flag and explanation."""
    points, words, infos = score(text)
    sarcasm = sarcastic(text)
    trouble = any(i.trouble for i in infos) or _partly_restored(infos) or sarcasm
    thanks = any(i.gratitude for i in infos) and not sarcasm
    if not trouble and "?" not in text and any(i.resolved or i.gratitude for i in infos):
        marker = next(i.surface for i in infos if i.resolved or i.gratitude)
        return Classification("other", None, 0.7, False, f"Прочее: благодарность или восстановление («{marker}»)")
    ranked = _ranked(points)
    if not ranked or ranked[0][1] < MIN_SCORE:
        return _other(infos, "Прочее: нет признаков категории", thanks)
    (top, top_points), rest = ranked[0], ranked[1:]
    second = rest[0] if rest else ("", 0.0)
    secondary = second[0] if second[1] >= max(SECONDARY_MIN, SECONDARY_SHARE * top_points) else None
    return Classification(top, secondary, _confidence(top_points, second[1]), True,
                          _explain(top, words.get(top, [])))
