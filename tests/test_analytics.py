"""Hourly aggregation in SQL, local-hour buckets, rates, baseline and spike alerts."""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from statistics import median

import pytest

from app.analytics.alerts import detect_spikes, explain
from app.analytics.hourly import (
    OTHERS,
    baseline,
    by_category,
    by_municipality,
    local_hours,
    per_thousand,
)
from app.common.timeutil import to_local
from app.store.engine import Store
from tests.analytics_helpers import add, pg_store
from tests.fixtures import FIXTURE_COUNTS, FIXTURE_START, fixture_messages

H = timedelta(hours=1)
WEEK = timedelta(days=7)
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # 15:00 in Moscow


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest, store: Store) -> Iterator[Store]:
    if request.param == "sqlite":
        yield store
        return
    with pg_store() as pg:
        yield pg


def test_bars_equal_known_counts(any_store):
    from app.intake.writer import store_incoming

    store_incoming(any_store, fixture_messages())
    series = by_category(any_store, FIXTURE_START - 2 * H, FIXTURE_START + 4 * H)
    for code in series.series:
        assert list(series.series[code]) == [0, 0, *FIXTURE_COUNTS.get(code, [0, 0, 0, 0])], code
    assert sum(series.total()) == len(fixture_messages())


def test_local_day_boundary_at_21_utc(any_store):
    evening = datetime(2026, 11, 23, 20, 59, 59, 999000, tzinfo=UTC)  # 23:59:59 Moscow
    midnight = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)  # 00:00 Moscow, next day
    add(any_store, [evening, evening - timedelta(minutes=30)], "water")
    add(any_store, [midnight], "water")
    series = by_category(any_store, datetime(2026, 11, 23, 19, 0, tzinfo=UTC), datetime(2026, 11, 23, 23, tzinfo=UTC))
    labels = [to_local(h).strftime("%d.%m %H:%M") for h in series.hours]
    assert labels == ["23.11 22:00", "23.11 23:00", "24.11 00:00", "24.11 01:00"]
    assert list(series.series["water"]) == [0, 2, 1, 0]


def test_window_is_capped_at_30_days():
    assert len(local_hours(NOW - timedelta(days=30), NOW)) == 720
    with pytest.raises(ValueError):
        local_hours(NOW - timedelta(days=31), NOW)


def test_municipality_top_n_and_others(any_store):
    for town, n in (("Армавир", 9), ("Туапсе", 5), ("Сочи", 2), ("Анапа", 1)):
        add(any_store, [NOW + timedelta(minutes=i) for i in range(n)], "water", town)
    add(any_store, [NOW + 2 * H], "power", None)
    series = by_municipality(any_store, NOW, NOW + 3 * H, top=2)
    assert list(series.series) == ["Армавир", "Туапсе", OTHERS]
    assert series.series["Армавир"] == (9, 0, 0)
    assert series.series[OTHERS] == (3, 0, 1)  # Сочи 2 + Анапа 1, then the message without a municipality


def _population(shared_data) -> dict[str, int]:
    with open(shared_data / "population" / "municipal_population.csv", encoding="utf-8") as handle:
        return {row["municipality"]: int(row["population"]) for row in csv.DictReader(handle) if row["population"]}


def test_per_thousand_uses_population(store, shared_data):
    population = _population(shared_data)
    town = "Абинский район"
    add(store, [NOW + timedelta(minutes=i) for i in range(50)], "power", town)
    add(store, [NOW], "power", "Нет такого района")
    rates = per_thousand(by_municipality(store, NOW, NOW + H, top=None), population)
    assert list(rates.series) == [town]
    assert rates.series[town][0] == pytest.approx(50 * 1000 / population[town])
    assert rates.per_thousand


def _history(seed: int, weeks: int) -> list[datetime]:
    rnd = random.Random(seed)
    start = NOW - weeks * WEEK
    return [start + timedelta(seconds=rnd.randrange(int((NOW + 24 * H - start).total_seconds())))
            for _ in range(3000)]


def test_baseline_matches_independent_median(store):
    moments = _history(7, weeks=5)
    add(store, moments)
    result = baseline(store, NOW, NOW + 24 * H)
    first = min(moments).replace(minute=0, second=0, microsecond=0)
    for hour, value, used in zip(result.hours, result.values, result.weeks_used, strict=True):
        past = [hour - k * WEEK for k in range(1, 5) if hour - k * WEEK >= first]
        expected = median(sum(1 for m in moments if p <= m < p + H) for p in past)
        assert used == len(past) == 4
        assert value == pytest.approx(expected)
    assert result.complete and not result.missing


def test_baseline_says_when_history_is_missing(store):
    add(store, [NOW + timedelta(minutes=5)])
    assert baseline(store, NOW, NOW + 2 * H).missing
    add(store, [NOW - 2 * WEEK])
    partial = baseline(store, NOW, NOW + 2 * H)
    assert partial.weeks_used == (2, 2) and not partial.complete and not partial.missing
    assert partial.values == (0.5, 0.0)  # weeks 1 and 2 before 15:00: 0 and 1 message


def _spread(hour_start: datetime, n: int) -> list[datetime]:
    return [hour_start + timedelta(seconds=i * 3600 // max(n, 1)) for i in range(n)]


def _scenario(store: Store, make: Callable[[datetime, int], list[datetime]]) -> None:
    for k in range(1, 5):
        add(store, make(NOW - H - k * WEEK, 3), "water", "Армавир")
        add(store, make(NOW - H - k * WEEK, 1), "power", "Туапсе")
    add(store, make(NOW - H, 119), "water", "Армавир")
    add(store, make(NOW - H, 3), "power", "Туапсе")


def test_spike_fires_and_small_jump_does_not(any_store):
    _scenario(any_store, _spread)
    alerts = detect_spikes(any_store, NOW)
    assert [(a.municipality, a.category, a.count, a.usual) for a in alerts] == [("Армавир", "water", 119, 3.0)]
    assert alerts[0].text == "Армавир, водоснабжение: 119 за час при обычных 3"


def test_alert_without_history_says_so(store):
    add(store, _spread(NOW - H, 12), "heating", "Котовск")
    (alert,) = detect_spikes(store, NOW)
    assert alert.usual is None
    assert alert.text.startswith("Котовск, отопление и ГВС: 12 за час")
    assert "истории" in alert.text


def test_explanations_agree_in_number():
    assert explain("power", "Сочи", 40, 1.0) == "Сочи, электроснабжение: 40 за час при обычном 1"
    assert explain("power", "Сочи", 40, 21.0).endswith("при обычном 21")
    assert explain("power", "Сочи", 40, 2.5).endswith("при обычных 2,5")
    assert explain("power", "Сочи", 40, 0.0).endswith("обычно в этот час — ни одного")


def test_campaign_effect_armavir(store):
    from app.ops.campaign import add_mark, campaign_effect, list_marks

    mark_at = NOW
    add(store, [mark_at - timedelta(minutes=10 * i + 1) for i in range(119)], "water", "Армавир")
    add(store, [mark_at + timedelta(hours=3), mark_at + timedelta(hours=20)], "water", "Армавир")
    add(store, [mark_at + timedelta(hours=1)] * 5, "power", "Армавир")  # another topic: not counted
    mark = add_mark(store, mark_at, "График подвоза воды опубликован", "water", "Армавир")
    assert list_marks(store, NOW - H, NOW + H) == (mark,)
    effect = campaign_effect(store, mark, NOW + timedelta(days=2))
    assert (effect.before_per_day, effect.after_per_day) == (119, 2)
    assert effect.text == "119 → 2 в сутки, −98\u00a0%"
    half = campaign_effect(store, mark, NOW + 12 * H)  # half a day elapsed: 1 message → 2 a day
    assert half.after_per_day == 2


def test_kpi_figures(store):
    from app.analytics.kpi import kpi_figures

    add(store, [NOW - timedelta(minutes=m) for m in range(1, 31)], "power", "Сочи")
    add(store, [NOW - H - timedelta(minutes=m) for m in range(1, 11)], "power", "Анапа")
    add(store, [NOW - 5 * H], "power", "Анапа")
    add(store, [datetime(2026, 11, 23, 6, 0, tzinfo=UTC)], "gas", "Анапа")  # Mon 9:00 Moscow, due Mon 17:00
    kpi = kpi_figures(store, NOW, crisis_start=NOW - 3 * H)
    assert (kpi.last_hour, kpi.previous_hour, kpi.since_crisis) == (30, 10, 40)
    assert kpi.change == 200 and kpi.top_municipality == "Сочи" and kpi.top_count == 30
    assert kpi.open == 42 and kpi.overdue == 1  # today's messages are due at 18:00 or later
