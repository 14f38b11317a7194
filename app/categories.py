"""Message categories as the operations centres use them (see DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    """One incident category: stable code, Russian label and map colour."""

    code: str
    label: str
    color: str


CATEGORIES: tuple[Category, ...] = (
    Category("power", "Электроснабжение", "#f2b701"),
    Category("water", "Водоснабжение", "#1f78d1"),
    Category("heating", "Отопление и ГВС", "#e4572e"),
    Category("gas", "Газоснабжение", "#8c564b"),
    Category("storm", "Последствия непогоды", "#6a3d9a"),
    Category("flood", "Подтопления", "#17becf"),
    Category("roads", "Дороги и транспорт", "#7f7f7f"),
    Category("waste", "Вывоз мусора", "#2ca02c"),
    Category("health", "Здравоохранение", "#d62728"),
    Category("telecom", "Связь и интернет", "#e377c2"),
    Category("other", "Прочее", "#b0b0b0"),
)

BY_CODE: dict[str, Category] = {c.code: c for c in CATEGORIES}
CODES: tuple[str, ...] = tuple(c.code for c in CATEGORIES)


def label(code: str | None) -> str:
    """Russian label of a category code; unknown codes read as «Прочее»."""
    return BY_CODE.get(code or "other", BY_CODE["other"]).label


def color(code: str | None) -> str:
    """Map colour of a category code."""
    return BY_CODE.get(code or "other", BY_CODE["other"]).color
