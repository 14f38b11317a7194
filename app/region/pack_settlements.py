"""A region pack's settlements layer: the centre's own list of villages, as CSV or GeoJSON points.

Centres keep village lists that no package ships. A pack may hold them in a
``settlements/`` folder (or a file whose name starts with ``settlements``) next
to its boundaries: CSV with columns ``name, type, population, municipality, lat,
lon`` (``type``, ``population`` and ``municipality`` may be empty), or GeoJSON
``Point`` features with the same properties. The gazetteer looks these names up
before its national list. Rows are public data: names are checked for length and
letters, numbers for range; a broken file raises ``RegionPackError`` in Russian.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

SETTLEMENT_COLUMNS = ("name", "type", "population", "municipality", "lat", "lon")
SETTLEMENT_SUFFIXES = (".csv", ".geojson", ".json")
MAX_ROWS = 200_000
MAX_NAME = 120
MAX_POPULATION = 20_000_000
_NAME = re.compile(r"^[А-ЯЁа-яёA-Za-z0-9][А-ЯЁа-яёA-Za-z0-9 .\-«»\"()]*$")


class SettlementsError(ValueError):
    """A settlements file that cannot be used; the message names the file and row (Russian)."""


@dataclass(frozen=True)
class PackSettlement:
    """One settlement of a pack's own list."""

    name: str
    kind: str | None
    population: int | None
    municipality: str | None
    lat: float
    lon: float


def is_settlements_file(path: Path) -> bool:
    """Whether a pack file is a settlements layer (kept apart from the boundary files)."""
    return path.stem.lower().startswith("settlements") or path.parent.name.lower() == "settlements"


def find_settlement_files(folder: Path) -> list[Path]:
    """Settlements files in a pack folder: ``settlements/*`` and ``settlements*.csv|geojson`` beside it."""
    candidates = [*(folder / "settlements").glob("*")] if (folder / "settlements").is_dir() else []
    candidates += [p for p in folder.glob("settlements*") if p.is_file()]
    return sorted(p for p in candidates if p.is_file() and p.suffix.lower() in SETTLEMENT_SUFFIXES)


def _text(value: object) -> str:
    return str(value).strip() if value is not None else ""


def _number(value: object, what: str, where: str, low: float, high: float) -> float:
    try:
        number = float(_text(value).replace(",", ".").replace(" ", ""))
    except ValueError:
        raise SettlementsError(f"{where}: {what} — не число («{_text(value)[:40]}»)") from None
    if not low <= number <= high:
        raise SettlementsError(f"{where}: {what} вне допустимого диапазона ({number:g})")
    return number


def _row(values: dict, where: str) -> PackSettlement:
    name = _text(values.get("name"))
    if not name or len(name) > MAX_NAME or not _NAME.match(name):
        raise SettlementsError(f"{where}: нужно название населённого пункта (буквы, до {MAX_NAME} знаков)")
    population = _text(values.get("population"))
    kind, municipality = _text(values.get("type"))[:40] or None, _text(values.get("municipality"))[:200] or None
    return PackSettlement(name, kind, int(_number(population, "население", where, 0, MAX_POPULATION))
                          if population else None, municipality,
                          _number(values.get("lat"), "широта", where, -90, 90),
                          _number(values.get("lon"), "долгота", where, -180, 360))


def _read_csv(path: Path) -> list[PackSettlement]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        delimiter = ";" if ";" in handle.readline() else ","
        handle.seek(0)
        reader = csv.DictReader(handle, delimiter=delimiter)
        missing = [c for c in ("name", "lat", "lon") if c not in (reader.fieldnames or [])]
        if missing:
            raise SettlementsError(f"{path.name}: нет столбцов {', '.join(missing)} "
                                   f"(нужны: {', '.join(SETTLEMENT_COLUMNS)})")
        return [_row(values, f"{path.name}, строка {n}") for n, values in enumerate(reader, 2) if n <= MAX_ROWS]


def _read_geojson(path: Path) -> list[PackSettlement]:
    data = json.loads(path.read_text(encoding="utf-8"))
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise SettlementsError(f"{path.name}: ожидается FeatureCollection с точками")
    out = []
    for number, feature in enumerate(features[:MAX_ROWS], 1):
        geometry = (feature or {}).get("geometry") or {}
        coords = geometry.get("coordinates") if geometry.get("type") == "Point" else None
        if not isinstance(coords, list) or len(coords) < 2:
            raise SettlementsError(f"{path.name}, объект №{number}: нужна точка (Point)")
        properties = dict((feature or {}).get("properties") or {})
        out.append(_row({**properties, "lon": coords[0], "lat": coords[1]}, f"{path.name}, объект №{number}"))
    return out


def read_settlements(path: Path) -> list[PackSettlement]:
    """Settlements of one CSV or GeoJSON file; ``SettlementsError`` with the file and row when broken."""
    try:
        return _read_csv(path) if path.suffix.lower() == ".csv" else _read_geojson(path)
    except SettlementsError:
        raise
    except (OSError, UnicodeDecodeError, csv.Error, ValueError, RecursionError, AttributeError, TypeError) as exc:
        raise SettlementsError(f"Файл населённых пунктов {path.name} не читается: "
                               f"{'не UTF-8' if isinstance(exc, UnicodeDecodeError) else 'нарушен формат'}") from exc
