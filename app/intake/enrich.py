"""Pipeline step: category and place of an incoming message, with the centre's region and pack.

``enrich`` fills the classifier's decision (unless an operator already decided;
place names are blanked first so that a village called «Новый Свет» is no
evidence of a power cut) and the place: settlement from the text (homonyms
decided by the centre's region), coordinates from the gazetteer unless the
message carries its own, the federal subject by point when there are
coordinates, and the municipality by the region pack's one spatial index (or
from the pack's own settlements layer, which the gazetteer consults first).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from app.intake.writer import Incoming
from app.region import RegionPack, region_of_point
from app.text.classify import classify
from app.text.places import PlaceMatch, locate_text


@dataclass(frozen=True)
class Placement:
    """What messages are placed with: the centre's region (its name), its region pack, and the other
    subjects a district headquarters covers (``neighbours``: homonyms there rank before the rest)."""

    region: str | None = None
    pack: RegionPack | None = None
    neighbours: tuple[str, ...] = ()

    @property
    def home(self) -> tuple[str, ...]:
        """The centre's own subjects: its region, the covered neighbours, the subjects of its pack."""
        pack_regions = self.pack.regions if self.pack is not None else ()
        return tuple(dict.fromkeys(r for r in (self.region, *self.neighbours, *pack_regions) if r))


NOWHERE = Placement()

# Classification and placing read at most this many characters: a Telegram message holds 4,096,
# and what a complaint is about and where is said at its start; the classifier's phrase and
# negation windows grow with the text, so an unbounded text (a 1 MB pasted log) would cost
# minutes of CPU per message. The stored text stays whole.
ANALYSED_CHARS = 4096


def analysed_part(text: str) -> str:
    """The start of ``text`` the classifier and the place finder read (cut at a word boundary)."""
    if len(text) <= ANALYSED_CHARS:
        return text
    cut = text.rfind(" ", ANALYSED_CHARS // 2, ANALYSED_CHARS)
    return text[:cut if cut > 0 else ANALYSED_CHARS]


def without_places(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with place names blanked, so that «Новый Свет» is no evidence of a power cut."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _category_fields(item: Incoming, match: PlaceMatch) -> dict[str, object]:
    if item.category_source == "operator":
        return {}
    result = classify(without_places(analysed_part(item.text), match.spans))
    return {"category": result.category, "secondary_category": result.secondary,
            "confidence": result.confidence, "is_complaint": result.is_complaint,
            "explanation": result.explanation, "category_source": "classifier"}


def place_of_point(lat: float, lon: float, pack: RegionPack | None,
                   fallback_region: str | None) -> tuple[str | None, str | None]:
    """(municipality, region) of a point: the pack's municipality first, else the subject by outline."""
    unit = pack.locate(lat, lon) if pack is not None else None
    if unit is not None:
        return unit.name, unit.region or region_of_point(lat, lon) or fallback_region
    return None, region_of_point(lat, lon) or fallback_region


def _place_fields(item: Incoming, match: PlaceMatch, pack: RegionPack | None) -> dict[str, object]:
    own_point = item.lat is not None and item.lon is not None
    lat, lon = (item.lat, item.lon) if own_point else (match.lat, match.lon)
    region, municipality = item.region or match.region, item.municipality
    if lat is not None and lon is not None:
        unit = pack.locate(lat, lon) if pack is not None else None
        municipality = municipality or match.municipality or (unit.name if unit else None)
        if own_point or region is None:  # a settlement found in the text already names its subject
            region = (unit.region if unit else None) or region_of_point(lat, lon) or region
    return {"settlement": item.settlement or match.settlement, "region": region, "lat": lat, "lon": lon,
            "municipality": municipality, "address": item.address or match.address}


def enrich(item: Incoming, placement: Placement = NOWHERE) -> Incoming:
    """``item`` with category, confidence, complaint flag, explanation and place filled in."""
    match = locate_text(analysed_part(item.text), placement.home or item.region, pack=placement.pack)
    fields = {**_category_fields(item, match), **_place_fields(item, match, placement.pack)}
    return replace(item, **fields)  # type: ignore[arg-type]


def enrich_all(items: Iterable[Incoming], placement: Placement = NOWHERE) -> list[Incoming]:
    """``enrich`` over a batch."""
    return [enrich(item, placement) for item in items]
