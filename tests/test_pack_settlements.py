"""A region pack's own settlements layer: loaded with the pack, looked up before the national gazetteer."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.intake import Incoming, Placement, enrich
from app.region import RegionPackError, load_region_pack
from app.text.places import locate_text

# A square in Chelyabinsk Oblast, near Сатка.
SQUARE = [[58.9, 54.9], [59.3, 54.9], [59.3, 55.2], [58.9, 55.2], [58.9, 54.9]]


def _pack(tmp_path: Path, settlements: str, name: str = "settlements.csv") -> Path:
    boundary = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"district": "Саткинский муниципальный округ"},
         "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}]}
    (tmp_path / "che_municipalities.geojson").write_text(json.dumps(boundary), encoding="utf-8")
    (tmp_path / name).write_text(settlements, encoding="utf-8")
    return tmp_path


CSV = """name,type,population,municipality,lat,lon
Малая Сулея,деревня,120,,55.01,59.10
Киров,посёлок,300,Саткинский муниципальный округ,55.05,59.2
"""


def test_pack_settlements_come_before_the_gazetteer(tmp_path: Path) -> None:
    pack = load_region_pack(_pack(tmp_path, CSV))
    assert [s.name for s in pack.settlements] == ["Малая Сулея", "Киров"]
    assert pack.settlements[0].municipality == "Саткинский муниципальный округ"  # from the boundaries
    assert len(pack.names) == 1  # the settlements file is no boundary file
    match = locate_text("в Малой Сулее нет света третий день", pack=pack)
    assert (match.settlement, match.municipality) == ("Малая Сулея", "Саткинский муниципальный округ")
    assert match.region == "Челябинская область"
    assert locate_text("в Кирове прорыв", pack=pack).settlement == "Киров"
    assert locate_text("в Кирове прорыв", pack=pack).region == "Челябинская область"  # the pack's, not Kirov's
    assert locate_text("в Кирове прорыв").region == "Кировская область"


def test_enrich_places_with_the_pack_settlement(tmp_path: Path) -> None:
    pack = load_region_pack(_pack(tmp_path, CSV))
    item = enrich(Incoming(source="vk", text="Малая Сулея, нет воды", published_at=datetime.now(UTC)),
                  Placement("Челябинская область", pack))
    assert (item.settlement, item.municipality, item.region) == (
        "Малая Сулея", "Саткинский муниципальный округ", "Челябинская область")
    assert (item.lat, item.lon) == (55.01, 59.10)


def test_geojson_settlements_layer(tmp_path: Path) -> None:
    points = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Сибирка", "type": "посёлок", "population": 80},
         "geometry": {"type": "Point", "coordinates": [59.0, 55.1]}}]}
    folder = tmp_path / "pack"
    folder.mkdir()
    _pack(folder, json.dumps(points), "settlements.geojson")
    pack = load_region_pack(folder)
    assert [(s.name, s.kind, s.population) for s in pack.settlements] == [("Сибирка", "посёлок", 80)]
    assert locate_text("пос. Сибирка: дорогу замело", pack=pack).settlement == "Сибирка"


@pytest.mark.parametrize(("text", "message"), [
    ("name,lat\nСулея,55\n", "нет столбцов lon"),
    ("name,lat,lon\nСулея,55,абв\n", "строка 2: долгота — не число"),
    ("name,lat,lon\n<script>,55,59\n", "строка 2: нужно название"),
])
def test_broken_settlements_layer_is_reported(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RegionPackError, match=message):
        load_region_pack(_pack(tmp_path, text))
