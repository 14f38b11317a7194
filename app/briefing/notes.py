"""Automatic notes and the diff against the previous briefing; every line states its numbers."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.briefing.lists import more_text
from app.common import ru
from app.common.timeutil import to_local

if TYPE_CHECKING:
    from app.briefing.figures import BriefingFigures, CategoryLine

# Which categories become recommendations, and in what order (see ``category_reason``):
# - a category needs at least MIN_COUNT messages in the hour: 3 → 8 is noise, not news;
# - it is listed when its growth is beyond chance — the hour exceeds the previous one by at least
#   GROWTH_MIN_Z Poisson standard deviations (sqrt(previous + 1)) and by GROWTH_MIN_PERCENT —
#   or when it carries at least VOLUME_SHARE of the hour's messages even without growth;
# - listed categories are ranked by volume (messages in the hour), then by the strength of growth,
#   so 121 power complaints an hour come before a small category that doubled.
MIN_COUNT = 10
GROWTH_MIN_Z = 2.0
GROWTH_MIN_PERCENT = 30.0
VOLUME_SHARE = 0.25
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


def growth_z(now: int, before: int) -> float:
    """How many Poisson standard deviations ``now`` lies above ``before``."""
    return (now - before) / math.sqrt(before + 1)


def category_reason(line: CategoryLine, hour_total: int) -> str | None:
    """Why ``line`` is a recommendation («значимый рост; 45 % сообщений часа»), None when it is not one."""
    if line.hour < MIN_COUNT:
        return None
    reasons = []
    if growth_z(line.hour, line.previous) >= GROWTH_MIN_Z and (
            line.previous == 0 or (line.hour - line.previous) * 100.0 / line.previous >= GROWTH_MIN_PERCENT):
        reasons.append("рост больше обычных колебаний")
    share = line.hour / hour_total if hour_total else 0.0
    if share >= VOLUME_SHARE:
        reasons.append(f"{round(share * 100)} % сообщений часа")
    return "; ".join(reasons) or None


def _category_note(line: CategoryLine, reason: str, informed_at: str | None) -> str:
    numbers = (f"{line.label}: {ru.format_int(line.hour)} за час, {change_text(line.hour, line.previous)} "
               f"(с {ru.format_int(line.previous)} до {ru.format_int(line.hour)})")
    if informed_at is None:
        advice = ("информационных сообщений не было — рекомендуется проинформировать жителей "
                  "о сроках восстановления")
    else:
        advice = (f"последнее информационное сообщение в {informed_at} — рекомендуется обновить "
                  f"сведения о сроках восстановления")
    return f"{numbers}, {advice}. Основание: {reason}"


def _category_notes(figures: BriefingFigures) -> list[str]:
    """Category recommendations, by volume then growth (the rule above)."""
    ranked = sorted(figures.categories,
                    key=lambda line: (-line.hour, -growth_z(line.hour, line.previous), line.code))
    found = []
    for line in ranked:
        reason = category_reason(line, figures.hour_total)
        if reason:
            found.append(_category_note(line, reason, _informed_at(figures, line.code)))
    return found


def _answers_note(figures: BriefingFigures) -> str | None:
    if not figures.overdue_answers:
        return None
    return (f"Просрочен ответ: {ru.messages(figures.overdue_answers)} (жалоб без окончательного ответа: "
            f"{ru.format_int(figures.open_answers)}) — доложить руководителям ответственных ведомств")


def _incidents_note(figures: BriefingFigures) -> str | None:
    if not figures.new_incidents:
        return None
    places = ", ".join(dict.fromkeys(line.settlement for line in figures.new_incidents))
    more = more_text(figures.new_incidents_total - len(figures.new_incidents), "incidents")
    places = f"{places} {more}" if more else places
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
    others = (_answers_note(figures), _incidents_note(figures), _rate_note(figures))
    return (*_category_notes(figures), *(note for note in others if note))


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
    shown = [text for *_, text in sorted(changed)[:DIFF_CATEGORY_LINES]]
    more = more_text(len(changed) - DIFF_CATEGORY_LINES, "categories")
    return shown + ([f"{more.capitalize()} с изменениями"] if more else [])


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
