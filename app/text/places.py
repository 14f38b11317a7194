"""Settlement, region and street address mentioned in a Russian message.

Words are matched against the gazetteer's case forms («в Горячем Ключе»,
«Новоросе», «на ЮМРе»). Forms that are also common words («Шахты», «Сева»)
need a capital letter; small such places also need a type word («пос.»,
«ст.»), and so do villages named like a street («х. Ленина»). Places named
like an ordinary adjective («Широкое») need a capital, a preposition or a type
word, and never modify the next noun («Штормовое предупреждение»). Streets
named after towns or people («ул. Армавирская», «на Кирова 12») are skipped; a
form before «район» names a district and gives only its region. A place after
«под» is a reference point when another place follows («под Таганрогом, в
Покровском»). Candidates are ranked by the regions the message talks about,
then the five home regions, then population. Unknown places stay unknown: no
region centre is ever guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.gazetteer.lookup import HOME_REGIONS, FormHit, Gazetteer, Settlement, gazetteer
from app.text.morph import normalize
from app.text.places_rules import (
    DISTRICT_NEXT,
    NEAR_MARKERS,
    PLACE_PREPOSITIONS,
    REGION_NEXT,
    SMALL_AMBIGUOUS,
    STREET_MARKERS,
    STREET_NEXT,
    STREET_SHAPED,
    TYPE_MARKERS,
    modifies_noun,
    street_address,
)

_WORD = re.compile(r"[А-Яа-яЁёA-Za-z0-9]+(?:-[А-Яа-яЁёA-Za-z0-9]+)*")
_BREAK = re.compile(r"[,;—–:!?(.]")
_HALF = "пол-"  # «пол-Крыма», «пол-Ростова»


@dataclass(frozen=True)
class PlaceMatch:
    """Where a message is about; None fields are unknown. ``spans`` are the place names' offsets."""

    settlement: str | None = None
    region: str | None = None
    lat: float | None = None
    lon: float | None = None
    kind: str | None = None
    address: str | None = None
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class _Word:
    text: str
    norm: str
    start: int
    end: int


@dataclass(frozen=True)
class _Mention:
    hits: tuple[FormHit, ...]
    position: int
    before: str  # the word before: «под», «около», «из» make the place a reference point
    span: tuple[int, int]

    @property
    def near(self) -> bool:
        return self.before in NEAR_MARKERS


def _words(text: str) -> list[_Word]:
    norm = normalize(text)  # same length as text: lower() and ё→е keep Cyrillic offsets
    out = []
    for match in _WORD.finditer(text):
        start, end = match.span()
        if norm.startswith(_HALF, start) and end - start > len(_HALF) + 2:
            start += len(_HALF)
        out.append(_Word(text[start:end], norm[start:end], start, end))
    return out


def _joined(words: list[_Word], i: int, text: str) -> bool:
    """Whether words i and i + 1 stand in one phrase (no punctuation between)."""
    return i + 1 < len(words) and not _BREAK.search(text[words[i].end:words[i + 1].start])


def _one_case(text: str) -> bool:
    return text.isupper() or text.islower()


def _allowed_case(words: list[_Word], i: int, text: str, home: bool) -> bool:
    """An ambiguous form counts when capitalised; the first word of a home-region message in any case."""
    word = words[i].text
    if i == 0 and home:
        return True
    if _one_case(text):
        return False
    return (word[0].isupper() and not word.isupper()) or (word.isupper() and len(word) > 1 and i == 0)


def _street_context(words: list[_Word], i: int, n: int, text: str) -> bool:
    before = words[i - 1].norm if i > 0 else ""
    after = words[i + n].norm if i + n < len(words) else ""
    shaped = STREET_SHAPED.search(words[i + n - 1].norm) is not None
    if before in STREET_MARKERS or (after in STREET_NEXT and shaped and _joined(words, i + n - 1, text)):
        return True
    gap = text[words[i - 2].end:words[i].start] if i > 1 else ","
    return i > 1 and words[i - 2].norm in STREET_MARKERS and not re.search(r"[,;—–:!?]", gap)


def _adjective_place(words: list[_Word], i: int, n: int, text: str) -> bool:
    """A place named like an adjective: not modifying the next noun, and marked as a name."""
    if _joined(words, i + n - 1, text) and modifies_noun(words[i].norm, words[i + n].norm):
        return False
    if i > 0 and (words[i - 1].norm in PLACE_PREPOSITIONS or words[i - 1].norm in TYPE_MARKERS):
        return True
    return i == 0 or (not _one_case(text) and words[i].text[0].isupper())


def _keeps(hit: FormHit, words: list[_Word], i: int, n: int, text: str) -> bool:
    before = words[i - 1].norm if i > 0 else ""
    after = words[i + n].norm if i + n < len(words) else ""
    typed = before in TYPE_MARKERS
    if hit.genitive_only and (before == "на" or after.isdigit()):
        return False
    if hit.person_named and not typed:
        return False
    if hit.ambiguous and not _allowed_case(words, i, text, hit.place.region in HOME_REGIONS):
        return False
    if hit.ambiguous and hit.place.population < SMALL_AMBIGUOUS and not typed:
        return False
    return not hit.adjective or _adjective_place(words, i, n, text)


def _district_region(hits: tuple[FormHit, ...]) -> str | None:
    """The region of a district named after a settlement («по Черноморскому району»), if unambiguous."""
    regions = {h.place.region for h in hits}
    plain = not any(h.ambiguous or h.adjective for h in hits)
    return regions.pop() if len(regions) == 1 and plain else None


def _match_at(words: list[_Word], i: int, text: str, gaz: Gazetteer,
              mentions: list[_Mention], regions: list[str]) -> int:
    """Record a region word, district or settlement starting at word i; the number of words it takes."""
    for n in range(min(gaz.span.get(words[i].norm, 0), len(words) - i), 0, -1):
        key = " ".join(w.norm for w in words[i:i + n])
        if key in gaz.region_forms:
            regions.append(gaz.region_forms[key])
            return n
        hits = gaz.forms.get(key)
        after = words[i + n].norm if i + n < len(words) else ""
        if hits and (after in REGION_NEXT or after in DISTRICT_NEXT):
            regions += [r for r in [_district_region(hits)] if r and after in DISTRICT_NEXT]
            return n
        kept = tuple(h for h in hits or () if _keeps(h, words, i, n, text))
        if kept and not _street_context(words, i, n, text):
            before = words[i - 1].norm if i > 0 else ""
            mentions.append(_Mention(kept, i, before, (words[i].start, words[i + n - 1].end)))
            return n
    return 1


def _scan(text: str, gaz: Gazetteer) -> tuple[list[_Mention], list[str]]:
    """Settlement mentions and region words, in reading order."""
    words = _words(text)
    mentions: list[_Mention] = []
    regions: list[str] = []
    i = 0
    while i < len(words):
        i += _match_at(words, i, text, gaz, mentions, regions)
    return mentions, regions


def _origin_only(mention: _Mention) -> bool:
    return mention.before == "из" and not any(h.place.region in HOME_REGIONS for h in mention.hits)


def _best(hits: tuple[FormHit, ...], context: set[str]) -> Settlement:
    return max((h.place for h in hits),
               key=lambda p: (p.region in context, p.region in HOME_REGIONS, p.population))


def _first(mentions: list[_Mention]) -> _Mention:
    """A plain name beats an earlier common word («на Северном в Ростове»); a reference point yields."""
    ranked = sorted(mentions, key=lambda m: (m.near, all(h.ambiguous for h in m.hits), m.position))
    return ranked[0]


def locate_text(text: str, region_hint: str | None = None, gaz: Gazetteer | None = None) -> PlaceMatch:
    """The first settlement the message names (ranked by region context), its region and address."""
    gaz = gaz or gazetteer()
    mentions, regions = _scan(text, gaz)
    context = set(regions) | ({region_hint} if region_hint else set())
    context |= {m.hits[0].place.region or "" for m in mentions if len({h.place.region for h in m.hits}) == 1}
    address, spans = street_address(text), tuple(m.span for m in mentions)
    # Coming «из Москвы» says where the writer is not; a home-region origin may still be the place.
    mentions = [m for m in mentions if not _origin_only(m)]
    if not mentions:
        return PlaceMatch(region=regions[0] if regions else None, address=address, spans=spans)
    place = _best(_first(mentions).hits, context)
    return PlaceMatch(place.name, place.region, place.lat, place.lon, place.kind, address, spans)
