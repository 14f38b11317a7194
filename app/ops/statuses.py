"""The path of a message: statuses, their Russian labels, the allowed steps and why others are not.

новое → передано → в работе → ответ дан → решено; a message that needs no action
(thanks, spam, a duplicate, not our region) is closed from any open status with a
reason, and a closed or resolved message can be reopened.
"""

from __future__ import annotations

STATUS_LABELS: dict[str, str] = {
    "new": "новое",
    "assigned": "передано",
    "in_progress": "в работе",
    "answered": "ответ дан",
    "resolved": "решено",
    "closed": "закрыто без действий",
}
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"assigned", "closed"}),
    "assigned": frozenset({"assigned", "in_progress", "answered", "closed"}),
    "in_progress": frozenset({"assigned", "answered", "closed"}),
    "answered": frozenset({"in_progress", "resolved"}),
    "resolved": frozenset({"new"}),
    "closed": frozenset({"new"}),
}
OPEN_STATUSES = ("new", "assigned", "in_progress")
# Statuses whose deadlines still run: the final answer is due after a first one («ответ дан»).
PENDING_STATUSES = (*OPEN_STATUSES, "answered")
DONE_STATUSES = ("resolved", "closed")
CLOSE_REASONS: dict[str, str] = {
    "thanks": "благодарность, ответ не нужен",
    "spam": "спам или реклама",
    "duplicate": "повтор другого сообщения",
    "foreign": "не наш регион",
    "no_action": "не требует действий",
}
_WHY_NOT: dict[str, str] = {
    "assigned": "для передачи выберите ведомство",
    "in_progress": "в работу берут переданное ведомству сообщение",
    "answered": "ответ даёт ведомство, которому передано сообщение",
    "resolved": "решённым отмечают сообщение, на которое дан ответ",
    "closed": "закрыть без действий можно только открытое сообщение",
    "new": "вернуть в работу можно решённое или закрытое сообщение",
}


def status_label(code: str) -> str:
    """Russian label of a status code."""
    return STATUS_LABELS.get(code, code)


def allowed(current: str, target: str) -> bool:
    """Whether a message in ``current`` may move to ``target``."""
    return target in TRANSITIONS.get(current, frozenset())


def why_not(current: str, target: str) -> str:
    """Why ``current`` → ``target`` is not offered (empty when it is allowed)."""
    if allowed(current, target):
        return ""
    return f"из «{status_label(current)}» нельзя: {_WHY_NOT.get(target, 'такого перехода нет')}"


def next_statuses(current: str) -> tuple[str, ...]:
    """Statuses reachable from ``current``, in the path's order."""
    return tuple(code for code in STATUS_LABELS if allowed(current, code))
