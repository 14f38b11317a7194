"""Spike alerts per category × municipality: the last hour against the same hour of previous weeks.

An alert needs both a minimum count (a jump from 1 to 3 is noise) and a multiple of
the usual volume (median of the same 60 minutes one to four weeks earlier; weeks
before the first stored message do not count). Each alert explains itself in Russian.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import func, select

from app.analytics.hourly import BASELINE_WEEKS, first_message_time
from app.categories import label
from app.common.ru import plural_form
from app.common.timeutil import as_utc
from app.store.engine import Store
from app.store.models import Message

MIN_COUNT = 10
FACTOR = 3.0
_WEEK = timedelta(days=7)
Key = tuple[str, str]  # (category, municipality)


@dataclass(frozen=True)
class Alert:
    """A spike: ``count`` messages in the hour before ``at`` against ``usual`` (None: no history)."""

    category: str
    municipality: str
    count: int
    usual: float | None
    at: datetime
    text: str


def _hour_counts(store: Store, end: datetime) -> dict[Key, int]:
    stmt = (select(Message.category, Message.municipality, func.count())
            .where(Message.published_at >= end - timedelta(hours=1), Message.published_at < end,
                   Message.municipality.is_not(None))
            .group_by(Message.category, Message.municipality))
    with store.engine.connect() as conn:
        return {(c, m or ""): int(n) for c, m, n in conn.execute(stmt)}


def lower_label(code: str) -> str:
    """Category label inside a sentence: «водоснабжение», «отопление и ГВС»."""
    text = label(code)
    return text[:1].lower() + text[1:]


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")


def explain(category: str, municipality: str, count: int, usual: float | None) -> str:
    """«Армавир, водоснабжение: 119 за час при обычных 3»."""
    head = f"{municipality}, {lower_label(category)}: {count} за час"
    if usual is None:
        return f"{head}, сравнить не с чем — истории за прошлые недели нет"
    if usual == 0:
        return f"{head}, обычно в этот час — ни одного"
    adjective = plural_form(int(usual), "обычном", "обычных", "обычных") if usual == int(usual) else "обычных"
    return f"{head} при {adjective} {_number(usual)}"


def _usual(history: list[dict[Key, int]], key: Key) -> float | None:
    return float(median(week.get(key, 0) for week in history)) if history else None


def is_spike(count: int, usual: float | None, min_count: int = MIN_COUNT, factor: float = FACTOR) -> bool:
    """At least ``min_count`` and, with history, at least ``factor`` × the usual (taken as ≥ 1)."""
    return count >= min_count and (usual is None or count >= factor * max(usual, 1.0))


def detect_spikes(store: Store, at: datetime, min_count: int = MIN_COUNT, factor: float = FACTOR,
                  weeks: int = BASELINE_WEEKS) -> tuple[Alert, ...]:
    """Alerts for the 60 minutes before ``at``, biggest first."""
    end = as_utc(at)
    first = first_message_time(store)
    current = _hour_counts(store, end)
    history = [_hour_counts(store, end - k * _WEEK) for k in range(1, weeks + 1)
               if first is not None and first < end - k * _WEEK]
    alerts = []
    for (category, municipality), count in current.items():
        usual = _usual(history, (category, municipality))
        if is_spike(count, usual, min_count, factor):
            alerts.append(Alert(category, municipality, count, usual, end,
                                explain(category, municipality, count, usual)))
    return tuple(sorted(alerts, key=lambda a: (-a.count, a.municipality, a.category)))
