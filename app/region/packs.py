"""Region packs: municipal boundaries (GeoJSON or KML, property ``district``) plus populations (CSV).

A pack is configured by the operations centre; the application starts without
one. It may add a settlements layer (app/region/pack_settlements.py) that the
gazetteer consults before its national list. A pack is a boundary file, or a
folder holding one or several (directly or in ``boundaries/``, one file per
federal subject) with a population CSV beside them or in ``population/``.
``load_region_pack`` validates the files and raises ``RegionPackError`` with a
Russian message naming the file and the problem; soft problems (a population
row naming no boundary, a missing figure) become ``warnings`` and the missing
population stays ``None`` so the map can show it as missing. The loaded pack
carries the one spatial index (``app.region.spatial``) that intake, map,
choropleth, analytics and briefing share.
"""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from shapely import get_coordinates, make_valid
from shapely.errors import GEOSException
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry

from app.common.files import os_reason
from app.region.pack_settlements import (
    PackSettlement,
    SettlementsError,
    find_settlement_files,
    is_settlements_file,
    read_settlements,
)
from app.region.spatial import GeodataMissingError, PolygonIndex, region_index

POPULATION_COLUMNS = ("region", "municipality", "population", "year", "source")
BOUNDARY_SUFFIXES = (".geojson", ".json", ".kml")
MAX_POPULATION = 50_000_000  # more than any municipality of Russia has: a typo or a hostile file
MAX_PACK_BYTES = 200 * 1024 * 1024
_DIGITS = re.compile(r"[0-9]+")


class RegionPackError(ValueError):
    """A pack that cannot be used; the message is for the operator (Russian)."""


@dataclass(frozen=True)
class Municipality:
    name: str
    geometry: BaseGeometry
    population: int | None
    year: int | None
    region: str | None = None  # the federal subject (centres' name) the boundary lies in


@dataclass(frozen=True)
class RegionPack:
    """A loaded, validated pack; ``municipalities`` keep the boundary files' order."""

    region_id: str
    boundaries: Path
    population_file: Path | None
    municipalities: tuple[Municipality, ...]
    warnings: tuple[str, ...] = field(default=())
    files: tuple[Path, ...] = field(default=())
    index: PolygonIndex | None = field(default=None, compare=False, repr=False)
    settlements: tuple[PackSettlement, ...] = field(default=(), compare=False, repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.municipalities)

    @property
    def regions(self) -> tuple[str, ...]:
        """Federal subjects the pack covers, in file order."""
        return tuple(dict.fromkeys(m.region for m in self.municipalities if m.region))

    def population(self, name: str, region: str | None = None) -> int | None:
        return next((m.population for m in self.municipalities
                     if m.name == name and (region is None or m.region == region)), None)

    def populations(self) -> dict[str, int]:
        """Municipality → population, where known (a name repeated in two subjects keeps the first)."""
        found: dict[str, int] = {}
        for m in self.municipalities:
            if m.population:
                found.setdefault(m.name, m.population)
        return found

    def locate(self, lat: float, lon: float) -> Municipality | None:
        """The municipality holding the point (the product's one point-in-polygon rule)."""
        found = self.index.locate_index(lat, lon) if self.index is not None else None
        return None if found is None else self.municipalities[found]

    def bounds(self) -> tuple[float, float, float, float]:
        """(south, west, north, east) of all boundaries."""
        minx, miny, maxx, maxy = MultiPolygon([g for m in self.municipalities for g in _polygons(m.geometry)]).bounds
        return miny, minx, maxy, maxx

    def geojson(self) -> dict:
        """Outlines as a FeatureCollection: ``key`` (position), ``name``, ``region``, ``population`` (or null)."""
        features = [{"type": "Feature", "properties": {"key": i, "name": m.name, "region": m.region,
                                                       "population": m.population},
                     "geometry": mapping(m.geometry)} for i, m in enumerate(self.municipalities)]
        return {"type": "FeatureCollection", "features": features}


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    return list(getattr(geometry, "geoms", [geometry]))


def region_id_of(boundaries: Path) -> str:
    """``krasnodar_krai_municipalities.geojson`` → ``krasnodar_krai`` (the CSV's region id)."""
    return boundaries.stem.removesuffix("_municipalities")


def _polygonal(geometry: BaseGeometry, name: str) -> BaseGeometry:
    if not _finite(geometry):
        raise RegionPackError(f"Граница «{name}»: в координатах есть нечисловые или бесконечные значения")
    try:
        if not geometry.is_valid:
            geometry = make_valid(geometry)
    except GEOSException as exc:
        raise RegionPackError(f"Граница «{name}»: геометрию не удалось исправить ({exc})") from exc
    if geometry.geom_type == "GeometryCollection":
        geometry = MultiPolygon([g for g in getattr(geometry, "geoms", []) if isinstance(g, Polygon)])
    if geometry.is_empty or not isinstance(geometry, Polygon | MultiPolygon):
        raise RegionPackError(f"Граница «{name}»: нужна площадная геометрия (Polygon/MultiPolygon), "
                              f"получено {geometry.geom_type}")
    return geometry


def _finite(geometry: BaseGeometry) -> bool:
    return bool(np.isfinite(get_coordinates(geometry)).all())


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_PACK_BYTES:
            raise RegionPackError(f"Файл границ {path.name} больше {MAX_PACK_BYTES // 2**20} МБ")
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegionPackError(f"Файл границ {path.name} не читается: {_reason(exc)}") from exc


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "текст не в кодировке UTF-8"
    if isinstance(exc, RecursionError):
        return "слишком глубокая вложенность"
    if isinstance(exc, OSError):
        return os_reason(exc)
    return "нарушен формат"


def _read_geojson(path: Path) -> list[tuple[str, BaseGeometry]]:
    try:
        data = json.loads(_read_text(path))
    except (ValueError, RecursionError) as exc:
        raise RegionPackError(f"Файл границ {path.name} не читается как GeoJSON: {_reason(exc)}") from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or not features:
        raise RegionPackError(f"Файл границ {path.name}: нет объектов (FeatureCollection.features пуст)")
    shapes = []
    for number, feature in enumerate(features, 1):
        name = ((feature or {}).get("properties") or {}).get("district")
        if not isinstance(name, str) or not name.strip():
            raise RegionPackError(f"Файл границ {path.name}, объект №{number}: нет свойства «district»")
        try:
            geometry = shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError, GEOSException) as exc:
            raise RegionPackError(f"Файл границ {path.name}, граница «{name[:80]}»: ошибочная геометрия") from exc
        shapes.append((name.strip(), geometry))
    return shapes


def _kml_rings(node: ET.Element, ns: str) -> list[list[tuple[float, float]]]:
    rings = []
    for coords in node.iter(f"{ns}coordinates"):
        try:
            points = [tuple(float(v) for v in token.split(",")[:2]) for token in (coords.text or "").split()]
        except ValueError as exc:
            raise RegionPackError("KML: координаты не числа") from exc
        rings.append([(p[0], p[1]) for p in points if len(p) == 2])
    return rings


def _kml_district(placemark: ET.Element, ns: str) -> str | None:
    for data in placemark.iter():
        if data.tag in (f"{ns}Data", f"{ns}SimpleData") and data.get("name") == "district":
            value = data.findtext(f"{ns}value") if data.tag == f"{ns}Data" else data.text
            return (value or "").strip() or None
    return None


def _read_kml(path: Path) -> list[tuple[str, BaseGeometry]]:
    text = _read_text(path)
    if "<!ENTITY" in text or "<!DOCTYPE" in text:
        raise RegionPackError(f"Файл границ {path.name}: KML с объявлениями DOCTYPE/ENTITY не принимается")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise RegionPackError(f"Файл границ {path.name} не читается как KML: {exc}") from exc
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    shapes = []
    for number, placemark in enumerate(root.iter(f"{ns}Placemark"), 1):
        name = _kml_district(placemark, ns)
        if name is None:
            raise RegionPackError(f"Файл границ {path.name}, объект №{number}: нет поля «district»")
        polygons = []
        for poly in placemark.iter(f"{ns}Polygon"):
            outer = poly.find(f"{ns}outerBoundaryIs")
            holes = [r for inner in poly.findall(f"{ns}innerBoundaryIs") for r in _kml_rings(inner, ns)]
            shell = _kml_rings(outer, ns)[0] if outer is not None and _kml_rings(outer, ns) else []
            try:
                polygons.append(Polygon(shell, holes))
            except ValueError as exc:
                raise RegionPackError(f"Файл границ {path.name}, «{name[:80]}»: ошибочный полигон") from exc
        shapes.append((name, MultiPolygon(polygons) if len(polygons) > 1 else (polygons or [Polygon()])[0]))
    if not shapes:
        raise RegionPackError(f"Файл границ {path.name}: нет объектов Placemark")
    return shapes


def read_boundaries(path: Path) -> list[tuple[str, BaseGeometry]]:
    """Named, valid polygonal shapes from a GeoJSON or KML file."""
    if path.suffix.lower() not in BOUNDARY_SUFFIXES:
        raise RegionPackError(f"Файл границ {path.name}: ожидается .geojson или .kml")
    shapes = _read_kml(path) if path.suffix.lower() == ".kml" else _read_geojson(path)
    seen: set[str] = set()
    for name, _geometry in shapes:
        if name in seen:
            raise RegionPackError(f"Файл границ {path.name}: муниципалитет «{name}» встречается дважды")
        seen.add(name)
    return [(name, _polygonal(geometry, name)) for name, geometry in shapes]


@dataclass(frozen=True)
class PopulationRow:
    municipality: str
    population: int | None
    year: int | None


def _int_or_none(text: str | None, what: str, line: int, path: Path, high: int = MAX_POPULATION) -> int | None:
    text = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if not _DIGITS.fullmatch(text) or len(text) > 9 or not 0 < int(text) <= high:
        raise RegionPackError(f"{path.name}, строка {line}: {what} должно быть целым положительным числом "
                              f"не больше {high:,}".replace(",", " ") + f", получено «{text[:40]}»")
    return int(text)


def read_population(path: Path, region_id: str) -> list[PopulationRow]:
    """Rows of ``region_id`` from a population CSV (all rows when the CSV names no such region)."""
    if path.stat().st_size > MAX_PACK_BYTES:
        raise RegionPackError(f"Файл населения {path.name} больше {MAX_PACK_BYTES // 2**20} МБ")
    return _read_population(path, region_id)


def _read_population(path: Path, region_id: str) -> list[PopulationRow]:
    """Rows of ``region_id`` from a population CSV (all rows when the CSV names no such region)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in POPULATION_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise RegionPackError(f"{path.name}: нет столбцов {', '.join(missing)} "
                                      f"(нужны: {', '.join(POPULATION_COLUMNS)})")
            raw = [(n, r) for n, r in enumerate(reader, 2)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RegionPackError(f"Файл населения {path.name} не читается: {exc}") from exc
    mine = [(n, r) for n, r in raw if (r["region"] or "").strip() == region_id] or raw
    return [PopulationRow((r["municipality"] or "").strip(), _int_or_none(r["population"], "население", n, path),
                          _int_or_none(r["year"], "год", n, path, high=2100)) for n, r in mine]


def find_population_file(boundaries: Path) -> Path | None:
    """A CSV next to the boundaries, or in a sibling ``population`` folder."""
    for folder in (boundaries.parent, boundaries.parent.parent / "population"):
        found = sorted(p for p in folder.glob("*.csv") if not is_settlements_file(p)) if folder.is_dir() else []
        if found:
            return found[0]
    return None


def find_boundaries(path: Path) -> list[Path]:
    """The boundary files of a pack: the file itself, or those in the folder (or its ``boundaries/``)."""
    if path.is_file():
        return [path]
    if path.is_dir():
        folder = path / "boundaries" if (path / "boundaries").is_dir() else path
        found = sorted(p for p in folder.iterdir()
                       if p.is_file() and p.suffix.lower() in BOUNDARY_SUFFIXES and not is_settlements_file(p))
        if found:
            return found
        raise RegionPackError(f"В папке {path} нет файлов границ (.geojson, .kml)")
    raise RegionPackError(f"Пакет региона не найден: {path}")


def _match(shapes: list[tuple[str, BaseGeometry]], rows: list[PopulationRow], population_file: Path | None,
           region: str | None) -> tuple[list[Municipality], list[str]]:
    by_name = {r.municipality: r for r in rows}
    warnings = [f"Население «{name}» есть в {population_file.name if population_file else 'CSV'}, "
                f"но такой границы нет" for name in by_name if name not in dict(shapes)]
    units = []
    for name, geometry in shapes:
        row = by_name.get(name)
        if row is None or row.population is None:
            warnings.append(f"Нет данных о населении: «{name}»")
        units.append(Municipality(name, geometry, row.population if row else None, row.year if row else None,
                                  region))
    return units, warnings


def subject_of(shapes: list[tuple[str, BaseGeometry]]) -> str | None:
    """The federal subject most of the boundaries' inner points lie in (None without geodata)."""
    try:
        index = region_index()
    except GeodataMissingError:
        return None
    votes = Counter(index.locate(p.y, p.x) for p in (g.representative_point() for _n, g in shapes))
    votes.pop(None, None)
    return votes.most_common(1)[0][0] if votes else None


def _load_file(boundaries: Path, population_file: Path | None) -> tuple[list[Municipality], list[str], bool]:
    shapes = read_boundaries(boundaries)
    rows = read_population(population_file, region_id_of(boundaries)) if population_file else []
    units, warnings = _match(shapes, rows, population_file, subject_of(shapes))
    return units, warnings, bool(rows) and not any(u.population for u in units)


def load_region_pack(path: str | Path, population: str | Path | None = None) -> RegionPack:
    """Load and validate a pack: boundary file(s) and a population CSV; never a Python error text."""
    try:
        return _load(Path(path), Path(population) if population else None)
    except RegionPackError:
        raise
    except (RecursionError, MemoryError, ValueError, TypeError, OSError) as exc:
        raise RegionPackError(f"Пакет региона {Path(path).name} не читается: {_reason(exc)}") from exc


def _load(path: Path, population: Path | None) -> RegionPack:
    files = find_boundaries(path)
    population_file = population or find_population_file(files[0])
    if population_file is not None and not population_file.is_file():
        raise RegionPackError(f"Файл населения не найден: {population_file}")
    units: list[Municipality] = []
    warnings: list[str] = []
    for boundaries in files:
        found, notes, unmatched = _load_file(boundaries, population_file)
        if unmatched and len(files) == 1:
            raise RegionPackError(f"Ни одно название в {population_file.name if population_file else 'CSV'} "
                                  f"не совпало с границами {boundaries.name}")
        _check_unique(units, found, boundaries)
        units += found
        warnings += notes
    index = PolygonIndex([u.name for u in units], [u.geometry for u in units])
    pack = RegionPack(region_id_of(files[0]), files[0], population_file, tuple(units), tuple(warnings),
                      tuple(files), index)
    return replace(pack, settlements=_settlements(path if path.is_dir() else path.parent, pack))


def _settlements(folder: Path, pack: RegionPack) -> tuple[PackSettlement, ...]:
    """The pack's own settlements layer, each with its municipality (given, else by the boundaries)."""
    rows: list[PackSettlement] = []
    try:
        for path in find_settlement_files(folder):
            rows += read_settlements(path)
    except SettlementsError as exc:
        raise RegionPackError(str(exc)) from exc
    return tuple(row if row.municipality else replace(row, municipality=getattr(pack.locate(row.lat, row.lon),
                                                                                 "name", None)) for row in rows)


def _check_unique(units: list[Municipality], found: list[Municipality], boundaries: Path) -> None:
    """Names repeat across subjects (Дубовский район: Rostov and Volgograd), never within one."""
    seen = {(u.region, u.name) for u in units}
    for unit in found:
        if (unit.region, unit.name) in seen:
            raise RegionPackError(f"Файл границ {boundaries.name}: муниципалитет «{unit.name[:80]}» уже есть "
                                  "в другом файле пакета")
