"""Operator actions on selected messages: category, routing, status, importance, merging incidents, undo.

Each action runs through ``core.ops`` on the database worker with the version the
operator saw, so two operators changing the same message never silently overwrite
each other. The core announces what changed and every view refreshes itself from
that announcement; here only the outcome is reported: ``completed(Outcome)`` (its
text for the status bar) and ``failed(text)`` with the refusals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from app.categories import CATEGORIES
from app.core import Core
from app.ops import STATUS_LABELS, AgencyRow, Outcome, list_agencies
from app.queries.messages import MessageRow
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
    def set_category(self, rows: Sequence[MessageRow], code: str) -> None:
        targets = list(rows)
        self.run(lambda: self.core.ops.set_category(targets, code))

    def set_status(self, rows: Sequence[MessageRow], status: str) -> None:
        targets = list(rows)
        self.run(lambda: self.core.ops.set_status(targets, status))

    def assign(self, rows: Sequence[MessageRow], agency_id: int) -> None:
        targets = list(rows)
        self.run(lambda: self.core.ops.assign(targets, agency_id))

    def mark_important(self, rows: Sequence[MessageRow]) -> None:
        targets = list(rows)
        self.run(lambda: self.core.ops.set_importance(targets, True))

    def merge_incidents(self, rows: Sequence[MessageRow]) -> None:
        ids = sorted({row.incident_id for row in rows if row.incident_id is not None})
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

    def choose_agency(self, rows: Sequence[MessageRow], parent: QWidget) -> None:
        """Read the directory off the UI thread, then ask which agency gets the rows."""
        snapshot = list(rows)
        store = self.core.store
        self.worker.run(lambda: list_agencies(store), lambda found: _ask_agency(self, snapshot, parent, found),
                        self._on_error, owner=self)


def build_menu(actions: OperatorActions, rows: Sequence[MessageRow], parent: QWidget) -> QMenu:
    """Context menu for the selected rows."""
    menu = QMenu(parent)
    category = menu.addMenu("Категория")
    for c in CATEGORIES:
        category.addAction(c.label, lambda code=c.code: actions.set_category(rows, code))
    status = menu.addMenu("Статус")
    for code, label in STATUS_LABELS.items():
        if code != "assigned":
            status.addAction(label, lambda code=code: actions.set_status(rows, code))
    menu.addAction("Передать в ведомство…", lambda: actions.choose_agency(rows, parent))
    menu.addAction("Отметить как важное", lambda: actions.mark_important(rows))
    menu.addAction("Объединить происшествия", lambda: actions.merge_incidents(rows))
    return menu


def _ask_agency(actions: OperatorActions, rows: Sequence[MessageRow], parent: QWidget,
                agencies: tuple[AgencyRow, ...]) -> None:
    if not agencies:
        actions.failed.emit("Справочник ведомств пуст: добавьте их: «Файл → Справочник ведомств…»")
        return
    names = [a.name for a in agencies]
    name, ok = QInputDialog.getItem(parent, "Передать в ведомство", "Ведомство:", names, 0, False)
    if ok:
        actions.assign(rows, agencies[names.index(name)].id)
