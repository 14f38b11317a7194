"""Overlay files as a centre's GIS colleagues send them: flood zones and evacuation points in every format."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
from pyogrio.raw import write
from shapely import to_wkb
from shapely.geometry import Point, Polygon, box

FORMATS = ("gpkg", "kml", "kmz", "shp", "geojson")
HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">__proto__'
ZONES = [box(38.95, 45.00, 39.05, 45.06), Polygon([(38.90, 44.95), (38.98, 44.95), (38.94, 44.99)])]
POINTS = [Point(38.99, 45.04), Point(39.02, 45.02)]


def write_overlay(folder: Path, fmt: str, stem: str = "зоны_подтопления", crs: str = "EPSG:4326") -> Path:
    """Two flood-zone polygons with Cyrillic and hostile properties, in ``fmt``."""
    geometries = np.array([to_wkb(g) for g in ZONES], dtype=object)
    names = np.array(["Зона подтопления №1", HOSTILE_NAME], dtype=object)
    levels = np.array([3, 2], dtype="int32")
    target = folder / f"{stem}.{'kml' if fmt == 'kmz' else fmt}"
    kwargs = {"encoding": "UTF-8"} if fmt == "shp" else {}
    write(str(target), geometries, [names, levels], ["name", "уровень"] if fmt != "shp" else ["name", "level"],
          geometry_type="Polygon", crs=crs, driver=_DRIVER[fmt], layer=stem, **kwargs)
    if fmt != "kmz":
        return target
    kmz = target.with_suffix(".kmz")
    with zipfile.ZipFile(kmz, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(target, "doc.kml")
    target.unlink()
    return kmz


def write_points(folder: Path) -> Path:
    """Evacuation points as GeoJSON."""
    target = folder / "пункты_эвакуации.geojson"
    write(str(target), np.array([to_wkb(p) for p in POINTS], dtype=object),
          [np.array(["ПВР школа №5", "ПВР ДК «Нефтяник»"], dtype=object)], ["name"], geometry_type="Point",
          crs="EPSG:4326", driver="GeoJSON", layer="evac")
    return target


_DRIVER = {"gpkg": "GPKG", "kml": "LIBKML", "kmz": "LIBKML", "shp": "ESRI Shapefile", "geojson": "GeoJSON"}


def add_warning(store, identifier: str, severity: str | None = "Severe", event: str = "Сильный ветер",
                effective=None, expires=None, status: str | None = "Actual", msg_type: str | None = "Alert",
                area: str | None = "Черноморское побережье", geometry: dict | None = None, sent=None) -> int:
    """One CAP warning row as the CAP connector stores it (``app.store.OfficialWarning``); returns its id."""
    import json as _json
    from datetime import UTC, datetime

    from app.store import OfficialWarning

    geometry = geometry if geometry is not None else {
        "type": "Polygon", "coordinates": [[[37.6, 44.4], [39.2, 44.4], [39.2, 45.2], [37.6, 45.2], [37.6, 44.4]]]}
    with store.session() as session:
        row = OfficialWarning(source="cap-test", identifier=identifier, sender="Кубанское УГМС", sent=sent,
                              status=status, msg_type=msg_type, event=event, severity=severity, urgency="Expected",
                              certainty="Likely", headline=f"{event}: предупреждение", description="Порывы до 30 м/с",
                              area_desc=area, geometry=_json.dumps(geometry), effective=effective, expires=expires,
                              received_at=datetime.now(UTC))
        session.add(row)
        session.flush()
        return row.id
