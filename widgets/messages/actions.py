"""Operator actions on selected messages: category, routing, status, importance, merging incidents.

Each action runs on the database worker with the version the operator saw, so two
operators changing the same message never silently overwrite each other; the
fresh rows then replace the shown ones in the table and on the map.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from app.categories import CATEGORIES
from app.common.timeutil import utcnow
from app.incidents import merge_incidents
from app.ops.corrections import correct_category
from app.ops.messages import update_message
from app.ops.routing import STATUS_LABELS, AgencyRow, RoutingError, assign, list_agencies, set_status
from app.queries.messages import MessageRow, messages_by_ids
from app.store.engine import Store
from widgets.tasks.worker import DbWorker

OPERATOR = "оператор"
Action = Callable[[Store, MessageRow], None]


class OperatorActions(QObject):
    """Runs an action over rows; ``changed(rows)`` with fresh rows, ``failed(text)`` with reasons."""

    changed = Signal(object)
    failed = Signal(str)

    def __init__(self, store: Store, worker: DbWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store, self.worker = store, worker

    def run(self, rows: Sequence[MessageRow], action: Action) -> None:
        snapshot = list(rows)
        self.worker.run(lambda: _apply(self.store, snapshot, action), self._on_done, self._on_error, owner=self)

    def _on_done(self, outcome: tuple[list[MessageRow], list[str]]) -> None:
        fresh, errors = outcome
        if fresh:
            self.changed.emit(fresh)
        if errors:
            self.failed.emit("\n".join(errors))

    def _on_error(self, exc: BaseException) -> None:
        self.failed.emit(str(exc))

    # the actions -------------------------------------------------------------
    def set_category(self, rows: Sequence[MessageRow], code: str) -> None:
        self.run(rows, lambda store, row: correct_category(store, row.id, code, operator=OPERATOR))

    def set_status(self, rows: Sequence[MessageRow], status: str) -> None:
        self.run(rows, lambda store, row: set_status(store, row.id, status, OPERATOR, utcnow(),
                                                     expected_version=row.version))

    def assign(self, rows: Sequence[MessageRow], agency_id: int) -> None:
        self.run(rows, lambda store, row: assign(store, row.id, agency_id, OPERATOR, utcnow(),
                                                 expected_version=row.version))

    def choose_agency(self, rows: Sequence[MessageRow], parent: QWidget) -> None:
        """Read the directory off the UI thread, then ask which agency gets the rows."""
        snapshot = list(rows)
        self.worker.run(lambda: list_agencies(self.store), lambda found: _ask_agency(self, snapshot, parent, found),
                        self._on_error, owner=self)

    def mark_important(self, rows: Sequence[MessageRow]) -> None:
        self.run(rows, _mark_important)

    def merge_incidents(self, rows: Sequence[MessageRow]) -> None:
        ids = sorted({row.incident_id for row in rows if row.incident_id is not None})
        if len(ids) < 2:
            self.failed.emit("Для объединения выберите сообщения как минимум двух разных происшествий")
            return
        self.worker.run(lambda: (merge_incidents(self.store, ids), messages_by_ids(self.store, [r.id for r in rows])),
                        lambda result: self.changed.emit(result[1]), self._on_error, owner=self)


def _mark_important(store: Store, row: MessageRow) -> None:
    result = update_message(store, row.id, row.version, operator=OPERATOR, importance="high")
    if not result.ok:
        raise RoutingError(result.explain())


def _apply(store: Store, rows: list[MessageRow], action: Action) -> tuple[list[MessageRow], list[str]]:
    errors = []
    for row in rows:
        try:
            action(store, row)
        except (RoutingError, ValueError, KeyError) as exc:
            errors.append(f"Сообщение {row.id}: {exc}")
    return messages_by_ids(store, [row.id for row in rows]), errors


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
