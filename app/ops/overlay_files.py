"""Reading an overlay file (GeoPackage, KML/KMZ, Shapefile, GeoJSON) through GDAL, within limits.

The file is measured before GDAL parses it: its size (a Shapefile's set of files
together), a KMZ's declared unpacked sizes and entry count, then the layers'
feature counts; anything over a limit is refused with one Russian sentence
(``OverlayError``). Geometries come out as GeoJSON in longitude/latitude (GDAL
reprojects other coordinate systems through a warped VRT), two-dimensional,
rounded to about 10 cm. Names and values of properties are plain text, cleaned
of control characters and clipped.
"""

from __future__ import annotations

import math
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import shapely
from shapely.geometry import mapping

from app.common.cells import clean_text
from app.common.ru import count_phrase

EXTENSIONS = (".gpkg", ".kml", ".kmz", ".shp", ".geojson", ".json")
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a KMZ's declared contents
MAX_ARCHIVE_ENTRIES = 1000
MAX_LAYERS = 50
MAX_FEATURES = 20000
MAX_VERTICES = 500000
MAX_PROPERTIES = 40
MAX_KEY_CHARS = 64
MAX_VALUE_CHARS = 500
_WGS84 = ("EPSG:4326", "OGC:CRS84")
_SHP_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
# What GDAL's LIBKML driver reports for every placemark: KML's own drawing settings, not the centre's data.
_KML_HOUSEKEEPING = frozenset({"id", "tessellate", "extrude", "visibility", "drawOrder", "altitudeMode", "icon",
                               "snippet", "OGR_STYLE"})


class OverlayError(ValueError):
    """An overlay file that cannot be taken; ``str()`` is one Russian sentence naming the file."""


def read_overlay(path: str | Path) -> list[dict]:
    """The GeoJSON features of every layer of the file at ``path`` (each with a ``layer`` property)."""
    source = Path(path)
    _check_file(source)
    layers = _layers(source)
    _check_features(source, layers)
    features: list[dict] = []
    vertices = 0
    for layer in layers:
        for feature, count in _read_layer(source, layer):
            vertices += count
            if vertices > MAX_VERTICES:
                raise OverlayError(f"{source.name}: больше {_vertices(MAX_VERTICES)} — упростите слой в ГИС")
            features.append(feature)
    if not features:
        raise OverlayError(f"{source.name}: в файле нет объектов с геометрией")
    return features


def _vertices(n: int) -> str:
    return count_phrase(n, "вершины", "вершин", "вершин")


def _check_file(source: Path) -> None:
    if source.suffix.lower() not in EXTENSIONS:
        raise OverlayError(f"{source.name}: нужен файл GeoPackage, KML, KMZ, Shapefile (.shp) или GeoJSON")
    if not source.is_file():
        raise OverlayError(f"Файл слоя не найден: {source}")
    parts = [source.with_suffix(s) for s in _SHP_PARTS] if source.suffix.lower() == ".shp" else [source]
    size = sum(p.stat().st_size for p in parts if p.is_file())
    if size > MAX_FILE_BYTES:
        raise OverlayError(f"{source.name}: файл больше {MAX_FILE_BYTES // 2**20} МБ — слой слишком велик для карты")
    if source.suffix.lower() == ".kmz":
        _check_archive(source)
    if source.suffix.lower() == ".shp" and not source.with_suffix(".dbf").is_file():
        raise OverlayError(f"{source.name}: рядом нет файла .dbf с атрибутами")


def _check_archive(source: Path) -> None:
    """A KMZ's declared sizes, before anything is unpacked."""
    try:
        with zipfile.ZipFile(source) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise OverlayError(f"{source.name}: повреждённый архив KMZ") from exc
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        raise OverlayError(f"{source.name}: в архиве больше {MAX_ARCHIVE_ENTRIES} файлов")
    if sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise OverlayError(f"{source.name}: архив распаковывается больше чем в {MAX_UNPACKED_BYTES // 2**20} МБ")
    if not any(e.filename.lower().endswith(".kml") for e in entries):
        raise OverlayError(f"{source.name}: в архиве KMZ нет файла KML")


def _layers(source: Path) -> list[str]:
    from pyogrio import list_layers

    try:
        names = [str(row[0]) for row in list_layers(str(source))]
    except RuntimeError as exc:
        raise OverlayError(f"{source.name}: GDAL не смог прочитать файл ({_short(exc)})") from exc
    if len(names) > MAX_LAYERS:
        raise OverlayError(f"{source.name}: больше {MAX_LAYERS} слоёв в одном файле")
    return names


def _check_features(source: Path, layers: list[str]) -> None:
    from pyogrio import read_info

    total = 0
    for layer in layers:
        try:
            total += max(0, int(read_info(str(source), layer=layer, force_feature_count=True)["features"]))
        except RuntimeError as exc:
            raise OverlayError(f"{source.name}: слой не читается ({_short(exc)})") from exc
        if total > MAX_FEATURES:
            raise OverlayError(f"{source.name}: больше {count_phrase(MAX_FEATURES, 'объекта', 'объектов', 'объектов')}"
                               " — слой слишком велик для карты")


def _read_layer(source: Path, layer: str) -> Iterator[tuple[dict, int]]:
    from pyogrio.raw import read

    try:
        with tempfile.TemporaryDirectory(prefix="opershtab-overlay-") as folder:
            path = _lonlat_source(source, layer, Path(folder))
            meta, _fids, geometries, values = read(path, layer=None if path != str(source) else layer,
                                                   max_features=MAX_FEATURES, encoding=_encoding(source))[:4]
    except RuntimeError as exc:
        raise OverlayError(f"{source.name}: слой не читается ({_short(exc)})") from exc
    kml = source.suffix.lower() in (".kml", ".kmz")
    columns = [(j, _key(n)) for j, n in enumerate(meta["fields"]) if not (kml and str(n) in _KML_HOUSEKEEPING)]
    columns = columns[:MAX_PROPERTIES]
    for i, wkb in enumerate(geometries if geometries is not None else []):
        geometry = _geometry(wkb)
        if geometry is None:
            continue
        props: dict[str, object] = {"layer": clean_text(layer)[:MAX_KEY_CHARS]}
        props.update((k, v) for k, v in ((name, _value(values[j][i])) for j, name in columns) if v is not None)
        yield {"type": "Feature", "geometry": mapping(geometry), "properties": props}, \
            int(shapely.get_num_coordinates(geometry))


def _lonlat_source(source: Path, layer: str, folder: Path) -> str:
    """The file itself when it is in longitude/latitude, else a VRT that has GDAL reproject the layer."""
    from pyogrio import read_info

    crs = read_info(str(source), layer=layer)["crs"]
    if crs is None or crs in _WGS84:
        return str(source)
    root = ET.Element("OGRVRTDataSource")
    warped = ET.SubElement(root, "OGRVRTWarpedLayer")
    inner = ET.SubElement(warped, "OGRVRTLayer", name="overlay")
    ET.SubElement(inner, "SrcDataSource").text = str(source.resolve())
    ET.SubElement(inner, "SrcLayer").text = layer
    ET.SubElement(warped, "TargetSRS").text = "OGC:CRS84"  # longitude first, as GeoJSON wants
    vrt = folder / "lonlat.vrt"
    vrt.write_bytes(ET.tostring(root, encoding="utf-8"))
    return str(vrt)


def _encoding(source: Path) -> str | None:
    """A Shapefile's text encoding where it has no ``.cpg``: GDAL would read Latin-1 then.

    Russian desktop GIS wrote Windows-1251 (or DOS 866, language driver 0x26) without one;
    newer tools write UTF-8. Valid UTF-8 in the first records means UTF-8.
    """
    if source.suffix.lower() != ".shp" or source.with_suffix(".cpg").is_file():
        return None
    with open(source.with_suffix(".dbf"), "rb") as handle:
        sample = handle.read(256 * 1024)
    if sample[29:30] == b"\x26":
        return "cp866"
    body = sample[32:]
    if max(body, default=0) < 0x80:
        return None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return "UTF-8" if exc.start >= len(body) - 3 else "cp1251"  # a character cut by the sample's end
    return "UTF-8"


def _geometry(wkb: object) -> shapely.Geometry | None:
    if wkb is None:
        return None
    try:
        geometry = shapely.force_2d(shapely.from_wkb(wkb))
    except (shapely.errors.GEOSException, ValueError, TypeError):
        return None
    if geometry is None or geometry.is_empty:
        return None
    rounded = shapely.transform(geometry, lambda xy: np.round(xy, 6))
    bounds = rounded.bounds
    if not all(math.isfinite(b) for b in bounds) or not (-180 <= bounds[0] <= bounds[2] <= 180
                                                         and -90 <= bounds[1] <= bounds[3] <= 90):
        return None
    return rounded


def _key(name: object) -> str:
    return clean_text(str(name))[:MAX_KEY_CHARS] or "поле"


def _value(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()  # NaT and friends become None here
    if value is None or isinstance(value, bytes | bytearray):
        return None
    if isinstance(value, bool | int):
        return value if abs(int(value)) < 2**53 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return clean_text(str(value))[:MAX_VALUE_CHARS]


def _short(exc: Exception) -> str:
    return clean_text(str(exc)).splitlines()[0][:160] if str(exc) else type(exc).__name__
