"""Answer deadlines in working time, and the overdue count of the governor's report (SQL).

The rules and the working-time arithmetic live in app/ops/workcal.py (production
calendar of the region, channels, the centre's overrides). Counting happens in SQL:
both deadlines grow with publication time, so "overdue at ``at``" is "published
before a cutoff", computed once per check for each channel (social networks, the
«Решаем вместе» platform) and, in a subject spanning several zones, for each zone
(its municipalities keep their own working hours).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, not_, or_, select, true

from app.common.timeutil import as_utc
from app.ops.statuses import DONE_STATUSES
from app.ops.workcal import (
    DEFAULT_FIRST_HOURS,
    PLATFORM,
    PLATFORM_SOURCES,
    REGION_FIRST_HOURS,
    SOCIAL,
    WorkCalendar,
    add_working_time,
    calendar_from,
    calendar_from_json,
    calendar_to_json,
    channel_of,
    final_cutoff,
    final_due,
    first_cutoff,
    first_due,
    is_overdue,
)
from app.region import find_region, region
from app.settings import load_settings
from app.store.engine import Store
from app.store.models import Agency, Message, Setting

__all__ = [
    "DEFAULT_FIRST_HOURS", "PLATFORM", "REGION_FIRST_HOURS", "SOCIAL", "UNASSIGNED", "AgencyOverdue",
    "OverdueSummary", "WorkCalendar", "add_working_time", "calendar_from", "calendar_from_json", "calendar_to_json",
    "channel_of", "final_cutoff", "final_due", "first_cutoff", "first_due", "is_overdue", "load_calendar",
    "open_condition", "overdue_condition", "overdue_summary", "save_calendar",
]

SETTING_KEY = "work_calendar"
UNASSIGNED = "Не распределено"


@dataclass(frozen=True)
class AgencyOverdue:
    """One agency's open messages, how many are overdue and the share (0…1)."""

    name: str
    open: int
    overdue: int
    share: float


@dataclass(frozen=True)
class OverdueSummary:
    total_open: int
    overdue: int
    by_agency: tuple[AgencyOverdue, ...]

    @property
    def share(self) -> float:
        return self.overdue / self.total_open if self.total_open else 0.0


def _published_before(bound: tuple[datetime, bool]) -> ColumnElement[bool]:
    moment, inclusive = bound
    return Message.published_at <= moment if inclusive else Message.published_at < moment


def _late(cal: WorkCalendar, at: datetime, channel: str) -> ColumnElement[bool]:
    high = Message.importance == "high"
    late_first = and_(Message.first_answer_at.is_(None), or_(
        and_(high, _published_before(first_cutoff(cal, at, "high"))),
        and_(not_(high), _published_before(first_cutoff(cal, at, "normal"))),
    ))
    late_final = and_(Message.final_answer_at.is_(None), Message.published_at < final_cutoff(cal, at, channel))
    return or_(late_first, late_final)


def _in_zone(cal: WorkCalendar, at: datetime) -> ColumnElement[bool]:
    platform = Message.source.in_(sorted(PLATFORM_SOURCES))
    return or_(and_(platform, _late(cal, at, PLATFORM)), and_(not_(platform), _late(cal, at, SOCIAL)))


def overdue_condition(cal: WorkCalendar, at: datetime,
                      zones: dict[str, tuple[str, ...]] | None = None) -> ColumnElement[bool]:
    """SQL condition: the message is overdue at ``at`` (first or final answer, by its channel).

    ``zones``: IANA zone → municipalities counted in it (a subject spanning several zones); the
    others keep ``cal``'s zone.
    """
    if not zones:
        return _in_zone(cal, at)
    others = [m for names in zones.values() for m in names]
    parts = [and_(Message.municipality.in_(names), _in_zone(replace(cal, zone=zone), at))
             for zone, names in zones.items()]
    rest = or_(Message.municipality.is_(None), not_(Message.municipality.in_(others))) if others else true()
    return or_(and_(rest, _in_zone(cal, at)), *parts)


def open_condition() -> ColumnElement[bool]:
    """Complaints not yet resolved or closed as needing no action (gratitude and chatter have no deadline)."""
    return and_(Message.is_complaint.is_(True), Message.status.not_in(DONE_STATUSES))


def _zones(store: Store, cal: WorkCalendar) -> dict[str, tuple[str, ...]]:
    """Stored municipalities of the calendar's subject that keep another zone than the calendar's."""
    subject = find_region(cal.production) if cal.production else None
    if subject is None or len(subject.zones) < 2:
        return {}
    with store.engine.connect() as conn:
        names = conn.execute(select(Message.municipality).where(Message.municipality.is_not(None)).distinct())
        found: dict[str, list[str]] = {}
        for name in names.scalars():
            zone = str(subject.zone_of(name).key)
            if name and zone != (cal.zone or subject.zone.key):
                found.setdefault(zone, []).append(name)
    return {zone: tuple(names) for zone, names in found.items()}


def overdue_summary(store: Store, at: datetime, cal: WorkCalendar | None = None) -> OverdueSummary:
    """Open and overdue messages at ``at``, in total and per agency (most overdue first)."""
    cal = cal or load_calendar(store)
    overdue = func.sum(case((overdue_condition(cal, at, _zones(store, cal)), 1), else_=0))
    stmt = (select(Message.agency_id, func.count(), overdue).where(open_condition())
            .where(Message.published_at <= as_utc(at)).group_by(Message.agency_id))
    with store.engine.connect() as conn:
        names = dict(conn.execute(select(Agency.id, Agency.name)).all())
        rows = [(names.get(a, UNASSIGNED) if a is not None else UNASSIGNED, int(n), int(o or 0))
                for a, n, o in conn.execute(stmt)]
    agencies = tuple(sorted((AgencyOverdue(name, n, o, o / n if n else 0.0) for name, n, o in rows),
                            key=lambda a: (-a.overdue, -a.share, a.name)))
    return OverdueSummary(sum(a.open for a in agencies), sum(a.overdue for a in agencies), agencies)


def load_calendar(store: Store) -> WorkCalendar:
    """The calendar of the stored settings and region (a calendar an earlier version stored wins)."""
    with store.session() as session:
        setting = session.get(Setting, SETTING_KEY)
        if setting is not None:
            return calendar_from_json(setting.value)
    settings = load_settings(store)
    return calendar_from(settings, region(settings.region) if settings.region else None)


def save_calendar(store: Store, cal: WorkCalendar) -> None:
    """Store a calendar that wins over the settings (drills and tests pin one this way)."""
    with store.session() as session:
        session.merge(Setting(key=SETTING_KEY, value=calendar_to_json(cal)))
