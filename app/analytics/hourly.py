"""Hourly volume aggregated in SQL: by local hour × category or × municipality, rates, baseline.

Buckets are local hours of the centre's region (``app.common.timeutil.local_zone``)
computed inside the query from one fixed UTC offset per query (no Russian zone has
had daylight saving since 2014), so a day boundary falls at local midnight and the
database does the counting: a million rows aggregate from the covering indexes
(category|municipality, published_at).

Baseline: the MEDIAN of the same hour of the week over the previous four weeks
(robust to one earlier spike); weeks before the first stored message are
"history missing" and are left out rather than counted as zeros.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from statistics import median

from sqlalchemy import func, select, text

from app.categories import CODES, label
from app.common.timeutil import as_utc, local_zone
from app.common.timeutil import floor_local_hour as floor_local_hour_of
from app.store.engine import Store
from app.store.models import Message

MAX_WINDOW = timedelta(days=30)
BASELINE_WEEKS = 4
OTHERS = "остальные"
NO_MUNICIPALITY = "не определён"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_WEEK = timedelta(days=7)


@dataclass(frozen=True)
class HourlySeries:
    """Counts (or rates) per local hour; ``hours`` are aware UTC hour starts, one per bucket."""

    hours: tuple[datetime, ...]
    by: str  # "category" | "municipality"
    series: dict[str, tuple[float, ...]] = field(default_factory=dict)  # key -> value per hour, drawing order
    labels: dict[str, str] = field(default_factory=dict)
    per_thousand: bool = False

    def total(self) -> tuple[float, ...]:
        """Sum over all series, per hour."""
        if not self.series:
            return (0,) * len(self.hours)
        return tuple(sum(col) for col in zip(*self.series.values(), strict=True))

    def key_totals(self) -> dict[str, float]:
        return {key: sum(values) for key, values in self.series.items()}


@dataclass(frozen=True)
class Baseline:
    """Typical volume per hour (median over previous weeks); ``None`` where no history exists."""

    hours: tuple[datetime, ...]
    values: tuple[float | None, ...]
    weeks_used: tuple[int, ...]
    weeks: int = BASELINE_WEEKS

    @property
    def missing(self) -> bool:
        """No hour of the window has any earlier week to compare with."""
        return all(n == 0 for n in self.weeks_used)

    @property
    def complete(self) -> bool:
        return all(n == self.weeks for n in self.weeks_used)


def offset_seconds(at: datetime) -> int:
    """The region's UTC offset at ``at`` in seconds (fixed for the whole query: DST-free)."""
    offset = as_utc(at).astimezone(local_zone()).utcoffset()
    return int(offset.total_seconds()) if offset else 0


def floor_local_hour(moment: datetime, offset: int) -> datetime:
    """Start (aware UTC) of the local hour containing ``moment``."""
    seconds = int((as_utc(moment) - _EPOCH).total_seconds()) + offset
    return _EPOCH + timedelta(seconds=seconds - seconds % 3600 - offset)


def local_hours(start: datetime, end: datetime) -> tuple[datetime, ...]:
    """Local-hour starts from ``start`` (floored) up to, not including, ``end``; at most 30 days."""
    first = floor_local_hour(start, offset_seconds(start))
    count = max(0, -(-int((as_utc(end) - first).total_seconds()) // 3600))
    if timedelta(hours=count) > MAX_WINDOW + timedelta(hours=1):
        raise ValueError("окно анализа не больше 30 суток")
    return tuple(first + timedelta(hours=i) for i in range(count))


_SQLITE_HOURS = """
WITH RECURSIVE h(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM h WHERE i + 1 < :n),
b(i, lo, hi) AS (SELECT i, strftime('%Y-%m-%d %H:%M:%S', :start, '+' || i || ' hours'),
                 strftime('%Y-%m-%d %H:%M:%S', :start, '+' || (i + 1) || ' hours') FROM h),
k(key) AS (SELECT DISTINCT {key} FROM messages)
SELECT b.i, k.key, (SELECT count(*) FROM messages m WHERE m.{key} IS k.key
                    AND m.published_at >= b.lo AND m.published_at < b.hi) AS n
FROM b, k
"""
# Postgres hashes the groups itself; the bucket is the local hour number minus the first one.
_POSTGRES_HOURS = """
SELECT CAST(floor((extract(epoch FROM published_at) - :first) / 3600) AS INTEGER) AS i, {key}, count(*)
FROM messages WHERE published_at >= :start_ts AND published_at < :end_ts GROUP BY 1, 2
"""
KEY_COLUMNS = ("category", "municipality")


def grouped_counts(store: Store, first: datetime, n_hours: int, key: str) -> list[tuple[int, str | None, int]]:
    """Rows (hour index from ``first``, key, count) of messages in ``n_hours`` hours from ``first``.

    ``first`` is a local-hour start; the boundaries are computed by the database from it,
    so each bucket is one local hour. SQLite counts each (hour, key) range on the covering
    index (key, published_at) — no sort of a million rows; PostgreSQL groups directly.
    """
    if key not in KEY_COLUMNS:
        raise ValueError(f"unknown grouping {key!r}")
    start = as_utc(first).replace(tzinfo=None)
    with store.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            params = {"first": (as_utc(first) - _EPOCH).total_seconds(), "start_ts": start,
                      "end_ts": start + timedelta(hours=n_hours)}
            rows = conn.execute(text(_POSTGRES_HOURS.format(key=key)), params)
        else:
            params = {"n": n_hours, "start": start.strftime("%Y-%m-%d %H:%M:%S")}
            rows = conn.execute(text(_SQLITE_HOURS.format(key=key)), params)
        return [(int(i), k, int(n)) for i, k, n in rows if n]


def _grid(n_hours: int, rows: Iterable[tuple[int, str, int]], keys: Iterable[str]) -> dict[str, tuple[float, ...]]:
    grid: dict[str, list[float]] = {k: [0] * n_hours for k in keys}
    for index, key, count in rows:
        if 0 <= index < n_hours:
            grid[key][index] += count
    return {key: tuple(values) for key, values in grid.items()}


def _counts(store: Store, hours: tuple[datetime, ...], key: str) -> list[tuple[int, str | None, int]]:
    return grouped_counts(store, hours[0], len(hours), key) if hours else []


def by_category(store: Store, start: datetime, end: datetime) -> HourlySeries:
    """Every category, every local hour in [start, end), zeros included; unknown codes fold into «other»."""
    hours = local_hours(start, end)
    rows = [(i, k if k in CODES else "other", n) for i, k, n in _counts(store, hours, "category")]
    return HourlySeries(hours, "category", _grid(len(hours), rows, CODES), {c: label(c) for c in CODES})


def by_municipality(store: Store, start: datetime, end: datetime, top: int | None = 8) -> HourlySeries:
    """The ``top`` municipalities by volume in the window plus «остальные» (all of them when ``top`` is None)."""
    hours = local_hours(start, end)
    named = [(i, k or NO_MUNICIPALITY, n) for i, k, n in _counts(store, hours, "municipality")]
    totals: dict[str, int] = {}
    for _, key, count in named:
        totals[key] = totals.get(key, 0) + count
    ranked = sorted(totals, key=lambda k: (-totals[k], k))
    keep = ranked if top is None else ranked[:top]
    rest = set(ranked) - set(keep)
    keys = [*keep, OTHERS] if rest else keep
    folded = [(i, OTHERS if k in rest else k, n) for i, k, n in named]
    return HourlySeries(hours, "municipality", _grid(len(hours), folded, keys), {k: k for k in keys})


def hourly_series(store: Store, start: datetime, end: datetime, by: str = "category",
                  top: int | None = 8) -> HourlySeries:
    """Dispatch on ``by``: "category" or "municipality"."""
    if by == "category":
        return by_category(store, start, end)
    if by == "municipality":
        return by_municipality(store, start, end, top)
    raise ValueError(f"unknown grouping {by!r}")


def per_thousand(series: HourlySeries, population: Mapping[str, int]) -> HourlySeries:
    """Municipal series as messages per 1,000 residents; keys without a population are dropped."""
    if series.by != "municipality":
        raise ValueError("per-1,000 figures need the municipal grouping")
    rates = {key: tuple(v * 1000 / population[key] for v in values)
             for key, values in series.series.items() if population.get(key)}
    return HourlySeries(series.hours, series.by, rates, {k: series.labels[k] for k in rates}, per_thousand=True)


def first_message_time(store: Store) -> datetime | None:
    with store.engine.connect() as conn:
        return conn.execute(select(func.min(Message.published_at))).scalar()


def _hour_totals(store: Store, first: datetime, n_hours: int) -> dict[int, int]:
    totals: dict[int, int] = {}
    for index, _, count in grouped_counts(store, first, n_hours, "category"):
        totals[index] = totals.get(index, 0) + count
    return totals


def baseline(store: Store, start: datetime, end: datetime, weeks: int = BASELINE_WEEKS) -> Baseline:
    """Median total volume of the same local hour of the week over the ``weeks`` weeks before each hour."""
    hours = local_hours(start, end)
    first = first_message_time(store)
    if not hours or first is None:
        return Baseline(hours, (None,) * len(hours), (0,) * len(hours), weeks)
    history_start = hours[0] - weeks * _WEEK
    totals = _hour_totals(store, history_start, len(hours) + (weeks - 1) * 7 * 24)
    history_from = floor_local_hour(first, offset_seconds(first))
    values: list[float | None] = []
    used: list[int] = []
    for hour in hours:
        past = [hour - k * _WEEK for k in range(1, weeks + 1) if hour - k * _WEEK >= history_from]
        used.append(len(past))
        counts = [totals.get(int((p - history_start).total_seconds()) // 3600, 0) for p in past]
        values.append(float(median(counts)) if counts else None)
    return Baseline(hours, tuple(values), tuple(used), weeks)


def hourly_counts(store: Store, start: datetime, end: datetime) -> HourlySeries:
    """Counts per hour in [start, end) and category; every category, every hour, zeros included.

    Delegates to the SQL aggregation of ``app.analytics.hourly`` (local-hour buckets; with the
    region's whole-hour offset they coincide with UTC hours).
    """
    return by_category(store, start, end)


def last_hours_window(now: datetime, hours: int = 24) -> tuple[datetime, datetime]:
    """The ``hours`` whole hours ending with the one containing ``now``."""
    end = floor_local_hour_of(now) + timedelta(hours=1)
    return end - timedelta(hours=hours), end
