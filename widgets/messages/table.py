"""Messages in a table backed by a Qt item model over plain rows, with a filtering proxy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app import categories
from app.common.timeutil import to_local
from app.ops.routing import STATUS_LABELS
from app.queries.messages import MessageRow

COLUMNS = ("Время", "Населённый пункт", "Муниципалитет", "Категория", "Статус", "Текст")
TIME, SETTLEMENT, MUNICIPALITY, CATEGORY, STATUS, TEXT = range(len(COLUMNS))
ModelIndex = QModelIndex | QPersistentModelIndex
RowRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2


class MessageTableModel(QAbstractTableModel):
    """Newest first, capped at ``limit`` rows; ``replace_rows`` updates edited rows in place."""

    def __init__(self, limit: int = 2000, parent: QWidget | None = None) -> None:
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
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return display(row, column)
        if role == SortRole:
            return row.published_at.timestamp() if column == TIME else display(row, column)
        if role == RowRole:
            return row
        return _decoration(row, column, role)

    def reset_rows(self, rows: Sequence[MessageRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)[: self.limit]
        self.endResetModel()

    def prepend(self, rows: Sequence[MessageRow]) -> None:
        """Insert newer rows at the top and drop the oldest beyond the cap."""
        known = {r.id for r in self.rows}
        fresh = sorted((r for r in rows if r.id not in known), key=lambda r: (r.published_at, r.id), reverse=True)
        if not fresh:
            return
        self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
        self.rows[:0] = fresh
        self.endInsertRows()
        if len(self.rows) > self.limit:
            self.beginRemoveRows(QModelIndex(), self.limit, len(self.rows) - 1)
            del self.rows[self.limit :]
            self.endRemoveRows()

    def replace_rows(self, rows: Sequence[MessageRow]) -> None:
        """Fresh versions of rows already shown (after an operator action): dataChanged, no reset."""
        fresh = {r.id: r for r in rows}
        for i, row in enumerate(self.rows):
            if row.id in fresh:
                self.rows[i] = fresh[row.id]
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))


def display(row: MessageRow, column: int) -> str:
    values = (
        to_local(row.published_at).strftime("%d.%m %H:%M"),
        row.settlement or "—",
        row.municipality or "—",
        categories.label(row.category),
        STATUS_LABELS.get(row.status, row.status),
        " ".join(row.text.split()),
    )
    return values[column]


def _decoration(row: MessageRow, column: int, role: int) -> object:
    if role == Qt.ItemDataRole.DecorationRole and column == CATEGORY:
        return QColor(categories.color(row.category))
    if role == Qt.ItemDataRole.ToolTipRole and column == TEXT:
        return row.text
    if role == Qt.ItemDataRole.FontRole and row.importance == "high":
        font = QFont()
        font.setBold(True)
        return font
    return None


@dataclass(frozen=True)
class MessageFilter:
    """The list's own criteria: status and a text search."""

    status: str | None = None
    text: str = ""


@dataclass(frozen=True)
class TimeWindow:
    """The view state's period, categories and place, which the list follows (``end`` None: live)."""

    start: datetime | None = None
    end: datetime | None = None
    categories: frozenset[str] = frozenset()
    municipality: str | None = None

    def admits(self, row: MessageRow) -> bool:
        in_time = (self.start is None or row.published_at >= self.start) and (self.end is None
                                                                                or row.published_at < self.end)
        return (in_time and (not self.categories or row.category in self.categories)
                and (self.municipality is None or row.municipality == self.municipality))


class MessageFilterProxy(QSortFilterProxyModel):
    """Filters by the view state's window, status and a case-insensitive text search."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.criteria = MessageFilter()
        self.window = TimeWindow()
        self.setSortRole(SortRole)

    def set_criteria(self, criteria: MessageFilter) -> None:
        self.beginFilterChange()
        self.criteria = criteria
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_window(self, window: TimeWindow) -> None:
        self.beginFilterChange()
        self.window = window
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:  # noqa: N802 (Qt API)
        row: MessageRow = self.sourceModel().rows[source_row]  # type: ignore[attr-defined]
        c = self.criteria
        needle = c.text.casefold()
        return (self.window.admits(row) and (c.status is None or row.status == c.status)
                and (not needle or needle in row.text.casefold() or needle in (row.settlement or "").casefold()))

    def selected_rows(self, indexes: Sequence[QModelIndex]) -> list[MessageRow]:
        source = self.sourceModel()
        rows = {self.mapToSource(i).row() for i in indexes}
        return [source.rows[r] for r in sorted(rows)]  # type: ignore[attr-defined]


class MessageTable(QTableView):
    """Sortable, multi-select view over a filter proxy."""

    def __init__(self, model: MessageTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proxy = MessageFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(TIME, Qt.SortOrder.DescendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        for column in range(TEXT):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

    def selected_messages(self) -> list[MessageRow]:
        return self.proxy.selected_rows(self.selectionModel().selectedRows())

    def row_at(self, index: QModelIndex) -> MessageRow:
        return self.proxy.data(index, RowRole)  # type: ignore[return-value]
