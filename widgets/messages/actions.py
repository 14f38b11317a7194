"""Operator actions on messages: category, routing, status, closing with a reason, importance, merging, undo.

Each action runs through ``core.ops`` on the database worker with the version the
operator saw, so two operators changing the same message never silently overwrite
each other. The core announces what changed and every view refreshes itself from
that announcement; here only the outcome is reported: ``completed(Outcome)`` (its
text for the status bar) and ``failed(text)`` with the refusals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from app.categories import CATEGORIES
from app.core import Core
from app.ops import CLOSE_REASONS, STATUS_LABELS, AgencyRow, Outcome, Target, allowed, why_not
from app.ops.directory import directory_with_suggestion
from widgets.tasks.worker import DbWorker


class OperatorActions(QObject):
    """Runs an operation of ``core.ops``; ``completed(Outcome)``, ``failed(text)`` with the reasons."""

    completed = Signal(object)
    failed = Signal(str)

    def __init__(self, core: Core, worker: DbWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.core, self.worker = core, worker
        self.last: Outcome | None = None  # what «Отменить» takes back

    def run(self, operation: Callable[[], Outcome]) -> None:
        self.worker.run(operation, self._on_done, self._on_error, owner=self)

    def _on_done(self, outcome: Outcome) -> None:
        if outcome.undo:
            self.last = outcome
        self.completed.emit(outcome)
        if outcome.errors:
            self.failed.emit("\n".join(outcome.errors))

    def _on_error(self, exc: BaseException) -> None:
        self.failed.emit(str(exc))

    # the actions -------------------------------------------------------------
    def set_category(self, rows: Sequence[Target], code: str) -> None:
        targets = list(rows)
        self.run(lambda: self.core.ops.set_category(targets, code))

    def set_status(self, rows: Sequence[Target], status: str, note: str | None = None) -> None:
        targets = list(rows)
        self.run(lambda: self.core.ops.set_status(targets, status, note))

    def assign(self, rows: Sequence[Target], agency_id: int) -> None:
        targets = list(rows)
        self.run(lambda: self.core.ops.assign(targets, agency_id))

    def add_note(self, rows: Sequence[Target], text: str) -> None:
        targets = list(rows)
        self.run(lambda: self.core.ops.add_note(targets, text))

    def mark_important(self, rows: Sequence[Target]) -> None:
        targets = list(rows)
        self.run(lambda: self.core.ops.set_importance(targets, True))

    def merge_incidents(self, rows: Sequence[Target]) -> None:
        ids = sorted({i for i in (getattr(row, "incident_id", None) for row in rows) if i is not None})
        if len(ids) < 2:
            self.failed.emit("Для объединения выберите сообщения как минимум двух разных происшествий")
            return
        self.run(lambda: self.core.ops.merge_incidents(ids))

    def undo(self) -> None:
        """Take back the last action (each message only if nobody changed it since)."""
        last, self.last = self.last, None
        if last is None:
            self.failed.emit("Отменять нечего")
            return
        self.run(lambda: self.core.ops.undo(last))

    def choose_agency(self, rows: Sequence[Target], parent: QWidget) -> None:
        """Read the directory off the UI thread, then ask which agency gets the rows (the usual one first)."""
        snapshot = list(rows)
        store, category = self.core.store, str(getattr(snapshot[0], "category", "")) if snapshot else ""
        self.worker.run(lambda: directory_with_suggestion(store, category),
                        lambda found: _ask_agency(self, snapshot, parent, found), self._on_error, owner=self)


def build_menu(actions: OperatorActions, rows: Sequence[Target], parent: QWidget) -> QMenu:
    """Context menu for ``rows`` (bound to their ids and versions, never to a table position)."""
    menu = QMenu(parent)
    menu.setToolTipsVisible(True)
    category = menu.addMenu("Категория")
    for c in CATEGORIES:
        category.addAction(c.label, bind_slot(actions.set_category, rows, c.code))
    add_status_menu(menu, actions, rows, parent)
    menu.addAction("Передать в ведомство…", lambda: actions.choose_agency(rows, parent))
    menu.addAction("Отметить как важное", lambda: actions.mark_important(rows))
    if any(getattr(row, "incident_id", None) is not None for row in rows):
        menu.addAction("Объединить происшествия", lambda: actions.merge_incidents(rows))
    return menu


def add_status_menu(menu: QMenu, actions: OperatorActions, rows: Sequence[Target], parent: QWidget) -> QMenu:
    """«Статус»: only the steps allowed from every row's status; the others disabled with the reason."""
    status = menu.addMenu("Статус")
    status.setToolTipsVisible(True)
    current = [str(getattr(row, "status", "new")) for row in rows]
    for code, label in STATUS_LABELS.items():
        if code in ("assigned", "closed"):
            continue
        reason = next((why_not(c, code) for c in current if not allowed(c, code)), "")
        text = "Вернуть в работу (новое)" if code == "new" else label + ("…" if code == "answered" else "")
        action = status.addAction(text, bind_slot(_set_status, actions, rows, code, parent))
        _allow(action, reason)
    close = status.addMenu("Закрыть без действий")
    close.setToolTipsVisible(True)
    reason = next((why_not(c, "closed") for c in current if not allowed(c, "closed")), "")
    _allow(close.menuAction(), reason)
    for key, text in CLOSE_REASONS.items():
        close.addAction(text, bind_slot(actions.set_status, rows, "closed", key))
    return status


def bind_slot(fn: Callable[..., object], *args: Any) -> Callable[[], None]:
    """A slot without arguments (a menu's ``triggered(bool)`` must not reach ``fn``)."""
    def slot() -> None:
        fn(*args)

    return slot


def _allow(action: QAction, reason: str) -> None:
    action.setEnabled(not reason)
    action.setToolTip(reason[:1].upper() + reason[1:] if reason else "")


def _set_status(actions: OperatorActions, rows: Sequence[Target], code: str, parent: QWidget) -> None:
    if code != "answered":
        actions.set_status(rows, code)
        return
    text, ok = QInputDialog.getMultiLineText(parent, "Ответ дан", "Текст ответа (сохраняется в истории):")
    if ok:
        actions.set_status(rows, code, text.strip() or None)


def _ask_agency(actions: OperatorActions, rows: Sequence[Target], parent: QWidget,
                found: tuple[tuple[AgencyRow, ...], AgencyRow | None]) -> None:
    agencies, suggestion = found
    if not agencies:
        actions.failed.emit("Справочник ведомств пуст: добавьте их: «Файл → Справочник ведомств…»")
        return
    names = [a.name for a in agencies]
    first = names.index(suggestion.name) if suggestion is not None else 0
    name, ok = QInputDialog.getItem(parent, "Передать в ведомство", "Ведомство:", names, first, False)
    if ok:
        actions.assign(rows, agencies[names.index(name)].id)
