"""Scanning a message for settlement forms and region words (the rules; ranking is in places.py).

Words are matched against the gazetteer's case forms («в Горячем Ключе»,
«Новоросе», «на ЮМРе»), longest first. Forms that are also common words
(«Шахты», «Сева») need a capital letter; small such places also need a type word
(«пос.», «ст.»), and so do villages named like a street («х. Ленина»). Small
places outside the centre's regions must be written as names (capitalised, or
after «в», «пос.»). Places named like an adjective («Широкое», «Холмский») never
modify the next noun («Штормовое предупреждение», «Холмский перевал»), and a
form right after a capitalised adjective agreeing with it is part of a longer
name the gazetteer lacks («Большая Елань» is not Елань). Streets named after
towns or people («ул. Армавирская», «на Кирова 12») are skipped; a form before
«район» names a district and gives only its region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from app.gazetteer.lookup import FormHit, Gazetteer
from app.text.morph import analyzer, normalize
from app.text.places_rules import (
    ADJECTIVE_ENDING,
    DISTRICT_NEXT,
    MOTION,
    NEAR_MARKERS,
    PLACE_PREPOSITIONS,
    REGION_NEXT,
    SMALL_AMBIGUOUS,
    SMALL_PLACE,
    STREET_MARKERS,
    STREET_NEXT,
    STREET_SHAPED,
    TYPE_MARKERS,
    modifies_noun,
)

_WORD = re.compile(r"[А-Яа-яЁёA-Za-z0-9]+(?:-[А-Яа-яЁёA-Za-z0-9]+)*")
_BREAK = re.compile(r"[,;—–:!?(.]")
_HEADER = re.compile(r"\s*[,;—–:(]")  # «Курган, Заозёрный: …», «Бор — паром не ходит»
_HALF = "пол-"  # «пол-Крыма», «пол-Ростова»


class Word(NamedTuple):
    text: str
    norm: str
    start: int
    end: int


@dataclass
class Mention:
    """Settlements one written form may stand for, where it stands and what marks it."""

    hits: tuple[FormHit, ...]
    position: int
    end: int  # the word after the form
    near: bool  # a reference point: «под Таганрогом», «приехали из Москвы»
    origin: bool  # «приехали из Москвы»: where the writer is not
    span: tuple[int, int]
    qualified: bool = False  # a region named right after it, or a header «Бор — …»

    @property
    def ambiguous(self) -> bool:
        return all(h.ambiguous for h in self.hits) and not self.qualified


def words_of(text: str, norm: str | None = None, matches: list[re.Match[str]] | None = None) -> list[Word]:
    """The words of ``text`` with their normalised forms and offsets («пол-Крыма» is «Крыма»)."""
    norm = normalize(text) if norm is None else norm  # same length as text: lower() and ё→е keep offsets
    out = []
    half = _HALF in norm
    for match in _WORD.finditer(norm) if matches is None else matches:
        start, end = match.span()
        if half and norm.startswith(_HALF, start) and end - start > len(_HALF) + 2:
            start += len(_HALF)
        out.append(Word(text[start:end], norm[start:end], start, end))
    return out


def _joined(words: list[Word], i: int, text: str) -> bool:
    """Whether words i and i + 1 stand in one phrase (no punctuation between)."""
    return i + 1 < len(words) and not _BREAK.search(text[words[i].end:words[i + 1].start])


def _one_case(text: str) -> bool:
    return text.isupper() or text.islower()


def _allowed_case(words: list[Word], i: int, text: str, home: bool) -> bool:
    """An ambiguous form counts when capitalised; the first word of a home-region message in any case."""
    word = words[i].text
    if i == 0 and home:
        return True
    if _one_case(text):
        return False
    return (word[0].isupper() and not word.isupper()) or (word.isupper() and len(word) > 1 and i == 0)


def _street_context(words: list[Word], i: int, n: int, text: str) -> bool:
    before = words[i - 1].norm if i > 0 else ""
    after = words[i + n].norm if i + n < len(words) else ""
    shaped = STREET_SHAPED.search(words[i + n - 1].norm) is not None
    if before in STREET_MARKERS or (after in STREET_NEXT and shaped and _joined(words, i + n - 1, text)):
        return True
    gap = text[words[i - 2].end:words[i].start] if i > 1 else ","
    return (i > 1 and words[i - 2].norm in STREET_MARKERS and before not in PLACE_PREPOSITIONS
            and not re.search(r"[,;—–:!?]", gap))


def _adjective_place(words: list[Word], i: int, n: int, text: str) -> bool:
    """A place named like an ordinary adjective: not modifying the next noun, and marked as a name."""
    if _joined(words, i + n - 1, text) and i + n < len(words) and modifies_noun(words[i].norm, words[i + n].norm):
        return False
    if i > 0 and (words[i - 1].norm in PLACE_PREPOSITIONS or words[i - 1].norm in TYPE_MARKERS):
        return True
    return i == 0 or (not _one_case(text) and words[i].text[0].isupper())


def _modifies_next(words: list[Word], i: int, n: int, text: str) -> bool:
    """«Холмский перевал», «Нового года»: an adjective-shaped form agreeing with the next noun.

    After «в», «из», «станица», «пгт» it is the place («в станице Динской подвал затопило»).
    """
    before = words[i - 1].norm if i > 0 else ""
    if before in PLACE_PREPOSITIONS or before in TYPE_MARKERS:
        return False
    return (n == 1 and ADJECTIVE_ENDING.search(words[i].norm) is not None and _joined(words, i, text)
            and modifies_noun(words[i].norm, words[i + 1].norm))


def _longer_name(words: list[Word], i: int, text: str) -> bool:
    """«Большая Елань»: a capitalised adjective agreeing with the form makes a name the gazetteer lacks."""
    if i == 0 or _one_case(text) or not _joined(words, i - 1, text):
        return False
    before = words[i - 1]
    sentence_start = i - 1 == 0 or re.search(r"[.!?]\s*$", text[:before.start]) is not None
    return (before.text[0].isupper() and not before.text.isupper() and not sentence_start
            and modifies_noun(before.norm, words[i].norm))


@lru_cache(maxsize=20_000)
def _finite_verb(word: str) -> bool:
    return analyzer().parse(word)[0].tag.POS == "VERB"


def _written_as_name(words: list[Word], i: int, text: str) -> bool:
    """Capitalised in a text of mixed case, or after «в», «из», «с.», «пос.» in a text of one case."""
    before = words[i - 1].norm if i > 0 else ""
    if before in TYPE_MARKERS:
        return True
    if _one_case(text):
        return before in PLACE_PREPOSITIONS
    return words[i].text[0].isupper()


@dataclass
class Scan:
    """One message being scanned: its words, the centre's regions, the indexes, what was found."""

    text: str
    words: list[Word]
    home: frozenset[str]
    indexes: tuple[Gazetteer, ...]  # the pack's settlements first, then the national gazetteer
    mentions: list[Mention] = field(default_factory=list)
    regions: list[tuple[int, str]] = field(default_factory=list)  # (word position, subject)

    def keeps(self, hit: FormHit, i: int, n: int) -> bool:
        """Whether this reading of the form at words i..i+n stands for ``hit``'s place."""
        words, text = self.words, self.text
        before = words[i - 1].norm if i > 0 else ""
        after = words[i + n].norm if i + n < len(words) else ""
        typed = before in TYPE_MARKERS
        local = hit.place.region in self.home or hit.place.municipality is not None
        if hit.genitive_only and (before == "на" or after.isdigit()):
            return False
        if (hit.person_named and not typed) or (hit.ambiguous and not _allowed_case(words, i, text, local)):
            return False
        if not local and hit.place.population < SMALL_PLACE and not _written_as_name(words, i, text):
            return False
        if hit.ambiguous and hit.place.population < SMALL_AMBIGUOUS and not typed:
            return False
        if hit.ambiguous and not local and not self.set_apart(i, n):  # «Зима пришла» is the season
            return False
        return not hit.adjective or _adjective_place(words, i, n, text)

    def set_apart(self, i: int, n: int) -> bool:
        """Not a common word opening a sentence as its subject («Зима пришла»; but «Апатиты без воды»)."""
        words, text = self.words, self.text
        sentence_start = i == 0 or re.search(r"[.!?]\s*$", text[:words[i].start]) is not None
        if not sentence_start or i + n >= len(words) or not _joined(words, i + n - 1, text):
            return True
        return not _finite_verb(words[i + n].norm)

    def longest(self, i: int) -> int:
        norm = self.words[i].norm
        most = max(g.span.get(norm, 0) for g in self.indexes) if len(self.indexes) > 1 else \
            self.indexes[0].span.get(norm, 0)
        return min(most, len(self.words) - i)

    def hits(self, key: str) -> tuple[FormHit, ...] | None:
        """The pack's settlements of that form when it has any, else the gazetteer's."""
        return next((found for g in self.indexes if (found := g.forms.get(key))), None)

    def region_form(self, key: str) -> str | None:
        return self.indexes[-1].region_forms.get(key)

    def mention(self, hits: tuple[FormHit, ...], i: int, n: int) -> Mention:
        words = self.words
        before = words[i - 1].norm if i > 0 else ""
        origin = before == "из" and i > 1 and words[i - 2].norm in MOTION
        header = i == 0 and _HEADER.match(self.text[words[n - 1].end:]) is not None
        return Mention(hits, i, i + n, before in NEAR_MARKERS or origin, origin,
                       (words[i].start, words[i + n - 1].end), header)


def _district_region(hits: tuple[FormHit, ...]) -> str | None:
    """The region of a district named after a settlement («по Черноморскому району»), if unambiguous."""
    regions = {h.place.region for h in hits}
    plain = not any(h.ambiguous or h.adjective for h in hits)
    return regions.pop() if len(regions) == 1 and plain else None


def _match_at(scan: Scan, i: int) -> int:
    """Record a region word, district or settlement starting at word i; the number of words it takes."""
    words, text = scan.words, scan.text
    for n in range(scan.longest(i), 0, -1):
        key = " ".join(w.norm for w in words[i:i + n])
        region = scan.region_form(key)
        if region is not None:
            scan.regions.append((i, region))
            return n
        hits = scan.hits(key)
        if not hits:
            continue
        after = words[i + n].norm if i + n < len(words) else ""
        if after in REGION_NEXT or after in DISTRICT_NEXT:
            scan.regions += [(i, r) for r in [_district_region(hits)] if r and after in DISTRICT_NEXT]
            return n
        if _modifies_next(words, i, n, text) or _longer_name(words, i, text) or _street_context(words, i, n, text):
            continue
        kept = tuple(h for h in hits if scan.keeps(h, i, n))
        if kept:
            scan.mentions.append(scan.mention(kept, i, n))
            return n
    return 1


def scan_text(text: str, home: frozenset[str], indexes: tuple[Gazetteer, ...]) -> Scan:
    """Settlement mentions and region words, in reading order; a region right after a place qualifies it."""
    first = indexes[0].span if len(indexes) == 1 else {k: 1 for g in indexes for k in g.span}
    norm = normalize(text)
    matches = list(_WORD.finditer(norm))
    if _HALF not in norm and not any(m.group() in first for m in matches):  # most words name nothing
        return Scan(text, [], home, indexes)
    scan = Scan(text, words_of(text, norm, matches), home, indexes)
    i, count = 0, len(scan.words)
    while i < count:
        i += _match_at(scan, i) if scan.words[i].norm in first else 1
    starts = {position for position, _region in scan.regions}
    for mention in scan.mentions:
        mention.qualified = mention.qualified or mention.end in starts
    return scan
