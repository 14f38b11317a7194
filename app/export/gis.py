"""Layers for GIS colleagues and field teams: GeoPackage, KML/KMZ, Shapefile, GeoJSON, and CSV/XLSX tables.

Every file goes through GDAL (pyogrio's wheel bundles it), never a hand-written
writer. Field names are short ASCII (a Shapefile allows 10 characters) and the
same in every format; the Russian titles head CSV/XLSX columns and are listed in
``docs/GIS.md``. Attribute values are Cyrillic text as stored, defused with
``safe_cell`` (a Shapefile's or GeoPackage's table opens in Excel too); in
KML/KMZ they are also HTML-escaped, since Google Earth renders a placemark's
description as HTML. KML placemarks carry their category's colour as an inline
style (GDAL's LIBKML driver turns an ``OGR_STYLE`` field into ``<Style>``).

Files appear whole or not at all: GDAL writes to a temporary name (a Shapefile
into a temporary folder) that replaces the target only after the written
features were counted back from the file.
"""

from __future__ import annotations

import html
import itertools
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from shapely import to_wkb
from shapely.geometry.base import BaseGeometry

from app.common.cells import safe_cell
from app.common.files import OutputError, atomic_target, os_reason, output_path

GIS_FORMATS = ("gpkg", "kml", "kmz", "shp", "geojson")
TABLE_FORMATS = ("csv", "xlsx")
CHUNK = 20000
KML_MAX_FEATURES = 20000  # placemarks in one KML/KMZ: LIBKML holds the document in memory (20 000 ≈ 400 MB)
SHP_TEXT_BYTES = 254  # dBASE character fields hold at most 254 bytes (about 127 Cyrillic letters in UTF-8)
KML_ICON = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"  # Google Earth's built-in shape
_DRIVERS = {"gpkg": "GPKG", "kml": "LIBKML", "kmz": "LIBKML", "shp": "ESRI Shapefile", "geojson": "GeoJSON"}
_KML_LOCK = threading.Lock()  # LIBKML takes its name/description fields from process-wide config options


@dataclass(frozen=True)
class Field:
    """One attribute: ``name`` (≤ 10 ASCII characters), Russian ``title``, kind str/int/float."""

    name: str
    title: str
    kind: str = "str"


@dataclass(frozen=True)
class Feature:
    """One row: its geometry (None = no place, skipped in GIS files), values in field order, a colour."""

    geometry: BaseGeometry | None
    values: tuple[object, ...]
    color: str = "#888888"


@dataclass(frozen=True)
class Layer:
    """What one file holds: a layer name, the geometry type, fields, and the features (an iterable, read once)."""

    name: str
    title: str
    geometry_type: str  # "Point", "Polygon" or "MultiPolygon"
    fields: tuple[Field, ...]
    features: Iterable[Feature]
    label: str = ""  # the field KML shows as a placemark's name
    description: str = ""  # the field KML shows in a placemark's balloon


def export_layer(layer: Layer, fmt: str, path: str | Path) -> int:
    """Write ``layer`` as ``fmt`` to ``path``; returns how many features (rows) the file holds."""
    if fmt in TABLE_FORMATS:
        from app.export.tables import write_table

        with atomic_target(path) as temporary:
            return write_table(layer, fmt, temporary)
    if fmt not in GIS_FORMATS:
        raise ValueError(f"неизвестный формат «{fmt}»: допустимо {', '.join(GIS_FORMATS + TABLE_FORMATS)}")
    if fmt == "shp":
        return _write_shapefile(layer, output_path(path))
    with atomic_target(path) as temporary:
        return _write_gdal(layer, fmt, temporary, output_path(path))


def _write_gdal(layer: Layer, fmt: str, temporary: Path, target: Path) -> int:
    # GDAL picks a driver's behaviour from the extension (LIBKML writes a folder for an unknown one).
    work = temporary.resolve().with_name(temporary.name + "." + fmt)
    try:
        writer = _write_kml if fmt in ("kml", "kmz") else _write_chunks
        count = writer(layer, fmt, work, target)
        os.replace(work, temporary)
        return count
    finally:
        work.unlink(missing_ok=True)


def _write_kml(layer: Layer, fmt: str, work: Path, target: Path) -> int:
    """KML and KMZ in one write: LIBKML cannot append to a KMZ, and field apps choke on huge files anyway."""
    rows = [f for f in itertools.islice(_placed(layer), KML_MAX_FEATURES + 1)]
    if len(rows) > KML_MAX_FEATURES:
        raise ValueError(f"в KML/KMZ не больше {KML_MAX_FEATURES:,} объектов".replace(",", " ")
                         + ": выберите период короче или формат GeoPackage")
    _guarded(lambda: _write(layer, fmt, work, rows, append=False), target)
    _check_count(work, fmt, len(rows), target)
    return len(rows)


def _write_shapefile(layer: Layer, target: Path) -> int:
    """Write the .shp/.shx/.dbf/.prj/.cpg set in a temporary folder, then move each file over the target's."""
    if not target.parent.is_dir():
        raise OutputError(f"Папка для файла не существует: {target.parent}")
    stem = target.stem
    try:
        with tempfile.TemporaryDirectory(prefix=f".{stem}.", dir=target.parent) as folder:
            count = _write_chunks(layer, "shp", Path(folder) / f"{stem}.shp", target)
            parts = sorted(Path(folder).iterdir(), key=lambda p: p.suffix == ".shp")  # .shp last
            for part in parts:
                os.replace(part, output_path(target.with_name(part.name)))
    except OSError as exc:
        raise _output_error(exc, target) from exc
    return count


def _write_chunks(layer: Layer, fmt: str, path: Path, target: Path) -> int:
    count = 0
    for chunk in _chunks(_placed(layer), CHUNK):
        _guarded(lambda c=chunk, a=count > 0: _write(layer, fmt, path, c, append=a), target)  # type: ignore[misc]
        count += len(chunk)
    if count == 0:
        _guarded(lambda: _write(layer, fmt, path, [], append=False), target)
    _check_count(path, fmt, count, target)
    return count


def _placed(layer: Layer) -> Iterator[Feature]:
    return (f for f in layer.features if f.geometry is not None and not f.geometry.is_empty)


def _guarded(write: Callable[[], None], target: Path) -> None:
    """Run one GDAL write; its errors become one Russian sentence (``OutputError``)."""
    try:
        write()
    except RuntimeError as exc:  # pyogrio's DataSourceError, DataLayerError, FieldError... are RuntimeErrors
        raise _gdal_error(exc, target) from exc


def _chunks(rows: Iterator[Feature], size: int) -> Iterator[list[Feature]]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def _write(layer: Layer, fmt: str, path: Path, chunk: Sequence[Feature], append: bool) -> None:
    from pyogrio.raw import write

    names, arrays, masks = _columns(layer, fmt, chunk)
    geometry = np.array([to_wkb(f.geometry) for f in chunk], dtype=object)
    options: dict[str, object] = {"encoding": "UTF-8"} if fmt == "shp" else {}
    if fmt == "geojson":
        options["layer_options"] = {"RFC7946": "YES"}
    if fmt == "gpkg" and not append:
        options["layer_metadata"] = {"DESCRIPTION": layer.title}
    kwargs = dict(field_mask=masks, geometry_type=layer.geometry_type, crs="EPSG:4326", driver=_DRIVERS[fmt],
                  layer=path.stem if fmt == "shp" else layer.name, append=append, **options)
    if fmt in ("kml", "kmz"):
        with _KML_LOCK, _KmlFields(layer):
            write(str(path), geometry, arrays, names, **kwargs)
    else:
        write(str(path), geometry, arrays, names, **kwargs)


class _KmlFields:
    """LIBKML's name and description fields set for the duration of one write."""

    def __init__(self, layer: Layer) -> None:
        self._options = {"LIBKML_NAME_FIELD": layer.label or None,
                         "LIBKML_DESCRIPTION_FIELD": layer.description or None}

    def __enter__(self) -> None:
        from pyogrio import set_gdal_config_options

        set_gdal_config_options(self._options)

    def __exit__(self, *exc: object) -> None:
        from pyogrio import set_gdal_config_options

        set_gdal_config_options({key: None for key in self._options})


def _columns(layer: Layer, fmt: str, chunk: Sequence[Feature]) -> tuple[list[str], list[np.ndarray], list]:
    names, arrays, masks = [f.name for f in layer.fields], [], []
    for i, fld in enumerate(layer.fields):
        array, mask = _array(fld, [row.values[i] for row in chunk], fmt)
        arrays.append(array)
        masks.append(mask)
    if fmt in ("kml", "kmz"):
        names.append("OGR_STYLE")
        arrays.append(np.array([kml_style(layer.geometry_type, row.color) for row in chunk], dtype=object))
        masks.append(None)
    return names, arrays, masks


def _array(fld: Field, values: list[object], fmt: str) -> tuple[np.ndarray, np.ndarray | None]:
    """Column values and their null mask (None: text, where None itself is the null)."""
    if fld.kind in ("int", "float"):
        mask = np.array([v is None for v in values], dtype=bool)
        dtype = _int_type(values) if fld.kind == "int" else "float64"
        return np.array([0 if v is None else v for v in values], dtype=dtype), mask
    return np.array([_text(v, fmt) for v in values], dtype=object), None


def _int_type(values: list[object]) -> str:
    """32-bit where the values fit: KML (LIBKML) types 64-bit integers as strings."""
    return "int32" if all(v is None or -(2**31) <= int(v) < 2**31 for v in values) else "int64"  # type: ignore[call-overload]


def _text(value: object, fmt: str) -> str | None:
    if value is None:
        return None
    text = str(safe_cell(str(value)))
    if fmt in ("kml", "kmz"):
        return html.escape(text, quote=False)
    if fmt == "shp":
        return clip_utf8(text, SHP_TEXT_BYTES)
    return text


def clip_utf8(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes at a character boundary, with «…» where cut."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - len("…".encode())].decode("utf-8", errors="ignore") + "…"


def kml_style(geometry_type: str, color: str) -> str:
    """An OGR feature style string: a coloured icon for points, outline and fill for areas."""
    rgb = color.lstrip("#").upper()
    if geometry_type == "Point":
        return f'SYMBOL(id:"{KML_ICON}",c:#{rgb}FF,s:1.1)'
    return f"PEN(c:#{rgb}FF,w:2px);BRUSH(fc:#{rgb}80)"


def _check_count(path: Path, fmt: str, expected: int, target: Path) -> None:
    """Count the features back: GDAL does not always report a short write (a full disk) as an error."""
    from pyogrio import read_info

    try:
        found = read_info(str(path))["features"]
    except RuntimeError as exc:
        raise _gdal_error(exc, target) from exc
    if found != expected:
        raise _gdal_error(RuntimeError(f"записано {found} из {expected}"), target)


def _gdal_error(exc: Exception, target: Path) -> OutputError:
    text = str(exc)
    if "No space" in text or "disk full" in text.lower() or _disk_nearly_full(target):
        return OutputError(f"Нет места на диске: {target.name} не записан, прежний файл сохранён")
    return OutputError(f"Файл {target.name} не записан (GDAL: {text[:200]}); прежний файл сохранён")


def _output_error(exc: OSError, target: Path) -> OutputError:
    if isinstance(exc, OutputError):
        return exc
    if exc.errno == 28:
        return OutputError(f"Нет места на диске: {target.name} не записан, прежний файл сохранён")
    return OutputError(f"Файл {target} не записан: {os_reason(exc)}")


def _disk_nearly_full(target: Path) -> bool:
    try:
        return shutil.disk_usage(target.parent).free < 1024 * 1024
    except OSError:
        return False
