"""UTC storage and regional local time (the southern regions use fixed UTC+3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

REGION_TZ = ZoneInfo("Europe/Moscow")


def utcnow() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Aware UTC version of a moment; naive values are taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def floor_hour(moment: datetime) -> datetime:
    """Start of the hour containing ``moment`` (UTC+3 has whole hours, so UTC floors align)."""
    return as_utc(moment).replace(minute=0, second=0, microsecond=0)


def to_local(moment: datetime) -> datetime:
    """The moment in the region's local time."""
    return as_utc(moment).astimezone(REGION_TZ)


def from_local(moment: datetime) -> datetime:
    """Aware UTC version of a moment; naive values are the region's local time."""
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    offset = _region_offset(moment.year, moment.month, moment.day, moment.hour)
    return (moment - offset).replace(tzinfo=UTC)


@lru_cache(maxsize=4096)
def _region_offset(year: int, month: int, day: int, hour: int) -> timedelta:
    """UTC offset of the region's local time in that hour (zone changes fall on whole hours).

    Cached: imports hold many rows per hour, and ZoneInfo arithmetic was a tenth of validation.
    """
    return datetime(year, month, day, hour, tzinfo=REGION_TZ).utcoffset() or timedelta(0)


def hour_range(start: datetime, end: datetime) -> list[datetime]:
    """Hour starts from ``start`` (floored) up to, not including, ``end``."""
    hours, current = [], floor_hour(start)
    while current < as_utc(end):
        hours.append(current)
        current += timedelta(hours=1)
    return hours
