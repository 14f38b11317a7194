"""Automatic notes and the diff against the previous briefing; every line states its numbers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.common import ru
from app.common.timeutil import to_local

if TYPE_CHECKING:
    from app.briefing.figures import BriefingFigures, CategoryLine

GROWTH_MIN_MESSAGES = 5  # a category needs this many messages in the hour to be called growing
GROWTH_MIN_PERCENT = 30.0
DIFF_CATEGORY_LINES = 4


def change_text(now: int, before: int) -> str:
    """«+45 %» or «впервые» (nothing the hour before) or «без изменений»."""
    if before == 0:
        return "впервые" if now else "без изменений"
    return ru.signed_percent((now - before) * 100.0 / before)


def rate_text(value: float | None) -> str:
    """Messages per 1,000 residents with a decimal comma: «0,52»."""
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


def _informed_at(figures: BriefingFigures, code: str) -> str | None:
    times = [at for informed_code, at in figures.informed if informed_code in (code, "")]
    return max(times) if times else None


def _category_note(line: CategoryLine, informed_at: str | None) -> str | None:
    growing = line.hour >= GROWTH_MIN_MESSAGES and (
        line.previous == 0 or (line.hour - line.previous) * 100.0 / line.previous >= GROWTH_MIN_PERCENT)
    if not growing:
        return None
    numbers = (f"{line.label}: {change_text(line.hour, line.previous)} за час "
               f"(с {ru.format_int(line.previous)} до {ru.format_int(line.hour)})")
    if informed_at is None:
        return (f"{numbers}, информационных сообщений не было — рекомендуется проинформировать жителей "
                f"о сроках восстановления")
    return (f"{numbers}, последнее информационное сообщение в {informed_at} — рекомендуется обновить "
            f"сведения о сроках восстановления")


def _answers_note(figures: BriefingFigures) -> str | None:
    if not figures.overdue_answers:
        return None
    return (f"Просрочен ответ: {ru.messages(figures.overdue_answers)} из "
            f"{ru.format_int(figures.open_answers)} в работе — доложить руководителям ответственных ведомств")


def _incidents_note(figures: BriefingFigures) -> str | None:
    if not figures.new_incidents:
        return None
    places = ", ".join(dict.fromkeys(line.settlement for line in figures.new_incidents))
    return (f"Новых инцидентов за час: {ru.format_int(figures.incidents.new)} ({places}) — "
            f"проверить, назначены ли ответственные")


def _rate_note(figures: BriefingFigures) -> str | None:
    if not figures.top_rates:
        return None
    top = figures.top_rates[0]
    return (f"Наибольшая нагрузка на 1 000 жителей: {top.name} — {rate_text(top.per_thousand)} "
            f"({ru.messages(top.count)} за час)")


def notes(figures: BriefingFigures) -> tuple[str, ...]:
    """Notes derived from the figures, most urgent first; each names the numbers it rests on."""
    lines = sorted(figures.categories, key=lambda line: (-(line.hour - line.previous), line.code))
    found = [_category_note(line, _informed_at(figures, line.code)) for line in lines]
    found += [_answers_note(figures), _incidents_note(figures), _rate_note(figures)]
    return tuple(note for note in found if note)


def _delta(label: str, before: int, now: int) -> str:
    sign = "+" if now >= before else "−"
    return f"{label}: {ru.format_int(before)} → {ru.format_int(now)} ({sign}{ru.format_int(abs(now - before))})"


def _category_diff(current: Mapping[str, Any], previous: Mapping[str, Any]) -> list[str]:
    now = {line["code"]: (line["label"], line["hour"]) for line in current.get("categories", [])}
    before = {line["code"]: (line["label"], line["hour"]) for line in previous.get("categories", [])}
    changed = []
    for code in sorted(set(now) | set(before)):
        label = (now.get(code) or before[code])[0]
        a, b = before.get(code, (label, 0))[1], now.get(code, (label, 0))[1]
        if a != b:
            changed.append((-abs(b - a), code, _delta(label, a, b)))
    return [text for *_, text in sorted(changed)[:DIFF_CATEGORY_LINES]]


def diff(current: Mapping[str, Any], previous: Mapping[str, Any] | None) -> tuple[str, ...]:
    """What changed since the previous briefing (both as stored JSON); empty without one."""
    if not previous:
        return ()
    end = to_local(datetime.fromisoformat(previous["period_end"]))
    lines = [f"Предыдущая справка — за час до {end:%H:%M %d.%m}",
             _delta("Сообщений за час", previous.get("hour_total", 0), current["hour_total"])]
    lines += _category_diff(current, previous)
    for key, label in (("open", "Открытых инцидентов"), ("new", "Новых инцидентов за час")):
        a, b = (previous.get("incidents") or {}).get(key, 0), current["incidents"][key]
        if a != b:
            lines.append(_delta(label, a, b))
    if previous.get("overdue_answers", 0) != current["overdue_answers"]:
        lines.append(_delta("Просроченных ответов", previous.get("overdue_answers", 0), current["overdue_answers"]))
    old_places = {line["name"] for line in previous.get("top_places", [])}
    appeared = [line["name"] for line in current["top_places"] if line["name"] not in old_places]
    if appeared:
        lines.append("Впервые в списке территорий: " + ", ".join(appeared))
    return tuple(lines)
