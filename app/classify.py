"""Message category from Russian text: lexicon evidence over pymorphy3 lemmas.

Every word adds evidence to categories (app/lexicon.py), word pairs and
idioms add more (app/lexicon_phrases.py), a negator next to a topic word
(«нет света», «без воды») strengthens it. Restored supply and gratitude
without any trouble word («свет дали, спасибо») make the message «other» and
not a complaint. The explanation lists the words that decided.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from app.categories import label
from app.lexicon_index import TokenInfo, analyze
from app.lexicon_phrases import PAIRS
from app.morph import normalize, tokens

MIN_SCORE = 2.0
NEGATION_BOOST = 1.0
SECONDARY_MIN = 2.5
SECONDARY_SHARE = 0.45

_PAIRS_BY_WORD: dict[str, list[tuple[str, int, str, float]]] = defaultdict(list)
for _a, _b, _window, _category, _weight in PAIRS:
    _PAIRS_BY_WORD[_a].append((_b, _window, _category, _weight))


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

    def add(self, category: str, weight: float, word: str) -> None:
        self.points[category] = self.points.get(category, 0.0) + weight
        if weight > 0 and word not in self.words.setdefault(category, []):
            self.words[category].append(word)


def message_tokens(text: str) -> list[TokenInfo]:
    """Token evidence of a raw message (glued words come out as two tokens)."""
    return [info for token in tokens(normalize(text)) for info in analyze(token)]


def _word_scores(infos: list[TokenInfo], scores: _Scores) -> None:
    negators = [i for i, info in enumerate(infos) if info.negator]
    for i, info in enumerate(infos):
        if not info.evidence:
            continue
        negated = any(-2 <= j - i <= 1 and j != i for j in negators)
        for category, weight in info.evidence:
            boost = NEGATION_BOOST if negated and weight >= 2 else 0.0
            scores.add(category, weight + boost, info.surface)


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
    return scores.points, scores.words, infos


def _ranked(points: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(((c, p) for c, p in points.items() if p > 0), key=lambda cp: -cp[1])


def _confidence(top: float, second: float) -> float:
    strength = min(1.0, top / 6.0)
    margin = (top - second) / top if top else 0.0
    return round(0.35 + 0.6 * strength * (0.4 + 0.6 * margin), 2)


def _explain(category: str, words: list[str]) -> str:
    return f"{label(category)}: " + ", ".join(f"«{w}»" for w in words[:6])


def _other(infos: list[TokenInfo], why: str) -> Classification:
    complaint = any(i.trouble for i in infos) and not any(i.gratitude for i in infos)
    return Classification("other", None, 0.6, complaint, why)


def classify(text: str) -> Classification:
    """Primary and secondary category, confidence, complaint flag and explanation."""
    points, words, infos = score(text)
    trouble = any(i.trouble for i in infos)
    if not trouble and "?" not in text and any(i.resolved or i.gratitude for i in infos):
        marker = next(i.surface for i in infos if i.resolved or i.gratitude)
        return Classification("other", None, 0.7, False, f"Прочее: благодарность или восстановление («{marker}»)")
    ranked = _ranked(points)
    if not ranked or ranked[0][1] < MIN_SCORE:
        return _other(infos, "Прочее: нет признаков категории")
    (top, top_points), rest = ranked[0], ranked[1:]
    second = rest[0] if rest else ("", 0.0)
    secondary = second[0] if second[1] >= max(SECONDARY_MIN, SECONDARY_SHARE * top_points) else None
    return Classification(top, secondary, _confidence(top_points, second[1]), True,
                          _explain(top, words.get(top, [])))
