"""The federal view: messages per federal subject in its own local time, per 1,000 residents, and out as a layer."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pyogrio.raw import read
from shapely.geometry import box
from sqlalchemy import func, select

from app.analytics.regions import UNPLACED, pack_populations, region_table
from app.intake.writer import Incoming, store_incoming
from app.region.packs import Municipality, RegionPack
from app.store import Store
from app.store.models import Message

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
# stored region name -> (messages, minutes after T0 of the latest)
PLAN = {"Краснодарский край": (5, 50), "Якутия": (3, 170), "Республика Саха (Якутия)": (2, 20),
        "Ростовская область": (4, 10), None: (2, 5)}


def _messages() -> list[Incoming]:
    items = []
    for name, (count, last) in PLAN.items():
        for n in range(count):
            moment = T0 + timedelta(minutes=last - n)
            items.append(Incoming(source="test", external_id=f"{name}-{n}", published_at=moment,
                                  text=f"нет света №{n}", region=name, category="power"))
    return items


def _pack() -> RegionPack:
    square = box(0, 0, 1, 1)
    municipalities = (Municipality("А", square, 1000, 2024, "Краснодарский край"),
                      Municipality("Б", square, 1500, 2024, "Краснодарский край"),
                      Municipality("В", square, 2000, 2024, "Ростовская область"),
                      Municipality("Г", square, None, None, "Ростовская область"))
    return RegionPack("test", Path("test.geojson"), None, municipalities)


def test_population_of_a_subject_is_known_only_when_every_municipality_is() -> None:
    assert pack_populations(_pack().municipalities) == {"RU-KDA": 2500}


def test_the_table_counts_each_subject_once_in_its_own_local_time(store: Store) -> None:
    store_incoming(store, _messages())
    rows = region_table(store, T0 - timedelta(hours=1), T0 + timedelta(hours=5), _pack())
    with store.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(Message)).scalar_one()
    assert sum(r.count for r in rows) == total == 16
    by_code = {r.code: r for r in rows}
    assert [r.code for r in rows] == ["RU-KDA", "RU-SA", "RU-ROS", None]  # most first, unplaced last
    yakutia = by_code["RU-SA"]
    assert yakutia.count == 5 and yakutia.name == "Республика Саха (Якутия)"
    assert yakutia.last_at is not None and yakutia.last_at.utcoffset() == timedelta(hours=9)
    assert yakutia.last_at.hour == 11 and yakutia.last_at.minute == 50  # 02:50 UTC
    kuban = by_code["RU-KDA"]
    assert kuban.last_at is not None and kuban.last_at.utcoffset() == timedelta(hours=3) and kuban.last_at.hour == 3
    assert kuban.population == 2500 and kuban.per_1000 == pytest.approx(2.0)
    assert by_code["RU-ROS"].per_1000 is None  # one municipality without population: no rate rather than a low one
    assert by_code[None].name == UNPLACED and by_code[None].count == 2


def test_the_period_bounds_the_table(store: Store) -> None:
    store_incoming(store, _messages())
    rows = region_table(store, T0 + timedelta(minutes=30), T0 + timedelta(minutes=60))
    assert {(r.code, r.count) for r in rows} == {("RU-KDA", 5)}


def test_export_regions_from_the_command_line_opens_in_gdal(store: Store, tmp_path: Path) -> None:
    if store.engine.dialect.name != "sqlite":
        pytest.skip("the command opens the SQLite file of the test")
    store_incoming(store, _messages())
    env = {**os.environ, "OPERSHTAB_DATA_DIR": str(tmp_path / "data")}
    url = str(store.engine.url)
    for fmt, written in (("gpkg", "3 субъекта"), ("csv", "4 субъекта")):  # unplaced messages: a table row only
        out = tmp_path / f"regions.{fmt}"
        result = subprocess.run([sys.executable, str(ROOT / "main.py"), "export", "regions", "--db", url,
                                 "--format", fmt, "--out", str(out)], env=env, capture_output=True, text=True,
                                timeout=300, check=False)
        assert result.returncode == 0, result.stderr
        assert f"Записано: {written}" in result.stdout, result.stdout
    meta, _, geometry, fields = read(str(tmp_path / "regions.gpkg"))
    names = list(fields[list(meta["fields"]).index("name")])
    assert sorted(names) == sorted(["Краснодарский край", "Республика Саха (Якутия)", "Ростовская область"])
    assert all(g is not None for g in geometry)
    with open(tmp_path / "regions.csv", encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert any(UNPLACED in row for row in table[1:]), table
