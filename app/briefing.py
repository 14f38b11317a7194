"""Briefing content: figures from the database and the HTML they are printed from."""

from __future__ import annotations

import base64
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from jinja2 import Environment, FileSystemLoader, select_autoescape

from app import categories, ru
from app.paths import resources_dir, web_modules_dir
from app.queries import count_in, hourly_counts, messages_in
from app.store import Store
from app.timeutil import floor_hour, to_local, utcnow

TEMPLATE = "briefing.html.j2"
DEFAULT_REGION = "Краснодарский край"


@dataclass(frozen=True)
class BriefingFigures:
    """Everything a briefing states, as plain values (stored as JSON)."""

    region: str
    period_start: datetime
    period_end: datetime
    generated_at: datetime
    hour_total: int
    previous_hour_total: int
    window_total: int
    window_hours: int
    by_category: tuple[tuple[str, str, int], ...]  # code, label, count in the hour
    top_settlements: tuple[tuple[str, int], ...]  # in the hour
    hourly: tuple[tuple[str, int], ...]  # local "HH:00", total

    @property
    def change_percent(self) -> float | None:
        if self.previous_hour_total == 0:
            return None
        return (self.hour_total - self.previous_hour_total) * 100.0 / self.previous_hour_total

    def as_json_dict(self) -> dict[str, object]:
        data = asdict(self)
        for key in ("period_start", "period_end", "generated_at"):
            data[key] = data[key].isoformat()
        return data


def compute_figures(store: Store, period_end: datetime, region: str, window_hours: int = 24) -> BriefingFigures:
    """Figures for the hour ending at ``period_end`` and the ``window_hours`` before it."""
    end = floor_hour(period_end)
    start = end - timedelta(hours=1)
    hour_rows = messages_in(store, start, end)
    window = hourly_counts(store, end - timedelta(hours=window_hours), end)
    by_category = Counter(row.category for row in hour_rows)
    settlements = Counter(row.settlement for row in hour_rows if row.settlement)
    return BriefingFigures(
        region=region, period_start=start, period_end=end, generated_at=utcnow(),
        hour_total=len(hour_rows),
        previous_hour_total=count_in(store, start - timedelta(hours=1), start),
        window_total=sum(window.total()), window_hours=window_hours,
        by_category=tuple((c.code, c.label, by_category[c.code]) for c in categories.CATEGORIES if by_category[c.code]),
        top_settlements=tuple(settlements.most_common(10)),
        hourly=tuple((to_local(h).strftime("%H:00"), n) for h, n in zip(window.hours, window.total(), strict=True)),
    )


def period_phrase(figures: BriefingFigures) -> str:
    """«с 14:00 до 15:00 24.11.2026» in the region's local time."""
    start, end = to_local(figures.period_start), to_local(figures.period_end)
    return f"с {start:%H:%M} до {end:%H:%M} {start:%d.%m.%Y}"


def _data_uri(png: bytes | None) -> str | None:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else None


def _environment() -> Environment:
    loader = FileSystemLoader(resources_dir() / "templates")
    env = Environment(loader=loader, autoescape=select_autoescape(["j2", "html"]))
    env.filters.update(int=ru.format_int, messages_word=ru.messages_word, percent=ru.signed_percent)
    return env


def render_html(figures: BriefingFigures, map_png: bytes | None, chart_png: bytes | None, font_base: str) -> str:
    """The briefing as HTML; ``font_base`` is the URL prefix of the bundled npm fonts."""
    return _environment().get_template(TEMPLATE).render(
        f=figures, period=period_phrase(figures), generated=to_local(figures.generated_at),
        map_src=_data_uri(map_png), chart_src=_data_uri(chart_png), font_base=font_base,
        today=ru.long_date(to_local(figures.period_end)),
    )


def fonts_available() -> bool:
    return (web_modules_dir() / "@fontsource" / "pt-sans" / "files").is_dir()
