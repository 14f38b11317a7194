"""«Пункты помощи»: the list of points of assistance with an edit form (non-modal).

Every database call runs on the shared ``DbWorker``; the dialog only snapshots
the form, hands the job over and applies the result. Deleting asks nothing:
the point goes at once and «Вернуть» brings it back (as a new record).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.ops.assistance import KINDS, STATUSES, AssistanceRow, delete_point, list_points, save_point, validate
from app.store.engine import Store
from widgets.assistance.form import AssistanceForm
from widgets.tasks.worker import DbWorker

COLUMNS = ("Название", "Тип", "Статус", "Часы", "Адрес")
AnyIndex = QModelIndex | QPersistentModelIndex


def _cells(row: AssistanceRow) -> tuple[str, ...]:
    return (row.name, KINDS.get(row.kind, row.kind), STATUSES.get(row.status, row.status), row.hours or "",
            row.address or "")


class AssistanceTableModel(QAbstractTableModel):
    """Plain rows of ``list_points``; reset on every reload (a few dozen points at most)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[AssistanceRow] = []

    def reset_rows(self, rows: Sequence[AssistanceRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) and index.isValid():
            return _cells(self.rows[index.row()])[index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt API)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def row_of(self, point_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == point_id), -1)


class AssistanceDialog(QDialog):
    """Add, edit and delete points; ``pointsChanged`` after every stored change (the map reloads)."""

    pointsChanged = Signal()  # noqa: N815 (Qt signal naming)

    def __init__(self, store: Store, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Пункты помощи")
        self.store, self.worker = store, worker
        self.model = AssistanceTableModel(self)
        self.table = QTableView()
        self.form = AssistanceForm()
        self.error, self.notice = QLabel(), QLabel()
        for label in (self.error, self.notice):
            label.setTextFormat(Qt.TextFormat.PlainText)  # point names are public text, never markup
            label.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.undo_button = QPushButton("Вернуть")
        self.deleted: AssistanceRow | None = None
        self._build()
        self.reload()

    # ----- layout -----
    def _build(self) -> None:
        self._build_table()
        self.new_button, self.delete_button = QPushButton("Новый пункт"), QPushButton("Удалить выбранный")
        self.save_button = QPushButton("Сохранить")
        self.save_button.setDefault(True)
        for button, slot in ((self.new_button, self._on_new_clicked), (self.delete_button, self._on_delete_clicked),
                             (self.save_button, self._on_save_clicked), (self.undo_button, self._on_undo_clicked)):
            button.clicked.connect(slot)
        self.undo_button.setVisible(False)
        self._lay_out()

    def _build_table(self) -> None:
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)  # one line per point; the tooltip has the whole text
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(0, 230)
        self.table.setColumnWidth(3, 110)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)

    def _lay_out(self) -> None:
        list_buttons = QHBoxLayout()
        for widget in (self.new_button, self.delete_button, self.notice, self.undo_button):
            list_buttons.addWidget(widget)
        list_buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addLayout(list_buttons)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        right = QVBoxLayout()
        right.addWidget(self.form)
        right.addWidget(self.error)
        right.addLayout(save_row)
        right.addStretch(1)
        body = QHBoxLayout(self)
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        self.resize(1200, 520)

    # ----- data -----
    def reload(self, select_id: int | None = None) -> None:
        """Read the points again (on the worker); then select ``select_id`` if given."""
        self.worker.run(lambda: list_points(self.store), lambda rows: self._on_points_loaded(rows, select_id),
                        self._on_failed, owner=self)

    def _on_points_loaded(self, rows: list[AssistanceRow], select_id: int | None) -> None:
        self.model.reset_rows(rows)
        row = self.model.row_of(select_id) if select_id else -1
        if row >= 0:
            self.table.selectRow(row)

    def _run(self, job: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """A write on the worker; on success ``done(result)``, the map is told, the list reloads."""
        def on_success(result: Any) -> None:
            self.error.clear()
            done(result)
            self.pointsChanged.emit()

        self.worker.run(job, on_success, self._on_failed, owner=self)

    def _on_failed(self, exc: BaseException) -> None:
        text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        self.error.setText(text if isinstance(exc, ValueError | KeyError) else f"Не удалось выполнить: {text}")

    # ----- actions -----
    def add_at(self, lat: float | None = None, lon: float | None = None) -> None:
        """A new point at (lat, lon), e.g. from the map's context menu; without them, near the last one."""
        self._deselect()
        self.form.new_point(lat, lon)
        self.error.clear()
        self.form.name.setFocus()

    def _deselect(self) -> None:
        # Clear the current index too, or clicking the same row again would not reload the form.
        self.table.selectionModel().clear()

    def _on_new_clicked(self) -> None:
        self.add_at()

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.form.set_row(self.model.rows[current.row()])
            self.error.clear()

    def _on_save_clicked(self) -> None:
        row = self.form.row()
        try:
            validate(row)  # pure and instant: the operator sees the error without a round trip
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self._run(lambda: save_point(self.store, row), lambda point_id: self.reload(select_id=point_id))

    def _on_delete_clicked(self) -> None:
        selected = self.table.selectionModel().selectedRows()
        if not selected:
            self.error.setText("Выберите пункт в списке")
            return
        row = self.model.rows[selected[0].row()]
        self._run(lambda: delete_point(self.store, row.id), lambda _deleted: self._on_deleted(row))

    def _on_deleted(self, row: AssistanceRow) -> None:
        self.deleted = row
        self.notice.setText(f"Пункт «{row.name}» удалён.")
        self.undo_button.setVisible(True)
        self.form.new_point()
        self.reload()

    def _on_undo_clicked(self) -> None:
        row = self.deleted
        if row is not None:
            self._run(lambda: save_point(self.store, replace(row, id=0)), self._on_restored)

    def _on_restored(self, point_id: int) -> None:
        self.deleted = None
        self.notice.clear()
        self.undo_button.setVisible(False)
        self.reload(select_id=point_id)
