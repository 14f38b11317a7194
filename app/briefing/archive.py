"""Issued briefings: stored with their figures so an hour can be compared and re-issued."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.briefing.figures import BriefingFigures
from app.common.timeutil import as_utc, utcnow
from app.store.engine import Store
from app.store.models import Briefing


@dataclass(frozen=True)
class BriefingRecord:
    """One archived briefing as the archive view lists it."""

    id: int
    region: str
    period_start: datetime
    period_end: datetime
    generated_at: datetime
    pdf_path: str | None
    docx_path: str | None
    hour_total: int


def record_briefing(store: Store, figures: BriefingFigures, pdf_path: str | None = None,
                    docx_path: str | None = None) -> int:
    """Store an issued briefing; returns its id."""
    row = Briefing(
        region=figures.region, period_start=figures.period_start, period_end=figures.period_end,
        generated_at=utcnow(), figures_json=json.dumps(figures.as_json_dict(), ensure_ascii=False),
        pdf_path=pdf_path, docx_path=docx_path,
    )
    with store.session() as session:
        session.add(row)
        session.flush()
        return row.id


def previous_figures(store: Store, region: str, period_start: datetime) -> dict[str, Any] | None:
    """Figures of the latest briefing for ``region`` whose hour ended by ``period_start``.

    Strictly earlier hours only, so that re-issuing an hour compares with the same predecessor.
    """
    stmt = (select(Briefing.figures_json)
            .where(Briefing.region == region, Briefing.period_end <= as_utc(period_start))
            .order_by(Briefing.period_end.desc(), Briefing.id.desc()).limit(1))
    with store.engine.connect() as conn:
        raw = conn.execute(stmt).scalar()
    return json.loads(raw) if raw else None


def stored_figures(store: Store, briefing_id: int) -> dict[str, Any]:
    """The figures JSON of one archived briefing."""
    with store.engine.connect() as conn:
        raw = conn.execute(select(Briefing.figures_json).where(Briefing.id == briefing_id)).scalar_one()
    return json.loads(raw)  # type: ignore[no-any-return]


def comparable(figures: dict[str, Any]) -> dict[str, Any]:
    """Figures without the generation time: equal for two issues of the same hour."""
    return {key: value for key, value in figures.items() if key != "generated_at"}


def list_briefings(store: Store, limit: int = 500) -> list[BriefingRecord]:
    """Archived briefings, newest hour first."""
    stmt = select(Briefing).order_by(Briefing.period_end.desc(), Briefing.id.desc()).limit(limit)
    with store.session() as session:
        rows = list(session.scalars(stmt))
        return [BriefingRecord(r.id, r.region, r.period_start, r.period_end, r.generated_at, r.pdf_path,
                               r.docx_path, int(json.loads(r.figures_json).get("hour_total", 0))) for r in rows]
