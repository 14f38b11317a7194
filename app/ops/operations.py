"""What an operator does, through one door: each action says what changed and can be undone.

``Operations`` runs an action over messages with the versions the operator saw (so
another seat's edit is never overwritten), collects per-message refusals as Russian
sentences, announces the ``Changes`` once and keeps what «Отменить» needs: the
fields each message had before, written back against the version the action left.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from app.categories import CODES, label
from app.common.changes import Changes, Hub, Kind
from app.common.timeutil import utcnow
from app.incidents import merge_incidents, split_incident
from app.ops.corrections import correct_category
from app.ops.messages import EditConflictError, UpdateResult, update_message
from app.ops.routing import RoutingError, assign, list_agencies, set_status
from app.ops.statuses import CLOSE_REASONS, status_label
from app.ops.unmerge import UnmergeStep, members_of, unmerge
from app.store import Store


class Target(Protocol):
    """A message as the operator saw it: its id and the version shown."""

    @property
    def id(self) -> int: ...

    @property
    def version(self) -> int: ...


@dataclass(frozen=True)
class UndoStep:
    """Write ``fields`` back to message ``message_id`` if it still has ``version``."""

    message_id: int
    version: int
    fields: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """What an action did: the announcement, refusals (Russian), and how to undo it."""

    changes: Changes
    errors: tuple[str, ...] = ()
    undo: tuple[UndoStep | UnmergeStep, ...] = field(default=(), repr=False)

    @property
    def text(self) -> str:
        return self.changes.text

    @property
    def ok(self) -> bool:
        return not self.errors


Edit = Callable[[Target], UpdateResult]


class Operations:
    """The write door of the core: every operator action on messages, incidents and the directory."""

    def __init__(self, store: Store, hub: Hub, operator: Callable[[], str],
                 now: Callable[[], datetime] = utcnow) -> None:
        """``now`` is the core's clock: a rehearsal or a replayed scenario stamps its own time on actions."""
        self.store, self.hub, self._operator, self._now = store, hub, operator, now

    @property
    def operator(self) -> str:
        return self._operator()

    # messages --------------------------------------------------------------
    def set_category(self, targets: Sequence[Target], code: str) -> Outcome:
        if code not in CODES:
            raise ValueError(f"неизвестная категория «{code}»")
        return self._edit(targets, lambda t: correct_category(self.store, t.id, code, operator=self.operator,
                                                              at=self._now(), expected_version=t.version),
                          f"категория → {label(code)}")

    def set_status(self, targets: Sequence[Target], status: str, note: str | None = None) -> Outcome:
        reason = CLOSE_REASONS.get(note or "", note)
        return self._edit(targets, lambda t: set_status(self.store, t.id, status, self.operator, self._now(), reason,
                                                        expected_version=t.version),
                          f"статус → {status_label(status)}" + (f" ({reason})" if status == "closed" else ""))

    def assign(self, targets: Sequence[Target], agency_id: int) -> Outcome:
        names = {a.id: a.name for a in list_agencies(self.store)}
        return self._edit(targets, lambda t: assign(self.store, t.id, agency_id, self.operator, self._now(),
                                                    expected_version=t.version),
                          f"передано: {names.get(agency_id, agency_id)}")

    def set_importance(self, targets: Sequence[Target], important: bool = True) -> Outcome:
        value = "high" if important else "normal"
        return self._edit(targets, lambda t: update_message(self.store, t.id, t.version, operator=self.operator,
                                                            at=self._now(), importance=value),
                          "отмечено как важное" if important else "снята отметка «важное»")

    def add_note(self, targets: Sequence[Target], text: str) -> Outcome:
        """A note in the message's history (who and when), without changing anything else."""
        note = " ".join(text.split())
        if not note:
            raise ValueError("пустая заметка")
        return self._edit(targets, lambda t: update_message(self.store, t.id, t.version, operator=self.operator,
                                                            at=self._now(), note=note), "добавлена заметка")

    def undo(self, outcome: Outcome) -> Outcome:
        """Write back what ``outcome`` replaced (each message only if nobody changed it since)."""
        ids: list[int] = []
        errors: list[str] = []
        incidents: list[int] = []
        for step in outcome.undo:
            if isinstance(step, UnmergeStep):
                refused = unmerge(self.store, step)
                errors.extend(refused)
                if not refused:
                    ids.extend(step.message_ids)
                    incidents.extend(i for i, _ids in step.members)
                continue
            result = update_message(self.store, step.message_id, step.version, operator=self.operator,
                                    at=self._now(), note="отмена действия", **step.fields)
            if result.ok:
                ids.append(result.message_id)
            else:
                errors.append(result.explain())
        text = f"Отменено: {outcome.text}" if ids else ""
        kinds = (Kind.MESSAGES_EDITED, Kind.INCIDENTS) if incidents else (Kind.MESSAGES_EDITED,)
        changes = Changes.of(*kinds, messages=ids, incidents=incidents, text=text) if ids else Changes()
        return Outcome(self.hub.publish(changes), tuple(errors))

    def _edit(self, targets: Sequence[Target], edit: Edit, what: str) -> Outcome:
        done: list[UpdateResult] = []
        errors: list[str] = []
        for target in targets:
            try:
                result = edit(target)
            except (RoutingError, ValueError, KeyError) as exc:
                errors.append(_sentence(exc))
                continue
            if result.ok:
                done.append(result)
            else:
                errors.append(result.explain())
        return Outcome(self.hub.publish(self._changes(done, what)), tuple(errors), _undo_steps(done))

    def _changes(self, done: Sequence[UpdateResult], what: str) -> Changes:
        if not done:
            return Changes()
        ids = [r.message_id for r in done]
        shown = ", ".join(f"№{i}" for i in ids[:5]) + (f" и ещё {len(ids) - 5}" if len(ids) > 5 else "")
        return Changes.of(Kind.MESSAGES_EDITED, messages=ids, text=f"{shown}: {what}")

    # incidents -------------------------------------------------------------
    def merge_incidents(self, incident_ids: Sequence[int]) -> Outcome:
        members = members_of(self.store, incident_ids)
        try:
            target = merge_incidents(self.store, incident_ids)
        except (ValueError, KeyError) as exc:
            return Outcome(Changes(), (_sentence(exc),))
        text = f"происшествия {', '.join(f'№{i}' for i in sorted(set(incident_ids)))} объединены в №{target}"
        step = UnmergeStep(target, members)
        changes = Changes.of(Kind.INCIDENTS, Kind.MESSAGES_EDITED, incidents=incident_ids,
                             messages=step.message_ids, text=text)
        return Outcome(self.hub.publish(changes), undo=(step,))

    def split_incident(self, incident_id: int, message_ids: Sequence[int]) -> Outcome:
        try:
            created = split_incident(self.store, incident_id, message_ids)
        except (ValueError, KeyError) as exc:
            return Outcome(Changes(), (_sentence(exc),))
        text = f"из происшествия №{incident_id} выделено №{created}"
        return Outcome(self.hub.publish(Changes.of(Kind.INCIDENTS, Kind.MESSAGES_EDITED, messages=message_ids,
                                                   incidents=(incident_id, created), text=text)))

    def announce(self, kind: str, text: str = "", **ids: Any) -> Outcome:
        """Announce a change made by a helper of this package (directory, assistance points, marks)."""
        return Outcome(self.hub.publish(Changes.of(kind, text=text, **ids)))


def _undo_steps(done: Sequence[UpdateResult]) -> tuple[UndoStep, ...]:
    steps = []
    for result in done:
        if result.before is None or result.current is None:
            continue
        changed = {k: v for k, v in result.before.fields.items() if result.current.fields.get(k) != v}
        if not changed:  # a note: nothing to write back
            continue
        steps.append(UndoStep(result.message_id, result.current.version, changed))
    return tuple(steps)


def _sentence(exc: BaseException) -> str:
    if isinstance(exc, EditConflictError):
        return exc.result.explain()
    text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    return text[:1].upper() + text[1:] if text else "Действие не выполнено"

