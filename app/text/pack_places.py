"""A region pack's own settlements as a small gazetteer, looked up before the national one.

The forms («в Малой Хаджохе») are generated once per loaded pack with the same
rules as the national gazetteer's build (app/text/place_forms.py); the last
pack's index is kept, so a centre pays for it once per pack load.
"""

from __future__ import annotations

import threading

from app.gazetteer.lookup import Gazetteer
from app.region import RegionPack
from app.text.place_forms import form_rows

_lock = threading.Lock()
_last: tuple[RegionPack, Gazetteer] | None = None


def _region_of(pack: RegionPack, municipality: str | None) -> str | None:
    regions = {m.region for m in pack.municipalities if m.name == municipality and m.region}
    return regions.pop() if len(regions) == 1 else (pack.regions[0] if len(pack.regions) == 1 else None)


def build_index(pack: RegionPack) -> Gazetteer:
    """The pack's settlements with their case forms, as a ``Gazetteer``."""
    places = [{"name": s.name, "kind": s.kind, "region": _region_of(pack, s.municipality), "lat": s.lat,
               "lon": s.lon, "population": s.population or 0, "municipality": s.municipality}
              for s in pack.settlements]
    forms = form_rows([(s.name, ()) for s in pack.settlements])
    return Gazetteer({"places": places, "forms": forms, "regions": {}})


def pack_index(pack: RegionPack | None) -> tuple[Gazetteer, ...]:
    """() without a pack or without settlements, else the pack's index (built on first use)."""
    global _last
    if pack is None or not pack.settlements:
        return ()
    with _lock:
        if _last is None or _last[0] is not pack:
            _last = (pack, build_index(pack))
        return (_last[1],)
