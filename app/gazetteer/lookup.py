"""The settlement gazetteer built at setup (resources/generated/gazetteer.json).

Build it with ``python -m app.gazetteer.build`` (part of ``make setup``). The
runtime only reads the file: forms are looked up as dictionary keys, so
locating a message costs a few dictionary lookups per word.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.common.paths import generated_dir

FILE_NAME = "gazetteer.json"


class GazetteerMissingError(RuntimeError):
    """The setup step that builds the gazetteer has not run."""


@dataclass(frozen=True)
class Settlement:
    """A settlement as the gazetteer knows it."""

    name: str
    kind: str | None
    region: str | None
    lat: float
    lon: float
    population: int
    municipality: str | None = None  # a region pack's settlements name theirs


@dataclass(frozen=True)
class FormHit:
    """One settlement a written form may stand for."""

    place: Settlement
    ambiguous: bool      # also a common word or a first name («Шахты», «Сева»)
    genitive_only: bool  # shaped like a street named after a person («Кирова»)
    person_named: bool = False  # the name itself is a surname in the genitive («Ленина»)
    adjective: bool = False     # an ordinary adjective («Черноморское», «Широкое»)


def _hit(place: Settlement, flags: str) -> FormHit:
    return FormHit(place, "a" in flags, "g" in flags, "p" in flags, "j" in flags)


class Gazetteer:
    """Settlements, their written forms (lower case, ё as е) and region words."""

    def __init__(self, payload: dict) -> None:
        self.places = tuple(Settlement(p["name"], p["kind"], p["region"], p["lat"], p["lon"], p["population"],
                                       p.get("municipality")) for p in payload["places"])
        self.forms: dict[str, tuple[FormHit, ...]] = {
            form: tuple(_hit(self.places[i], flags) for i, flags in rows) for form, rows in payload["forms"].items()
        }
        self.region_forms: dict[str, str] = payload["regions"]
        # First word of a form → the most words a form starting with it has (0: none starts with it).
        self.span: dict[str, int] = {}
        for form in (*self.forms, *self.region_forms):
            first, *rest = form.split()
            self.span[first] = max(self.span.get(first, 0), 1 + len(rest))

    @classmethod
    def load(cls, path: Path | None = None) -> Gazetteer:
        """Read the generated file; a clear error names the setup step when it is missing."""
        path = path or generated_dir() / FILE_NAME
        if not path.exists():
            raise GazetteerMissingError(
                f"Нет справочника населённых пунктов {path}: выполните `make setup` (python -m app.gazetteer.build)")
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def by_name(self, name: str) -> list[Settlement]:
        """Settlements with exactly this name, most populous first."""
        return sorted((p for p in self.places if p.name == name), key=lambda p: -p.population)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, loaded on first use."""
    return Gazetteer.load()
