"""Pipeline step: category and place of an incoming message.

``enrich`` fills the classifier's decision (unless an operator already
decided; place names are blanked first so that a village called «Новый Свет»
is no evidence of a power cut) and the place: settlement from the text, coordinates from the
gazetteer unless the message carries its own, region by point-in-polygon when
there are coordinates, municipality when a region pack is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from app.classify import classify
from app.intake import Incoming
from app.municipalities import MunicipalityIndex, RegionPackError, locate_in, region_index
from app.places import PlaceMatch, locate_text


def _region_of_point(lat: float, lon: float, fallback: str | None) -> str | None:
    try:
        return region_index().locate(lat, lon) or fallback
    except RegionPackError:
        return fallback


def without_places(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with place names blanked, so that «Новый Свет» is no evidence of a power cut."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _category_fields(item: Incoming, match: PlaceMatch) -> dict[str, object]:
    if item.category_source == "operator":
        return {}
    result = classify(without_places(item.text, match.spans))
    return {"category": result.category, "secondary_category": result.secondary,
            "confidence": result.confidence, "is_complaint": result.is_complaint,
            "explanation": result.explanation, "category_source": "classifier"}


def _place_fields(item: Incoming, match: PlaceMatch, packs: Sequence[MunicipalityIndex]) -> dict[str, object]:
    own_point = item.lat is not None and item.lon is not None
    lat, lon = (item.lat, item.lon) if own_point else (match.lat, match.lon)
    region = item.region or match.region
    if own_point and lat is not None and lon is not None:
        region = _region_of_point(lat, lon, region)
    municipality = item.municipality
    if municipality is None and packs and lat is not None and lon is not None:
        municipality, pack_region = locate_in(list(packs), lat, lon)
        region = region or pack_region
    return {"settlement": item.settlement or match.settlement, "region": region, "lat": lat, "lon": lon,
            "municipality": municipality, "address": item.address or match.address}


def enrich(item: Incoming, packs: Sequence[MunicipalityIndex] = (), region_hint: str | None = None) -> Incoming:
    """``item`` with category, confidence, complaint flag, explanation and place filled in."""
    match = locate_text(item.text, region_hint or item.region)
    return replace(item, **_category_fields(item, match), **_place_fields(item, match, packs))  # type: ignore[arg-type]


def enrich_all(items: Iterable[Incoming], packs: Sequence[MunicipalityIndex] = (),
               region_hint: str | None = None) -> list[Incoming]:
    """``enrich`` over a batch."""
    return [enrich(item, packs, region_hint) for item in items]
