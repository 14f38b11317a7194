"""Overlay layers in: GeoPackage, KML, KMZ, Shapefile and GeoJSON files stored with a name and a colour,
bounded (size, archive contents, features, vertices) and with hostile names kept as plain text."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
from pyogrio.raw import write
from shapely import to_wkb, transform
from shapely.geometry import Point, shape

from app.ops import overlay_files
from app.ops.overlays import OverlayError, delete_overlay, import_overlay, list_overlays, update_overlay
from tests.overlay_files import FORMATS, HOSTILE_NAME, ZONES, write_overlay, write_points


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_imports_with_cyrillic_properties(store, tmp_path, fmt):
    path = write_overlay(tmp_path, fmt)
    row = import_overlay(store, path)
    assert row.name == "зоны_подтопления" and row.visible and row.color.startswith("#")
    assert row.feature_count == 2
    names = [f["properties"].get("name") or f["properties"].get("Name") for f in row.collection["features"]]
    assert names == ["Зона подтопления №1", HOSTILE_NAME]
    assert shape(row.collection["features"][0]["geometry"]).normalize().equals_exact(ZONES[0].normalize(), 1e-6)
    assert list_overlays(store) == [row]


def test_name_colour_visibility_and_delete(store, tmp_path):
    first = import_overlay(store, write_points(tmp_path), name="  Пункты\x01 эвакуации ", color="#00AA00")
    second = import_overlay(store, write_overlay(tmp_path, "geojson"), color="red; background:url(x)")
    assert first.name == "Пункты эвакуации" and first.color == "#00aa00"
    assert second.color != first.color and second.color.startswith("#") and len(second.color) == 7
    changed = update_overlay(store, first.id, name="ПВР", color="#123456", visible=False)
    assert changed is not None and (changed.name, changed.color, changed.visible) == ("ПВР", "#123456", False)
    assert delete_overlay(store, second.id) and not delete_overlay(store, second.id)
    assert [r.name for r in list_overlays(store)] == ["ПВР"]
    assert update_overlay(store, 9999, name="x") is None


def test_other_coordinate_systems_are_reprojected(store, tmp_path):
    def to_mercator(xy: np.ndarray) -> np.ndarray:
        x, y = xy[:, 0], xy[:, 1]
        return np.column_stack([x * 20037508.342789244 / 180, np.log(np.tan((90 + y) * np.pi / 360)) * 6378137.0])

    path = tmp_path / "mercator.gpkg"
    write(str(path), np.array([to_wkb(transform(ZONES[0], to_mercator))], dtype=object),
          [np.array(["Участок сети"], dtype=object)], ["name"], geometry_type="Polygon", crs="EPSG:3857",
          driver="GPKG", layer="grid")
    row = import_overlay(store, path)
    assert shape(row.collection["features"][0]["geometry"]).normalize().equals_exact(ZONES[0].normalize(), 1e-5)


def test_shapefile_without_cpg_in_windows_1251(store, tmp_path):
    path = tmp_path / "сети.shp"
    write(str(path), np.array([to_wkb(Point(39.0, 45.0))], dtype=object), [np.array(["Подстанция"], dtype=object)],
          ["name"], geometry_type="Point", crs="EPSG:4326", driver="ESRI Shapefile", layer="сети", encoding="cp1251")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    row = import_overlay(store, path)
    assert row.collection["features"][0]["properties"]["name"] == "Подстанция"


def test_too_large_file_is_refused_in_russian(store, tmp_path, monkeypatch):
    path = tmp_path / "big.geojson"
    with open(path, "wb") as handle:
        handle.truncate(overlay_files.MAX_FILE_BYTES + 1)  # sparse: the size is real, no disk is used
    with pytest.raises(OverlayError, match="больше 50 МБ"):
        import_overlay(store, path)
    assert list_overlays(store) == []


def test_kmz_declared_size_is_checked_before_unpacking(store, tmp_path):
    path = tmp_path / "bomb.kmz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("doc.kml", "w", force_zip64=True) as entry:
        chunk = b" " * (1 << 20)
        for _ in range(overlay_files.MAX_UNPACKED_BYTES // len(chunk) + 1):
            entry.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(OverlayError, match="распаковывается больше"):
        import_overlay(store, path)


def test_too_many_features_are_refused(store, tmp_path):
    path = tmp_path / "points.geojson"
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [39 + i * 1e-5, 45]},
                 "properties": {}} for i in range(overlay_files.MAX_FEATURES + 1)]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    with pytest.raises(OverlayError, match=r"больше 20\s000 объектов"):
        import_overlay(store, path)


def test_too_many_vertices_are_refused(store, tmp_path, monkeypatch):
    monkeypatch.setattr(overlay_files, "MAX_VERTICES", 6)
    with pytest.raises(OverlayError, match="упростите"):
        import_overlay(store, write_overlay(tmp_path, "gpkg"))


@pytest.mark.parametrize("content,reason", [
    (b"not a zip", "повреждённый архив"), (b"", "повреждённый архив"),
])
def test_broken_files_give_a_reason(store, tmp_path, content, reason):
    path = tmp_path / "broken.kmz"
    path.write_bytes(content)
    with pytest.raises(OverlayError, match=reason):
        import_overlay(store, path)


def test_unreadable_and_foreign_files(store, tmp_path):
    for name, content, reason in (("x.geojson", b"{broken", "GDAL не смог"), ("x.dwg", b"AC1027", "нужен файл"),
                                  ("missing.gpkg", None, "не найден"),
                                  ("empty.geojson", b'{"type":"FeatureCollection","features":[]}', "нет объектов")):
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        with pytest.raises(OverlayError, match=reason) as caught:
            import_overlay(store, path)
        assert "Traceback" not in str(caught.value) and name in str(caught.value)
