"""Issued briefings: stored with their figures so an hour can be compared and re-issued."""

from __future__ import annotations

import json

from app.briefing import BriefingFigures
from app.models import Briefing
from app.store import Store
from app.timeutil import utcnow


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
