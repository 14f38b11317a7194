"""Tests of the storm scenario simulator (no Qt)."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.categories import CODES
from app.demo import make_scenario, scenario_names, scenario_region
from app.demo.settlements import BY_NAME, SETTLEMENTS, TEMPLATES
from app.demo.simulator import (
    DURATION_HOURS,
    SOURCES,
    SimMessage,
    StormScenario,
    expected_in_hour,
    names_place,
)

pytestmark = pytest.mark.noqt

START = datetime(2023, 4, 22, 15, 0, tzinfo=UTC)
H = timedelta(hours=1)
DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
KRAI_BOUNDARIES = DATA_DIR / "boundaries" / "krasnodar_krai_municipalities.geojson"


@pytest.fixture(scope="module")
def full() -> list[SimMessage]:
    """The whole scenario from a fresh instance, timed."""
    scenario = StormScenario(START)
    began = time.perf_counter()
    messages = scenario.messages_between(START, START + scenario.duration)
    print(f"\nfull 48 h scenario: {len(messages)} messages in {time.perf_counter() - began:.3f} s")
    return messages


def _hourly(messages: list[SimMessage]) -> list[int]:
    """Message counts per hour since START."""
    counts = Counter((m.published_at - START) // H for m in messages)
    return [counts[h] for h in range(DURATION_HOURS)]


def _norm(text: str) -> str:
    """Lower case with ё folded to е, as a reader would compare."""
    return text.lower().replace("ё", "е")


def test_split_invariance() -> None:
    whole = StormScenario(START).messages_between(START, START + 10 * H)
    split = StormScenario(START)
    parts = split.messages_between(START, START + 3 * H) + split.messages_between(START + 3 * H, START + 10 * H)
    assert whole == parts
    odd = StormScenario(START)
    cut = START + timedelta(hours=4, minutes=17, seconds=31)
    assert odd.messages_between(START, cut) + odd.messages_between(cut, START + 10 * H) == whole


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=12 * 3600 - 1), min_size=1, max_size=4, unique=True))
def test_any_split_gives_same_messages(cuts: list[int]) -> None:
    bounds = [START, *(START + timedelta(seconds=c) for c in sorted(cuts)), START + 12 * H]
    scenario = StormScenario(START)
    pieces = [m for a, b in itertools.pairwise(bounds) for m in scenario.messages_between(a, b)]
    assert pieces == _twelve_hours()


@cache
def _twelve_hours() -> list[SimMessage]:
    """The first 12 hours from one uninterrupted call."""
    return StormScenario(START).messages_between(START, START + 12 * H)


def test_seed_determinism() -> None:
    a = StormScenario(START, seed=7).messages_between(START, START + 6 * H)
    b = StormScenario(START, seed=7).messages_between(START, START + 6 * H)
    c = StormScenario(START, seed=8).messages_between(START, START + 6 * H)
    assert a == b
    assert [m.text for m in a] != [m.text for m in c]


def test_hourly_counts_follow_curve(full: list[SimMessage]) -> None:
    counts = _hourly(full)
    print("hourly counts:", counts)
    assert counts[0] < 30
    assert all(200 <= counts[h] <= 450 for h in range(4, 9))
    assert max(counts) == max(counts[3:10])
    assert 3000 <= len(full) <= 5000
    for hour, count in enumerate(counts):
        lam = expected_in_hour(hour)
        assert abs(count - lam) <= 5 * math.sqrt(lam) + 3, (hour, count, lam)


def test_rate_and_bounds() -> None:
    scenario = make_scenario("storm", START)
    assert timedelta(hours=40) <= scenario.duration <= timedelta(hours=56)
    assert scenario.rate(START - H) == 0.0
    assert scenario.rate(START + scenario.duration) == 0.0
    assert scenario.rate(START) < 10
    assert 300 <= scenario.rate(START + 6 * H) <= 350
    assert scenario.messages_between(START - 5 * H, START) == []
    assert scenario.messages_between(START + scenario.duration, START + scenario.duration + 5 * H) == []
    with pytest.raises(ValueError, match="неизвестный сценарий «blizzard»"):
        make_scenario("blizzard", START)
    with pytest.raises(ValueError):
        StormScenario(datetime(2023, 4, 22))  # naive


def test_message_fields(full: list[SimMessage]) -> None:
    assert [m.published_at for m in full] == sorted(m.published_at for m in full)
    assert len({m.external_id for m in full}) == len(full)
    assert all(m.published_at.utcoffset() == timedelta(0) for m in full)
    assert {m.source for m in full} == set(SOURCES)
    assert all(m.region == "Краснодарский край" and m.author and m.url.startswith("https://") for m in full)
    assert all(m.address is None or m.settlement is not None for m in full)
    assert sum(m.address is not None for m in full) > 0.05 * len(full)


def test_categories_mostly_utilities(full: list[SimMessage]) -> None:
    counts = Counter(m.category for m in full)
    print("categories:", counts.most_common())
    assert set(counts) <= set(CODES)
    assert set(counts) == set(CODES)
    main = sum(counts[c] for c in ("power", "water", "storm", "flood"))
    assert main / len(full) >= 0.7
    assert counts["power"] == max(counts.values())


def test_templates_are_rich() -> None:
    total = sum(len(group) for group in TEMPLATES.values())
    assert total >= 150
    assert set(TEMPLATES) - {"thanks"} == set(CODES)
    for group, templates in TEMPLATES.items():
        assert any(names_place(t) for t in templates), group
        assert any(not names_place(t) for t in templates), group


def test_texts_distinct(full: list[SimMessage]) -> None:
    assert len({m.text for m in full}) >= 500


def test_settlement_named_in_text(full: list[SimMessage]) -> None:
    placed = [m for m in full if m.settlement is not None]
    for m in placed:
        forms = BY_NAME[m.settlement].forms()
        assert any(_norm(f) in _norm(m.text) for f in forms), (m.settlement, m.text)
        assert m.lat is not None and m.lon is not None


def test_share_without_settlement(full: list[SimMessage]) -> None:
    loose = [m for m in full if m.settlement is None]
    assert len(loose) >= 0.1 * len(full)
    assert all(m.lat is None and m.lon is None and m.address is None for m in loose)


def test_jitter_stays_near_settlement(full: list[SimMessage]) -> None:
    for m in full:
        if m.settlement is None:
            continue
        s = BY_NAME[m.settlement]
        km = math.hypot((m.lat - s.lat) * 111.32, (m.lon - s.lon) * 111.32 * math.cos(math.radians(s.lat)))
        assert km <= s.radius_km + 0.01


def _krai_polygons() -> list[tuple[str, object]]:
    """(district, shapely geometry) of each municipality; skips when the pack is absent."""
    shapely_geometry = pytest.importorskip("shapely.geometry")
    if not KRAI_BOUNDARIES.exists():
        pytest.skip(f"boundary pack not found: {KRAI_BOUNDARIES} (../shared/data is absent)")
    features = json.loads(KRAI_BOUNDARIES.read_text(encoding="utf-8"))["features"]
    return [(f["properties"]["district"], shapely_geometry.shape(f["geometry"])) for f in features]


def test_settlements_inside_krai_boundaries() -> None:
    polygons = _krai_polygons()
    from shapely.geometry import Point

    assert len(SETTLEMENTS) >= 40
    for s in SETTLEMENTS:
        point = Point(s.lon, s.lat)
        districts = [name for name, geom in polygons if geom.contains(point)]
        print(f"{s.name:20} {s.lat:.5f} {s.lon:.5f} -> {districts} (expected {s.district})")
        assert districts, f"{s.name} lies outside Krasnodar Krai"
        found = _norm(districts[0])
        assert found in _norm(s.district) or _norm(s.district) in found, (s.name, districts, s.district)


def test_message_points_mostly_inside(full: list[SimMessage]) -> None:
    polygons = _krai_polygons()
    from shapely.geometry import Point
    from shapely.ops import unary_union
    from shapely.prepared import prep

    krai = prep(unary_union([geom for _, geom in polygons]))
    placed = [m for m in full if m.lat is not None]
    outside = [m for m in placed if not krai.contains(Point(m.lon, m.lat))]
    print(f"message points outside the krai: {len(outside)} of {len(placed)}")
    assert len(outside) <= 0.02 * len(placed)


def test_core_imports_without_qt() -> None:
    code = "import sys, app.demo.simulator; assert not [m for m in sys.modules if m.startswith('PySide6')]"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])


@pytest.mark.parametrize(("name", "code", "offset", "towns"), [
    ("storm", "RU-KDA", 3, {"Краснодар", "Новороссийск"}),
    ("cold-snap", "RU-CHE", 5, {"Златоуст", "Усть-Катав", "Сатка", "Снежинск"}),
    ("frost", "RU-SA", 9, {"Жатай", "Якутск", "Усть-Нера"}),
])
def test_scenarios_in_three_zones(name: str, code: str, offset: int, towns: set[str]) -> None:
    from app.region import region, region_of_point

    assert name in scenario_names() and scenario_region(name) == code
    subject = region(code)
    assert subject.zone.utcoffset(START) == timedelta(hours=offset)
    scenario = make_scenario(name, START, seed=5)
    messages = scenario.messages_between(START, START + scenario.duration)
    assert len(messages) > 1000 and {m.region for m in messages} == {subject.name}
    assert towns <= {m.settlement for m in messages}
    assert len({m.text for m in messages}) > 0.6 * len(messages)  # realistic variety, not a handful of lines
    assert all(m.external_id.startswith(f"{name}-5-") for m in messages)
    placed = [m for m in messages if m.lat is not None][:300]
    inside = sum(region_of_point(m.lat, m.lon) == subject.name for m in placed)  # type: ignore[arg-type]
    assert inside >= 0.95 * len(placed)


def test_cold_snap_and_frost_are_mostly_heating() -> None:
    for name in ("cold-snap", "frost"):
        scenario = make_scenario(name, START)
        counts = Counter(m.category for m in scenario.messages_between(START, START + scenario.duration))
        assert counts.most_common(1)[0][0] == "heating"
