"""Settlement, region and street address mentioned in a Russian message.

Words are matched against the gazetteer's case forms («в Горячем Ключе»,
«Новоросе», «ЮМР»). Forms that are also common words («Шахты», «Сева») need
a capital letter; small such places also need a type word («пос.», «ст.»).
Streets named after towns or people («ул. Армавирская», «на Кирова 12») are
skipped. Candidates are ranked by the regions the message talks about, then
the five home regions, then population. Unknown places stay unknown: no
region centre is ever guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.gazetteer import HOME_REGIONS, FormHit, Gazetteer, Settlement, gazetteer
from app.morph import normalize
from app.places_rules import (
    NEXT_BLOCKERS,
    SMALL_AMBIGUOUS,
    STREET_MARKERS,
    TYPE_MARKERS,
    street_address,
)

_WORD = re.compile(r"[А-Яа-яЁёA-Za-z0-9]+(?:-[А-Яа-яЁёA-Za-z0-9]+)*")


@dataclass(frozen=True)
class PlaceMatch:
    """Where a message is about; None fields are unknown."""

    settlement: str | None = None
    region: str | None = None
    lat: float | None = None
    lon: float | None = None
    kind: str | None = None
    address: str | None = None


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


def _words(text: str) -> list[_Word]:
    norm = normalize(text)  # same length as text: lower() and ё→е keep Cyrillic offsets
    return [_Word(m.group(), norm[m.start():m.end()], m.start(), m.end()) for m in _WORD.finditer(text)]


def _allowed_case(words: list[_Word], i: int, text: str, home: bool) -> bool:
    """An ambiguous form counts when capitalised (or, in the home regions, opening a one-case message)."""
    word = words[i].text
    if text.isupper() or text.islower():
        return i == 0 and home
    return (word[0].isupper() and not word.isupper()) or (word.isupper() and len(word) > 1 and i == 0)


def _street_context(words: list[_Word], i: int, n: int, text: str) -> bool:
    before = words[i - 1].norm if i > 0 else ""
    after = words[i + n].norm if i + n < len(words) else ""
    joined = i + n < len(words) and not re.search(r"[,;—–:!?(]", text[words[i + n - 1].end:words[i + n].start])
    if before in STREET_MARKERS or (after in NEXT_BLOCKERS and joined):
        return True
    gap = text[words[i - 2].end:words[i].start] if i > 1 else ","
    return i > 1 and words[i - 2].norm in STREET_MARKERS and not re.search(r"[,;—–:!?]", gap)


def _acceptable(words: list[_Word], i: int, n: int, hits: tuple[FormHit, ...], text: str) -> tuple[FormHit, ...]:
    before = words[i - 1].norm if i > 0 else ""
    after = words[i + n].norm if i + n < len(words) else ""
    kept = []
    for hit in hits:
        if hit.genitive_only and (before == "на" or after.isdigit()):
            continue
        if hit.ambiguous and not _allowed_case(words, i, text, hit.place.region in HOME_REGIONS):
            continue
        if hit.ambiguous and hit.place.population < SMALL_AMBIGUOUS and before not in TYPE_MARKERS:
            continue
        kept.append(hit)
    return tuple(kept)


def _scan(text: str, gaz: Gazetteer) -> tuple[list[_Mention], list[str]]:
    """Settlement mentions and region words, in reading order."""
    words, mentions, regions = _words(text), [], []
    i = 0
    while i < len(words):
        step = 1
        for n in range(min(gaz.span.get(words[i].norm, 0), len(words) - i), 0, -1):
            key = " ".join(w.norm for w in words[i:i + n])
            if key in gaz.region_forms:
                regions.append(gaz.region_forms[key])
                step = n
                break
            hits = gaz.forms.get(key)
            if hits and not _street_context(words, i, n, text):
                kept = _acceptable(words, i, n, hits, text)
                if kept:
                    mentions.append(_Mention(kept, i))
                    step = n
                    break
        i += step
    return mentions, regions


def _best(hits: tuple[FormHit, ...], context: set[str]) -> Settlement:
    return max((h.place for h in hits),
               key=lambda p: (p.region in context, p.region in HOME_REGIONS, p.population))


def locate_text(text: str, region_hint: str | None = None, gaz: Gazetteer | None = None) -> PlaceMatch:
    """The first settlement the message names (ranked by region context), its region and address."""
    gaz = gaz or gazetteer()
    mentions, regions = _scan(text, gaz)
    context = set(regions) | ({region_hint} if region_hint else set())
    context |= {m.hits[0].place.region or "" for m in mentions if len({h.place.region for h in m.hits}) == 1}
    address = street_address(text)
    if not mentions:
        return PlaceMatch(region=regions[0] if regions else None, address=address)
    # A plain name beats an earlier word that is also a common word («на Северном в Ростове»).
    first = next((m for m in mentions if not all(h.ambiguous for h in m.hits)), mentions[0])
    place = _best(first.hits, context)
    return PlaceMatch(place.name, place.region, place.lat, place.lon, place.kind, address)
