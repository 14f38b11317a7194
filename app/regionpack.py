"""Region packs: municipal boundaries (GeoJSON or KML, property ``district``) plus populations (CSV).

A pack is configured by the operations centre; the application starts without
one. ``load_region_pack`` validates the files and raises ``RegionPackError``
with a Russian message the operator can act on; soft problems (a population row
naming no boundary, a missing figure) become ``warnings`` and the missing
population stays ``None`` so the map can show it as missing.
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from shapely import make_valid
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select

from app.models import Setting
from app.store import Store

SETTING_KEY = "region_pack"
POPULATION_COLUMNS = ("region", "municipality", "population", "year", "source")
BOUNDARY_SUFFIXES = (".geojson", ".json", ".kml")


class RegionPackError(ValueError):
    """A pack that cannot be used; the message is for the operator (Russian)."""


@dataclass(frozen=True)
class Municipality:
    name: str
    geometry: BaseGeometry
    population: int | None
    year: int | None


@dataclass(frozen=True)
class RegionPack:
    """A loaded, validated pack; ``municipalities`` keep the boundary file's order."""

    region_id: str
    boundaries: Path
    population_file: Path | None
    municipalities: tuple[Municipality, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.municipalities)

    def population(self, name: str) -> int | None:
        return next((m.population for m in self.municipalities if m.name == name), None)

    def geojson(self) -> dict:
        """Outlines as a FeatureCollection: ``name`` and ``population`` (null when missing)."""
        from shapely.geometry import mapping

        features = [{"type": "Feature", "properties": {"name": m.name, "population": m.population},
                     "geometry": mapping(m.geometry)} for m in self.municipalities]
        return {"type": "FeatureCollection", "features": features}


def region_id_of(boundaries: Path) -> str:
    """``krasnodar_krai_municipalities.geojson`` → ``krasnodar_krai`` (the CSV's region id)."""
    return boundaries.stem.removesuffix("_municipalities")


def _polygonal(geometry: BaseGeometry, name: str) -> BaseGeometry:
    if not geometry.is_valid:
        geometry = make_valid(geometry)
    if geometry.geom_type == "GeometryCollection":
        geometry = MultiPolygon([g for g in getattr(geometry, "geoms", []) if isinstance(g, Polygon)])
    if geometry.is_empty or not isinstance(geometry, Polygon | MultiPolygon):
        raise RegionPackError(f"Граница «{name}»: нужна площадная геометрия (Polygon/MultiPolygon), "
                              f"получено {geometry.geom_type}")
    return geometry


def _read_geojson(path: Path) -> list[tuple[str, BaseGeometry]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise RegionPackError(f"Файл границ {path.name} не читается как GeoJSON: {exc}") from exc
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
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RegionPackError(f"Граница «{name}»: ошибочная геометрия ({exc})") from exc
        shapes.append((name.strip(), geometry))
    return shapes


def _kml_rings(node: ET.Element, ns: str) -> list[list[tuple[float, float]]]:
    rings = []
    for coords in node.iter(f"{ns}coordinates"):
        points = [tuple(float(v) for v in token.split(",")[:2]) for token in (coords.text or "").split()]
        rings.append([(p[0], p[1]) for p in points])
    return rings


def _kml_district(placemark: ET.Element, ns: str) -> str | None:
    for data in placemark.iter():
        if data.tag in (f"{ns}Data", f"{ns}SimpleData") and data.get("name") == "district":
            value = data.findtext(f"{ns}value") if data.tag == f"{ns}Data" else data.text
            return (value or "").strip() or None
    return None


def _read_kml(path: Path) -> list[tuple[str, BaseGeometry]]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
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
            polygons.append(Polygon(shell, holes))
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


def _int_or_none(text: str | None, what: str, line: int, path: Path) -> int | None:
    text = (text or "").strip().replace(" ", "")
    if not text:
        return None
    if not text.isdigit() or int(text) <= 0:
        raise RegionPackError(f"{path.name}, строка {line}: {what} должно быть целым положительным числом, "
                              f"получено «{text}»")
    return int(text)


def read_population(path: Path, region_id: str) -> list[PopulationRow]:
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
                          _int_or_none(r["year"], "год", n, path)) for n, r in mine]


def find_population_file(boundaries: Path) -> Path | None:
    """A CSV next to the boundaries, or in a sibling ``population`` folder."""
    for folder in (boundaries.parent, boundaries.parent.parent / "population"):
        found = sorted(folder.glob("*.csv")) if folder.is_dir() else []
        if found:
            return found[0]
    return None


def find_boundaries(path: Path) -> Path:
    if path.is_file():
        return path
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.suffix.lower() in BOUNDARY_SUFFIXES)
        if len(found) == 1:
            return found[0]
        raise RegionPackError(f"В папке {path} должен быть ровно один файл границ (.geojson/.kml), найдено "
                              f"{len(found)}")
    raise RegionPackError(f"Пакет региона не найден: {path}")


def _match(shapes: list[tuple[str, BaseGeometry]], rows: list[PopulationRow],
           population_file: Path | None) -> tuple[tuple[Municipality, ...], list[str]]:
    by_name = {r.municipality: r for r in rows}
    warnings = [f"Население «{name}» есть в {population_file.name if population_file else 'CSV'}, "
                f"но такой границы нет" for name in by_name if name not in dict(shapes)]
    units = []
    for name, geometry in shapes:
        row = by_name.get(name)
        if row is None or row.population is None:
            warnings.append(f"Нет данных о населении: «{name}»")
        units.append(Municipality(name, geometry, row.population if row else None, row.year if row else None))
    return tuple(units), warnings


def load_region_pack(path: str | Path, population: str | Path | None = None) -> RegionPack:
    """Load and validate a pack: a boundaries file (or a folder holding one) and a population CSV."""
    boundaries = find_boundaries(Path(path))
    shapes = read_boundaries(boundaries)
    population_file = Path(population) if population else find_population_file(boundaries)
    if population_file is not None and not population_file.is_file():
        raise RegionPackError(f"Файл населения не найден: {population_file}")
    region_id = region_id_of(boundaries)
    rows = read_population(population_file, region_id) if population_file else []
    units, warnings = _match(shapes, rows, population_file)
    if rows and not any(u.population for u in units):
        raise RegionPackError(f"Ни одно название в {population_file.name if population_file else 'CSV'} "
                              f"не совпало с границами {boundaries.name}")
    return RegionPack(region_id, boundaries, population_file, units, tuple(warnings))


def remember_pack(store: Store, pack: RegionPack) -> None:
    """Store the pack's paths (Setting ``region_pack``) so the next start loads it again."""
    value = json.dumps({"boundaries": str(pack.boundaries),
                        "population": str(pack.population_file) if pack.population_file else None})
    with store.session() as session:
        session.merge(Setting(key=SETTING_KEY, value=value))


def remembered_pack(store: Store) -> tuple[str, str | None] | None:
    """The remembered (boundaries, population) paths, or None."""
    with store.session() as session:
        raw = session.scalar(select(Setting.value).where(Setting.key == SETTING_KEY))
    if not raw:
        return None
    data = json.loads(raw)
    return data["boundaries"], data.get("population")
