"""What the settings mean for the parts that act on them: crisis, briefing schedule, feed.

One place turns the typed ``Settings`` into the objects the KPI figures, the scheduler
and the feed poller take, so a changed field reaches every one of them (the working
calendar comes from ``app.ops.deadlines.calendar_from``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.briefing.schedule import BriefingSchedule
from app.common.timeutil import as_utc
from app.intake import FeedConfig
from app.settings import Settings


@dataclass(frozen=True)
class Crisis:
    """The crisis the centre works on: since when (aware UTC) and its name (both optional)."""

    start: datetime | None = None
    name: str | None = None


def crisis_of(settings: Settings) -> Crisis:
    """The configured crisis start (aware UTC) and name; empty fields are None."""
    start = as_utc(datetime.fromisoformat(settings.crisis_start)) if settings.crisis_start else None
    return Crisis(start, settings.crisis_name or None)


def schedule_of(settings: Settings) -> BriefingSchedule:
    """When the hourly briefing is due."""
    return BriefingSchedule(settings.briefing_minute, settings.briefing_every_hours, settings.briefing_enabled)


def feed_config(settings: Settings, token: str | None = None, url: str | None = None) -> FeedConfig | None:
    """The poller configuration of the configured feed (``url`` overrides it); None without a feed."""
    address = url or settings.feed_url
    if not address:
        return None
    return FeedConfig(url=address, feed_id=address, token=token or None, interval_s=float(settings.feed_interval_s))
