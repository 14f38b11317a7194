"""Briefing content: figures from the database and the HTML they are printed from.

Every figure is a plain value of ``BriefingFigures`` (stored as JSON in the
archive). Regenerating an hour from the same data gives the same figures;
only ``generated_at`` differs.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from jinja2 import Environment
from sqlalchemy import func, select

from app import categories
from app.analytics.hourly import hourly_counts
from app.briefing import notes as briefing_notes
from app.briefing.incidents import LIST_LIMIT as INCIDENT_LIST_LIMIT
from app.briefing.incidents import IncidentFigures, IncidentLine, incident_figures
from app.briefing.lists import NOTES_SHOWN, WARNINGS_SHOWN, more_text, shown_and_more
from app.briefing.quotes import Topic, top_topics, topic_count
from app.common import ru
from app.common.paths import web_modules_dir
from app.common.templates import template_environment
from app.common.timeutil import as_utc, floor_local_hour, to_local, utcnow
from app.ops.deadlines import WorkCalendar, overdue_summary
from app.queries.messages import messages_in
from app.queries.warnings import active_warnings, warning_line
from app.settings import load_settings
from app.store.engine import Store
from app.store.models import Message

TEMPLATE = "briefing.html.j2"
TOP_PLACES = 8
NO_INCIDENTS = IncidentFigures(0, 0, 0)


@dataclass(frozen=True)
class CategoryLine:
    code: str
    label: str
    hour: int
    previous: int
    since_start: int


@dataclass(frozen=True)
class PlaceLine:
    """A municipality (or the settlement where no municipality is known) and its messages in the hour."""

    name: str
    count: int
    population: int | None
    per_thousand: float | None


@dataclass(frozen=True)
class BriefingFigures:
    """Everything a briefing states, as plain values (stored as JSON)."""

    region: str
    period_start: datetime
    period_end: datetime
    generated_at: datetime
    hour_total: int
    previous_hour_total: int
    window_total: int  # since ``since`` (crisis start, or ``window_hours`` back)
    window_hours: int
    by_category: tuple[tuple[str, str, int], ...]  # code, label, count in the hour
    top_settlements: tuple[tuple[str, int], ...]  # in the hour
    hourly: tuple[tuple[str, int], ...]  # local "HH:00", total
    crisis_name: str | None = None
    since: datetime | None = None
    categories: tuple[CategoryLine, ...] = ()
    incidents: IncidentFigures = NO_INCIDENTS
    open_answers: int = 0
    overdue_answers: int = 0
    top_places: tuple[PlaceLine, ...] = ()
    top_rates: tuple[PlaceLine, ...] = ()
    new_incidents: tuple[IncidentLine, ...] = ()
    growing_incidents: tuple[IncidentLine, ...] = ()
    topics: tuple[Topic, ...] = ()
    informed: tuple[tuple[str, str], ...] = ()  # category code ("" = all), local time of the last announcement
    diff: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # one line per official warning (CAP) in force at the hour's end
    # How many items the cut lists had before the cut (the briefing says «и ещё N» for the rest).
    places_total: int = 0
    rates_total: int = 0
    new_incidents_total: int = 0
    growing_incidents_total: int = 0
    topics_total: int = 0

    @property
    def change_percent(self) -> float | None:
        if self.previous_hour_total == 0:
            return None
        return (self.hour_total - self.previous_hour_total) * 100.0 / self.previous_hour_total

    def as_json_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("period_start", "period_end", "generated_at", "since"):
            data[key] = data[key].isoformat() if data[key] else None
        return json.loads(json.dumps(data, ensure_ascii=False))  # tuples → lists, as read back


def configured_crisis(store: Store) -> tuple[datetime | None, str | None]:
    """Crisis start (aware UTC) and name from the stored ``Settings`` (``crisis_start``, ``crisis_name``).

    The same reading as ``app.core.configured.crisis_of``, for callers that pass no crisis.
    """
    settings = load_settings(store)
    start = as_utc(datetime.fromisoformat(settings.crisis_start)) if settings.crisis_start else None
    return start, settings.crisis_name or None


def _count(store: Store, *where: Any) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Message).where(*where)).scalar_one())


def answer_figures(store: Store, end: datetime, calendar: WorkCalendar | None = None) -> tuple[int, int]:
    """(open complaints at ``end``, those past their answer deadline) as ``app.ops.deadlines`` counts them."""
    summary = overdue_summary(store, end, calendar)
    return summary.total_open, summary.overdue


def _category_lines(store: Store, start: datetime, end: datetime, since: datetime) -> tuple[CategoryLine, ...]:
    def by_category(lo: datetime, hi: datetime) -> dict[str, int]:
        stmt = (select(Message.category, func.count()).where(Message.published_at >= lo, Message.published_at < hi)
                .group_by(Message.category))
        with store.engine.connect() as conn:
            return {code: n for code, n in conn.execute(stmt)}

    hour, prev, total = by_category(start, end), by_category(start - timedelta(hours=1), start), by_category(since, end)
    return tuple(
        CategoryLine(c.code, c.label, hour.get(c.code, 0), prev.get(c.code, 0), total.get(c.code, 0))
        for c in categories.CATEGORIES if hour.get(c.code) or prev.get(c.code)
    )


def _places(store: Store, start: datetime, end: datetime,
            population: Mapping[str, int]) -> tuple[tuple[PlaceLine, ...], tuple[PlaceLine, ...]]:
    """Places by count, and by messages per 1,000 residents where the population is known (whole lists)."""
    place = func.coalesce(Message.municipality, Message.settlement)
    stmt = (select(place, func.count()).where(Message.published_at >= start, Message.published_at < end,
                                              place.is_not(None)).group_by(place))
    with store.engine.connect() as conn:
        counts = {name: n for name, n in conn.execute(stmt)}
    lines = [PlaceLine(name, n, population.get(name), round(n * 1000 / population[name], 3)
                       if population.get(name) else None) for name, n in counts.items()]
    by_count = sorted(lines, key=lambda p: (-p.count, p.name))
    by_rate = sorted((p for p in lines if p.per_thousand is not None), key=lambda p: (-(p.per_thousand or 0), p.name))
    return tuple(by_count), tuple(by_rate)


def _informed(store: Store, end: datetime, hours: int = 6) -> tuple[tuple[str, str], ...]:
    from app.store.models import CampaignMark

    stmt = (select(CampaignMark.category, func.max(CampaignMark.at))
            .where(CampaignMark.at >= end - timedelta(hours=hours), CampaignMark.at < end)
            .group_by(CampaignMark.category))
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return tuple(sorted((code or "", f"{to_local(as_utc(at)):%H:%M}") for code, at in rows))


def compute_figures(store: Store, period_end: datetime, region: str, window_hours: int = 24,
                    population: Mapping[str, int] | None = None,
                    previous: Mapping[str, Any] | None = None,
                    crisis: tuple[datetime | None, str | None] | None = None,
                    calendar: WorkCalendar | None = None) -> BriefingFigures:
    """Figures for the hour ending at ``period_end``; ``previous`` is the last briefing's JSON for the diff.

    ``crisis`` (start, name) and ``calendar`` come from the settings; without ``crisis``
    the stored settings are read (``configured_crisis``).
    """
    end = floor_local_hour(period_end)
    start = end - timedelta(hours=1)
    since, crisis_name = crisis if crisis is not None else configured_crisis(store)
    since = since if since is not None and since < end else None
    hour_rows = messages_in(store, start, end)
    window = hourly_counts(store, end - timedelta(hours=window_hours), end)
    lines = _category_lines(store, start, end, since or end - timedelta(hours=window_hours))
    places, rates = _places(store, start, end, population or {})
    limit = INCIDENT_LIST_LIMIT
    open_answers, overdue = answer_figures(store, end, calendar)
    incidents, new, growing = incident_figures(store, start, end)
    figures = BriefingFigures(
        region=region, period_start=start, period_end=end, generated_at=utcnow(),
        hour_total=len(hour_rows), previous_hour_total=sum(line.previous for line in lines),
        window_total=sum(line.since_start for line in lines) if since else int(sum(window.total())),
        window_hours=window_hours,
        by_category=tuple((line.code, line.label, line.hour) for line in lines if line.hour),
        top_settlements=tuple((p.name, p.count) for p in places[:TOP_PLACES]),
        hourly=tuple((to_local(h).strftime("%H:00"), int(n))
                     for h, n in zip(window.hours, window.total(), strict=True)),
        crisis_name=crisis_name or None, since=since, categories=lines,
        incidents=incidents, open_answers=open_answers, overdue_answers=overdue,
        top_places=places[:TOP_PLACES], top_rates=rates[:TOP_PLACES],
        new_incidents=new[:limit], growing_incidents=growing[:limit],
        topics=top_topics(hour_rows), informed=_informed(store, end),
        warnings=tuple(warning_line(w) for w in active_warnings(store, end)),
        places_total=len(places), rates_total=len(rates), new_incidents_total=len(new),
        growing_incidents_total=len(growing), topics_total=topic_count(hour_rows),
    )
    return replace(figures, diff=briefing_notes.diff(figures.as_json_dict(), previous),
                   notes=briefing_notes.notes(figures))


def period_phrase(figures: BriefingFigures) -> str:
    """«с 14:00 до 15:00 24.11.2026» in the region's local time."""
    start, end = to_local(figures.period_start), to_local(figures.period_end)
    return f"с {start:%H:%M} до {end:%H:%M} {start:%d.%m.%Y}"


def since_phrase(figures: BriefingFigures) -> str:
    """«с начала ЧС (24.11 14:00)» or «за 24 ч»."""
    if figures.since is None:
        return f"за {figures.window_hours} ч"
    return f"с начала ЧС ({to_local(figures.since):%d.%m %H:%M})"


def _data_uri(png: bytes | None) -> str | None:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else None


def _environment() -> Environment:
    """The product's one template environment (``app.common.templates``) with the briefing's filters."""
    env = template_environment(user_templates=True)
    env.filters.update(change=briefing_notes.change_text, rate=briefing_notes.rate_text, more=more_text,
                       cut=shown_and_more)
    return env


def render_html(figures: BriefingFigures, map_png: bytes | None, chart_png: bytes | None, font_base: str) -> str:
    """The briefing as HTML; ``font_base`` is the URL prefix of the bundled npm fonts."""
    return _environment().get_template(TEMPLATE).render(
        f=figures, period=period_phrase(figures), generated=to_local(figures.generated_at),
        since=since_phrase(figures), map_src=_data_uri(map_png), chart_src=_data_uri(chart_png),
        font_base=font_base, today=ru.long_date(to_local(figures.period_end)),
        notes_shown=NOTES_SHOWN, warnings_shown=WARNINGS_SHOWN,
    )


def fonts_available() -> bool:
    return (web_modules_dir() / "@fontsource" / "pt-sans" / "files").is_dir()
