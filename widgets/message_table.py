"""Latest messages in a table backed by a Qt item model over plain rows."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app import categories
from app.queries import MessageRow
from app.timeutil import to_local

COLUMNS = ("Время", "Населённый пункт", "Категория", "Текст")
ModelIndex = QModelIndex | QPersistentModelIndex


class MessageTableModel(QAbstractTableModel):
    """Newest first, capped at ``limit`` rows."""

    def __init__(self, limit: int = 500, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.limit = limit
        self.rows: list[MessageRow] = []

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, index.column())
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 2:
            return QColor(categories.color(row.category))
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3:
            return row.text
        return None

    @staticmethod
    def _display(row: MessageRow, column: int) -> str:
        values = (
            to_local(row.published_at).strftime("%d.%m %H:%M"),
            row.settlement or "—",
            categories.label(row.category),
            " ".join(row.text.split()),
        )
        return values[column]

    def reset_rows(self, rows: Sequence[MessageRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)[: self.limit]
        self.endResetModel()

    def prepend(self, rows: Sequence[MessageRow]) -> None:
        """Insert newer rows at the top and drop the oldest beyond the cap."""
        fresh = sorted(rows, key=lambda r: (r.published_at, r.id), reverse=True)
        if not fresh:
            return
        self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
        self.rows[:0] = fresh
        self.endInsertRows()
        if len(self.rows) > self.limit:
            self.beginRemoveRows(QModelIndex(), self.limit, len(self.rows) - 1)
            del self.rows[self.limit :]
            self.endRemoveRows()


class MessageTable(QTableView):
    def __init__(self, model: MessageTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
