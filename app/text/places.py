"""Settlement, region and street address mentioned in a Russian message.

The scan (app/text/place_scan.py) finds settlement forms and region words with
the rules that keep streets, common words and adjectives from becoming places.
Here the candidates are ranked: a plain name beats an earlier common word; a
reference point («под Таганрогом, в Покровском», «приехали из Москвы») yields to
the place itself; homonyms are decided by the regions the message names (and the
regions of its unambiguous or dominant places), then by the centre's own
region(s), then by population. A region pack's own settlements come before the
national gazetteer. Unknown places stay unknown: no region centre is ever guessed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from app.gazetteer.lookup import FormHit, Settlement, gazetteer
from app.gazetteer.lookup import Gazetteer as Gazetteer
from app.region import RegionPack
from app.text.pack_places import pack_index
from app.text.place_scan import Mention, scan_text
from app.text.places_rules import street_address

DOMINANT = 10  # a reading this many times more populous than the next decides the region context


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
    municipality: str | None = None  # known only for a region pack's own settlements


def _context_region(mention: Mention) -> str | None:
    """The region a mention vouches for: its only one, or that of a reading far more populous than the rest."""
    if len({h.place.region for h in mention.hits}) == 1:
        return mention.hits[0].place.region
    ranked = sorted((h.place for h in mention.hits), key=lambda p: -p.population)
    return ranked[0].region if ranked[0].population >= DOMINANT * max(ranked[1].population, 1) else None


def _best(hits: tuple[FormHit, ...], named: set[str], context: set[str], home: frozenset[str]) -> Settlement:
    """Regions named in the text first, then those of the other places named, the centre's, population."""
    return max((h.place for h in hits),
               key=lambda p: (p.region in named, p.region in context, p.region in home, p.population))


def _first(mentions: list[Mention]) -> Mention:
    """A plain name beats an earlier common word («на Северном в Ростове»); a reference point yields."""
    return sorted(mentions, key=lambda m: (m.near, m.ambiguous, m.position))[0]


def _home(region_hint: str | Collection[str] | None) -> frozenset[str]:
    if region_hint is None:
        return frozenset()
    return frozenset({region_hint} if isinstance(region_hint, str) else region_hint)


def locate_text(text: str, region_hint: str | Collection[str] | None = None, gaz: Gazetteer | None = None,
                pack: RegionPack | None = None) -> PlaceMatch:
    """The settlement the message is about, its region and address.

    ``region_hint``: the centre's region (or the regions a district headquarters covers); homonyms
    are decided by a region named in the message, then by these, then by population. ``pack``: a
    region pack whose own settlements layer is looked up before the national gazetteer.
    """
    home = _home(region_hint)
    scan = scan_text(text, home, (*pack_index(pack), gaz or gazetteer()))
    regions = [region for _position, region in scan.regions]
    address, spans = street_address(text), tuple(m.span for m in scan.mentions)
    # Coming «из Москвы» says where the writer is not; a home-region origin may still be the place.
    mentions = [m for m in scan.mentions if not (m.origin and not any(h.place.region in home for h in m.hits))]
    if not mentions:
        return PlaceMatch(region=regions[0] if regions else None, address=address, spans=spans)
    first = _first(mentions)
    context = {r for m in scan.mentions if m is not first and (r := _context_region(m))}  # the other places named
    place = _best(first.hits, set(regions), context, home)
    return PlaceMatch(place.name, place.region, place.lat, place.lon, place.kind, address, spans,
                      place.municipality)
