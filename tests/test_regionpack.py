"""Region packs: loading, validation with Russian errors, missing population, remembering (no Qt)."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core import Core
from app.intake import Incoming, store_incoming
from app.region.packs import RegionPackError, load_region_pack
from app.store import Message

KDA = "boundaries/krasnodar_krai_municipalities.geojson"
MOMENT = datetime(2026, 11, 24, 12, tzinfo=UTC)


def _csv_rows(shared: Path, region: str) -> dict[str, str]:
    with (shared / "population" / "municipal_population.csv").open(encoding="utf-8") as handle:
        return {r["municipality"]: r["population"] for r in csv.DictReader(handle) if r["region"] == region}


def test_krasnodar_pack_loads_with_missing_population_as_none(shared_data):
    pack = load_region_pack(shared_data / KDA)
    expected = _csv_rows(shared_data, "krasnodar_krai")
    assert pack.region_id == "krasnodar_krai" and len(pack.names) == 44 == len(expected)
    for unit in pack.municipalities:
        assert unit.population == (int(expected[unit.name]) if expected[unit.name] else None)
        assert unit.geometry.is_valid and unit.geometry.area > 0
    missing = [n for n, v in expected.items() if not v]
    assert len(missing) == 30
    assert all(any(n in w for w in pack.warnings) for n in missing)


@pytest.mark.parametrize("region", ["rostov_oblast", "crimea", "sevastopol", "volgograd_oblast"])
def test_every_shared_pack_matches_its_population_rows(shared_data, region):
    pack = load_region_pack(shared_data / "boundaries" / f"{region}_municipalities.geojson")
    rows = _csv_rows(shared_data, region)
    assert set(pack.names) == set(rows)
    assert sum(1 for m in pack.municipalities if m.population) == sum(1 for v in rows.values() if v)


def _feature(name: str | None, coords: list) -> dict:
    props = {"district": name} if name is not None else {}
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [coords]}}


SQUARE = [[38.0, 45.0], [38.5, 45.0], [38.5, 45.5], [38.0, 45.5], [38.0, 45.0]]


def _write(tmp_path: Path, features: list, csv_text: str | None = None) -> Path:
    path = tmp_path / "test_municipalities.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    if csv_text is not None:
        (tmp_path / "pop.csv").write_text(csv_text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("features", "csv_text", "message"), [
    ([_feature(None, SQUARE)], None, "нет свойства «district»"),
    ([_feature("А", SQUARE), _feature("А", SQUARE)], None, "встречается дважды"),
    ([], None, "нет объектов"),
    ([_feature("А", SQUARE)], "region,municipality\ntest,А\n", "нет столбцов population, year, source"),
    ([_feature("А", SQUARE)], "region,municipality,population,year,source\ntest,А,много,2021,x\n",
     "должно быть целым положительным числом"),
    ([_feature("А", SQUARE)], "region,municipality,population,year,source\ntest,Б,100,2021,x\n",
     "Ни одно название"),
    ([_feature("А", [[float("nan"), 45.0], *SQUARE[1:]])], None, "ошибочная геометрия"),  # an open ring
    ([_feature("А", [[38.0, float("nan")], *SQUARE[1:-1], [38.0, float("nan")]])], None, "ошибочная геометрия"),
    ([_feature("А", [[38.0, 45.0], [float("inf"), 45.0], *SQUARE[2:]])], None, "нечисловые или бесконечные"),
])
def test_invalid_packs_fail_with_clear_russian_errors(tmp_path, features, csv_text, message):
    with pytest.raises(RegionPackError, match=message):
        load_region_pack(_write(tmp_path, features, csv_text))


def test_self_intersecting_polygon_is_repaired_not_rejected(tmp_path):
    bowtie = [[38.0, 45.0], [38.5, 45.5], [38.5, 45.0], [38.0, 45.5], [38.0, 45.0]]
    pack = load_region_pack(_write(tmp_path, [_feature("Бабочка", bowtie)],
                                   "region,municipality,population,year,source\ntest,Бабочка,1000,2021,x\n"))
    assert pack.municipalities[0].geometry.is_valid and pack.population("Бабочка") == 1000


def test_missing_path_is_reported(tmp_path):
    with pytest.raises(RegionPackError, match="Пакет региона не найден"):
        load_region_pack(tmp_path / "nope.geojson")


def test_kml_pack_loads(tmp_path):
    ring = " ".join(f"{x},{y}" for x, y in SQUARE)
    kml = ('<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>'
           '<ExtendedData><Data name="district"><value>Кмльский район</value></Data></ExtendedData>'
           f'<Polygon><outerBoundaryIs><LinearRing><coordinates>{ring}</coordinates></LinearRing>'
           '</outerBoundaryIs></Polygon></Placemark></Document></kml>')
    (tmp_path / "kml_municipalities.kml").write_text(kml, encoding="utf-8")
    (tmp_path / "pop.csv").write_text("region,municipality,population,year,source\nkml,Кмльский район,5000,2021,x\n",
                                      encoding="utf-8")
    pack = load_region_pack(tmp_path)
    assert pack.names == ("Кмльский район",) and pack.population("Кмльский район") == 5000
    assert pack.municipalities[0].geometry.area == pytest.approx(0.25)


def test_pack_is_remembered_and_places_stored_messages(store, shared_data):
    core = Core(store)
    assert core.pack is None and core.settings.region_pack == ""
    store_incoming(store, [Incoming("t", "нет света", MOMENT, external_id="1", lat=45.04534, lon=38.98178)])
    result = core.load_pack(shared_data / KDA)
    assert result.replaced == 1 and core.pack is not None
    with store.engine.connect() as conn:
        assert conn.execute(select(Message.municipality)).scalar() == "Краснодар"
    again = Core(store)  # the next start loads the remembered pack
    assert again.pack is not None and again.pack.names == core.pack.names and again.pack_error is None


def test_gone_or_broken_remembered_pack_never_stops_the_start(store, tmp_path):
    pack = tmp_path / "pack_municipalities.geojson"
    pack.write_text(json.dumps({"type": "FeatureCollection", "features": [_feature("А", SQUARE)]}), "utf-8")
    Core(store).load_pack(pack)
    pack.write_text("{ broken", encoding="utf-8")
    broken = Core(store)
    assert broken.pack is None and "pack_municipalities.geojson" in (broken.pack_error or "")
    pack.unlink()
    gone = Core(store)
    assert gone.pack is None and "не найден" in (gone.pack_error or "")


def test_assistance_model_matches_migration_0005(tmp_path):
    """The assistance points' model and migration 0005 agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.store.engine import open_store
    from app.store.models import Base

    store = open_store(f"sqlite:///{tmp_path / 'cmp.sqlite3'}")
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    store.close()
    assert diff == []
