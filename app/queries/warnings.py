"""Official warnings (CAP 1.2) in force at a moment: for the map's warning areas and the briefing's lines.

A warning is in force from ``effective`` (else ``sent``, else when it was received)
until ``expires``; one without ``expires`` is taken as in force for
``DEFAULT_VALIDITY`` after it began, so a forgotten alert does not hang on the map
for ever. Only real alerts count: ``status`` Actual (not Exercise, System, Test or
Draft) and ``msgType`` Alert or Update (a Cancel, Ack or Error is no warning).
Severity colours and labels are ours; everything else in a row came from a
source and is text to be shown as text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from app.common.timeutil import as_utc, to_local
from app.store import OfficialWarning, Store

DEFAULT_VALIDITY = timedelta(hours=24)
LIMIT = 500  # warnings drawn at once: more is a broken or hostile source
SEVERITIES: dict[str, tuple[str, str]] = {  # CAP severity → (Russian label, map colour), most severe first
    "Extreme": ("чрезвычайная опасность", "#8e1b1b"),
    "Severe": ("сильная опасность", "#e03a1e"),
    "Moderate": ("умеренная опасность", "#f08c00"),
    "Minor": ("слабая опасность", "#e6c700"),
    "Unknown": ("опасность не указана", "#7f7f7f"),
}
_ORDER = {code: i for i, code in enumerate(SEVERITIES)}
_LIVE_TYPES = ("Alert", "Update")


@dataclass(frozen=True)
class WarningRow:
    """One warning in force, ready for views: times in UTC, severity as our label and colour."""

    id: int
    source: str
    identifier: str
    sender: str | None
    event: str
    headline: str | None
    severity: str
    severity_label: str
    color: str
    area_desc: str | None
    geometry: dict | None
    starts: datetime
    ends: datetime


def severity_style(severity: str | None) -> tuple[str, str, str]:
    """(CAP code, Russian label, colour) of a severity as the source wrote it; anything odd is Unknown."""
    code = severity if isinstance(severity, str) and severity in SEVERITIES else "Unknown"
    label, color = SEVERITIES[code]
    return code, label, color


def active_warnings(store: Store, moment: datetime) -> list[WarningRow]:
    """Warnings in force at ``moment``, most severe first, then by the earliest end."""
    at = as_utc(moment)
    stmt = (select(OfficialWarning)
            .where(or_(OfficialWarning.status.is_(None), OfficialWarning.status == "Actual"),
                   or_(OfficialWarning.msg_type.is_(None), OfficialWarning.msg_type.in_(_LIVE_TYPES)),
                   or_(OfficialWarning.expires.is_(None), OfficialWarning.expires > at))
            .order_by(OfficialWarning.id.desc()).limit(LIMIT * 4))
    with store.session() as session:
        rows = [_row(w) for w in session.scalars(stmt)]
    live = [r for r in rows if r.starts <= at < r.ends]
    return sorted(live, key=lambda r: (_ORDER[r.severity], r.ends, r.id))[:LIMIT]


def _row(w: OfficialWarning) -> WarningRow:
    starts = as_utc(w.effective or w.sent or w.received_at)
    ends = as_utc(w.expires) if w.expires else starts + DEFAULT_VALIDITY
    code, label, color = severity_style(w.severity)
    return WarningRow(w.id, w.source, w.identifier, w.sender, w.event or w.headline or "Предупреждение", w.headline,
                      code, label, color, w.area_desc, _geometry(w.geometry), starts, ends)


def _geometry(text: str | None) -> dict | None:
    if not text:
        return None
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) and isinstance(value.get("type"), str) else None


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is no coordinate")


def until_text(moment: datetime) -> str:
    """«25.11.2026 18:00» in the region's local time."""
    return f"{to_local(moment):%d.%m.%Y %H:%M}"


def warning_line(row: WarningRow) -> str:
    """The briefing's one line: «Сильный ветер (сильная опасность) — до 25.11.2026 18:00; побережье»."""
    line = f"{row.event} ({row.severity_label}) — до {until_text(row.ends)}"
    return f"{line}; {row.area_desc}" if row.area_desc else line
