"""GIS out: messages, incidents, points of assistance and the choropleth as GeoPackage, KML/KMZ, Shapefile and
GeoJSON written by GDAL (pyogrio), read back by pyogrio and by Debian's own GDAL (ogrinfo), Cyrillic intact."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

import pyogrio
import pytest
from pyogrio.raw import read
from shapely.geometry import box

from app.categories import BY_CODE
from app.export import (
    GIS_FORMATS,
    export_aid,
    export_choropleth,
    export_incidents,
    export_layer,
    export_messages,
    messages_layer,
)
from app.export import gis as gis_module
from app.export.layers import AID_FIELDS, CHOROPLETH_FIELDS, INCIDENT_FIELDS, MESSAGE_FIELDS
from app.incidents import update_incidents
from app.intake.writer import Incoming, store_incoming
from app.ops.assistance import AssistanceRow, list_points, save_point
from app.region import Municipality, RegionPack
from tests.fixtures import FIXTURE_START, fixture_messages, fixture_total

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = "=HYPERLINK(\"http://x\")<img src=x onerror=alert(1)>\x01 Подтопило"
OGRINFO = shutil.which("ogrinfo")


def _fields(path: Path) -> dict[str, list]:
    meta, _fids, _geometry, values = read(str(path))[:4]
    return {str(name): list(column) for name, column in zip(meta["fields"], values, strict=True)}


def _stored(store) -> int:
    result = store_incoming(store, fixture_messages())
    update_incidents(store, result.new_ids)
    return result.inserted


@pytest.mark.parametrize("fmt", GIS_FORMATS)
def test_messages_read_back_with_counts_and_cyrillic(store, tmp_path, fmt):
    _stored(store)
    out = tmp_path / f"сообщения.{fmt}"
    assert export_messages(store, fmt, out) == fixture_total()
    assert pyogrio.read_info(str(out))["features"] == fixture_total()
    fields = _fields(out)
    settlement = fields["settlement"]
    assert {"Геленджик", "Армавир", "Туапсе"} == set(settlement)
    # KML shows the category as the placemark's name; messages' GeoJSON keeps its full property names
    label = fields.get("cat_label") or fields.get("category_label") or fields["Name"]
    assert "Электроснабжение" in label and "Подтопления" in label
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_field_names_fit_a_shapefile_and_the_cpg_says_utf8(store, tmp_path):
    _stored(store)
    for fields in (MESSAGE_FIELDS, INCIDENT_FIELDS, AID_FIELDS, CHOROPLETH_FIELDS):
        assert all(len(f.name) <= 10 and f.name.isascii() for f in fields)
    out = tmp_path / "messages.shp"
    export_messages(store, "shp", out)
    assert (tmp_path / "messages.cpg").read_text().strip().upper() in ("UTF-8", "UTF8")
    assert {p.suffix for p in tmp_path.iterdir()} >= {".shp", ".shx", ".dbf", ".prj", ".cpg"}
    documented = (ROOT / "docs" / "GIS.md").read_text(encoding="utf-8")
    assert all(f"`{f.name}`" in documented for f in MESSAGE_FIELDS + INCIDENT_FIELDS + AID_FIELDS)


def test_kml_is_styled_by_category(store, tmp_path):
    _stored(store)
    out = tmp_path / "messages.kml"
    export_messages(store, "kml", out)
    text = out.read_text(encoding="utf-8")
    colors = set(re.findall(r"<IconStyle>\s*<color>([0-9a-f]{8})</color>", text))

    def kml(code: str) -> str:
        rgb = BY_CODE[code].color.lstrip("#").lower()
        return "ff" + rgb[4:6] + rgb[2:4] + rgb[0:2]

    assert colors == {kml(code) for code in ("power", "water", "storm", "flood")}
    kmz = tmp_path / "messages.kmz"
    export_messages(store, "kmz", kmz)
    with zipfile.ZipFile(kmz) as archive:
        inner = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".kml"))
    assert kml("power") in inner and "Геленджик" in inner


def test_public_text_is_inert_in_every_format(store, tmp_path):
    store_incoming(store, [Incoming(source="vk", text=HOSTILE, published_at=FIXTURE_START, external_id="h1",
                                    lat=44.56, lon=38.08, settlement="<b>Геленджик</b>", category="flood")])
    for fmt in GIS_FORMATS:
        out = tmp_path / f"hostile.{fmt}"
        assert export_messages(store, fmt, out) == 1
        if fmt in ("kml", "kmz"):
            raw = out.read_bytes() if fmt == "kml" else zipfile.ZipFile(out).read(
                next(n for n in zipfile.ZipFile(out).namelist() if n.endswith("messages.kml")))
            assert b"\x01" not in raw and b"<img" not in raw and b"<b>" not in raw
        elif fmt != "geojson":  # messages' GeoJSON is for programs: the text as it came, JSON-escaped
            text = _fields(out)["text"][0]
            assert text.startswith("'=HYPERLINK") and "Подтопило" in text and "\x01" not in text
    kml = (tmp_path / "hostile.kml").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in kml or "&amp;lt;img" in kml


def test_incidents_export_as_extents(store, tmp_path):
    _stored(store)
    out = tmp_path / "incidents.gpkg"
    count = export_incidents(store, "gpkg", out)
    assert count > 0
    info = pyogrio.read_info(str(out))
    assert info["features"] == count and info["geometry_type"] == "Polygon"
    fields = _fields(out)
    assert set(fields["cat_label"]) <= {c.label for c in BY_CODE.values()}
    assert sum(fields["messages"]) == fixture_total()
    table = tmp_path / "incidents.csv"
    assert export_incidents(store, "csv", table) == count
    assert table.read_text(encoding="utf-8-sig").splitlines()[0].startswith("№,Код категории,Категория")


def _pack() -> RegionPack:
    units = (Municipality("город-курорт Геленджик", box(37.9, 44.4, 38.3, 44.7), 75000, 2021, "Краснодарский край"),
             Municipality("Армавир", box(41.0, 44.9, 41.3, 45.1), None, None, "Краснодарский край"))
    return RegionPack("test", Path("test.geojson"), None, units)


def test_choropleth_rates_per_thousand(store, tmp_path):
    items = [Incoming(source="t", text=f"нет света {n}", published_at=FIXTURE_START + timedelta(minutes=n),
                      external_id=str(n), lat=44.56, lon=38.08, municipality="город-курорт Геленджик",
                      settlement="Геленджик", region="Краснодарский край", category="power") for n in range(15)]
    store_incoming(store, items)
    for fmt in ("gpkg", "shp", "kml"):
        out = tmp_path / f"choropleth.{fmt}"
        assert export_choropleth(store, _pack(), fmt, out) == 2
        fields = _fields(out)
        names = fields.get("name") or fields["Name"]
        assert names == ["город-курорт Геленджик", "Армавир"]
        assert fields["per_1000"][0] == pytest.approx(0.2) and fields["messages"][0] == 15
    assert pyogrio.read_info(str(tmp_path / "choropleth.gpkg"))["geometry_type"] == "MultiPolygon"
    with pytest.raises(ValueError, match="пакет"):
        export_choropleth(store, None, "gpkg", tmp_path / "none.gpkg")


def test_points_of_assistance_as_layers(store, tmp_path):
    save_point(store, AssistanceRow(0, "water", "Подвоз воды у школы №3", 44.99, 41.12, "ул. Ленина, 5"))
    save_point(store, AssistanceRow(0, "warming", "Пункт обогрева", 44.56, 38.08, None, "planned"))
    for fmt in ("gpkg", "kmz", "shp"):
        out = tmp_path / f"aid.{fmt}"
        assert export_aid(list_points(store), fmt, out) == 2
        fields = _fields(out)
        assert (fields.get("name") or fields["Name"])[0] == "Подвоз воды у школы №3"
        assert fields["kind_label"] == ["Подвоз воды", "Пункт обогрева"]


@pytest.mark.skipif(OGRINFO is None, reason="ogrinfo (Debian gdal-bin, Makefile SYSTEM_PACKAGES) not installed")
@pytest.mark.parametrize("fmt", ["gpkg", "kml", "kmz", "shp"])
def test_debians_own_gdal_opens_the_files(store, tmp_path, fmt):
    _stored(store)
    out = tmp_path / f"messages.{fmt}"
    export_messages(store, fmt, out)
    summary = subprocess.run([OGRINFO, "-so", "-al", str(out)], capture_output=True, text=True, check=True).stdout
    assert f"Feature Count: {fixture_total()}" in summary
    features = subprocess.run([OGRINFO, "-al", "-q", str(out)], capture_output=True, text=True, check=True).stdout
    assert "settlement (String) = Геленджик" in features
    assert "Электроснабжение" in features


def test_kml_refuses_more_than_field_apps_can_open(store, tmp_path, monkeypatch):
    _stored(store)
    monkeypatch.setattr(gis_module, "KML_MAX_FEATURES", 10)
    with pytest.raises(ValueError, match="GeoPackage"):
        export_layer(messages_layer(store), "kmz", tmp_path / "big.kmz")
    assert not [p for p in tmp_path.iterdir() if not p.name.startswith("test.sqlite3")]


def test_cli_exports_layers_and_says_so_in_russian(store, tmp_path):
    _stored(store)
    env = {**os.environ, "OPERSHTAB_DATA_DIR": str(tmp_path / "data")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(ROOT / "main.py"), *args, "--db", store.url], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120, check=False)

    result = run("export", "incidents", "--format", "gpkg", "--out", str(tmp_path / "i.gpkg"))
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"Записано: \d+ происшестви[ейя]+ → .*i\.gpkg", result.stdout.strip())
    result = run("export", "messages", "--format", "kmz", "--out", str(tmp_path / "m.kmz"),
                 "--from", "2026-11-24 16:00", "--to", "2026-11-24 17:00")
    assert result.returncode == 0 and result.stdout.startswith(f"Записано: {fixture_total(2)} сообщений")
    result = run("export", "choropleth", "--format", "shp", "--out", str(tmp_path / "c.shp"))
    assert result.returncode == 2 and "пакета региона" in result.stderr and "Traceback" not in result.stderr
    result = run("assistance", "export", "--format", "gpkg", "--out", str(tmp_path / "a.gpkg"))
    assert result.returncode == 0 and result.stdout.strip() == f"Записано: 0 пунктов помощи → {tmp_path / 'a.gpkg'}"


def test_geojson_is_rfc7946(store, tmp_path):
    _stored(store)
    out = tmp_path / "incidents.geojson"
    export_incidents(store, "geojson", out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and data["features"][0]["geometry"]["type"] == "Polygon"
    assert "crs" not in data  # RFC 7946: WGS 84 longitude/latitude, no crs member
