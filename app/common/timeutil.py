"""UTC storage and the region's local time.

The database stores UTC. What the product shows, groups by hour or schedules is in
the local time of the region the centre serves: the core sets that zone once from
the region profile (``set_local_zone``); until a region is chosen it is UTC. A
message of a region spanning several zones can pass its own zone explicitly.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

_UTC_ZONE = ZoneInfo("UTC")
_zone: ZoneInfo = _UTC_ZONE


def local_zone() -> ZoneInfo:
    """The zone of the region the centre serves (UTC until a region is chosen)."""
    return _zone


def set_local_zone(zone: ZoneInfo | str | None) -> None:
    """Make ``zone`` the region's local time (the core calls this when the region is set)."""
    global _zone
    _zone = _UTC_ZONE if zone is None else zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)


def utcnow() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Aware UTC version of a moment; naive values are taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def floor_hour(moment: datetime) -> datetime:
    """Start of the UTC hour containing ``moment`` (a whole-hour zone's hours coincide with it)."""
    return as_utc(moment).replace(minute=0, second=0, microsecond=0)


def floor_local_hour(moment: datetime, zone: tzinfo | None = None) -> datetime:
    """Start of the local hour containing ``moment``, as aware UTC (also for half-hour zones)."""
    local = as_utc(moment).astimezone(zone or _zone)
    return local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)


def to_local(moment: datetime, zone: tzinfo | None = None) -> datetime:
    """The moment in the region's local time (or in ``zone``)."""
    return as_utc(moment).astimezone(zone or _zone)


def from_local(moment: datetime, zone: ZoneInfo | None = None) -> datetime:
    """Aware UTC version of a moment; naive values are local time of the region (or of ``zone``)."""
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    offset = _offset((zone or _zone).key, moment.year, moment.month, moment.day, moment.hour)
    return (moment - offset).replace(tzinfo=UTC)


def local_hour_text(text: str, zone: ZoneInfo | None = None) -> datetime:
    """'YYYY-MM-DD HH:MM' in local time → aware UTC; raises ValueError with a Russian sentence."""
    try:
        naive = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError as exc:
        raise ValueError(f"ожидается время «ГГГГ-ММ-ДД ЧЧ:ММ», получено «{text}»") from exc
    return from_local(naive, zone)


@lru_cache(maxsize=8192)
def _offset(zone: str, year: int, month: int, day: int, hour: int) -> timedelta:
    """UTC offset of ``zone`` in that local hour (zone changes fall on whole hours).

    Cached: imports hold many rows per hour, and ZoneInfo arithmetic was a tenth of validation.
    """
    return datetime(year, month, day, hour, tzinfo=ZoneInfo(zone)).utcoffset() or timedelta(0)


def hour_range(start: datetime, end: datetime) -> list[datetime]:
    """Hour starts from ``start`` (floored) up to, not including, ``end``."""
    hours, current = [], floor_hour(start)
    while current < as_utc(end):
        hours.append(current)
        current += timedelta(hours=1)
    return hours
