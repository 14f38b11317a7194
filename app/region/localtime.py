"""A single message's local time: its municipality's zone where its subject spans several.

Hourly buckets, schedules and «за последний час» use the centre's zone
(``app.common.timeutil.local_zone``). Where one message's time is shown (an
export row, a popup, a list), it is the time where the message was written:
the zone of its subject and municipality (Yakutia spans three zones), else the
centre's zone.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from app.common.timeutil import local_zone, to_local
from app.region.registry import region_by_name


def message_zone(region_name: str | None, municipality: str | None = None) -> ZoneInfo:
    """The zone of a message placed in ``region_name`` (stored name) and ``municipality``."""
    subject = region_by_name(region_name)
    return subject.zone_of(municipality) if subject is not None else local_zone()


def message_local_time(moment: datetime, region_name: str | None, municipality: str | None = None) -> datetime:
    """``moment`` (UTC or naive UTC) as the local time of the message's place, with its offset."""
    return to_local(moment, message_zone(region_name, municipality))
