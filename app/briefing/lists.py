"""Cut lists of a briefing: what is shown and the «и ещё N …» line for the rest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from app.common import ru

T = TypeVar("T")
NOTES_SHOWN = 6  # recommendations in the PDF and DOCX (the projection slide shows fewer)
WARNINGS_SHOWN = 5

# Noun forms (1, 2, 5) of what a cut list holds.
NOUNS: dict[str, tuple[str, str, str]] = {
    "places": ("территория", "территории", "территорий"),
    "incidents": ("инцидент", "инцидента", "инцидентов"),
    "topics": ("тема", "темы", "тем"),
    "notes": ("рекомендация", "рекомендации", "рекомендаций"),
    "categories": ("категория", "категории", "категорий"),
    "warnings": ("предупреждение", "предупреждения", "предупреждений"),
}


def more_text(hidden: int, noun: str) -> str:
    """«и ещё 3 территории» for ``hidden`` items left out; empty when nothing was cut."""
    if hidden <= 0:
        return ""
    return f"и ещё {ru.count_phrase(hidden, *NOUNS[noun])}"


def shown_and_more(items: Sequence[T], limit: int, noun: str) -> tuple[list[T], str]:
    """The first ``limit`` items and the «и ещё N …» line for the others."""
    return list(items[:limit]), more_text(len(items) - limit, noun)
