"""Incidents (grouped messages) in a sortable table; activating one flies the map there.

The table reloads itself when the core announces changed incidents or messages (bursts coalesced).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from app import categories
from app.common.changes import Changes, Kind
from app.core import Core
from app.incidents import IncidentRow, incident_rows
from widgets.tasks.core_bridge import Coalescer, CoreBridge
from widgets.tasks.worker import DbWorker

COLUMNS = ("Категория", "Место", "Регион", "Сообщений", "Статус")
STATUS = {"open": "открыто", "closed": "закрыто", "merged": "объединено"}
REFRESH_DELAY_MS = 1500


def _items(row: IncidentRow) -> list[QStandardItem]:
    values = (categories.label(row.category), row.settlement or "—", row.region or "—", row.message_count,
              STATUS.get(row.status, row.status))
    items = []
    for value in values:
        item = QStandardItem()
        item.setData(value, Qt.ItemDataRole.DisplayRole)
        item.setEditable(False)
        items.append(item)
    items[0].setData((row.lat, row.lon), Qt.ItemDataRole.UserRole)
    return items


class IncidentTable(QWidget):
    incidentActivated = Signal(float, float)  # noqa: N815 (Qt signal naming)

    def __init__(self, core: Core, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.worker = core.store, worker
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.doubleClicked.connect(self._on_view_double_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self._coalescer = Coalescer(lambda _changes: self.refresh(), REFRESH_DELAY_MS, self)
        self.bridge = CoreBridge(core, self)
        self.bridge.changed.connect(self._on_core_changed)

    def _on_core_changed(self, changes: Changes) -> None:
        if changes.touches(Kind.INCIDENTS, Kind.MESSAGES_ADDED, Kind.MESSAGES_EDITED, Kind.PACK):
            self._coalescer.add(changes)

    def refresh(self) -> None:
        self.worker.run(lambda: incident_rows(self.store), self.show_rows, owner=self)

    def show_rows(self, rows: list[IncidentRow]) -> None:
        self.model.removeRows(0, self.model.rowCount())
        for row in sorted(rows, key=lambda r: r.message_count, reverse=True):
            self.model.appendRow(_items(row))

    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        lat, lon = self.model.index(index.row(), 0).data(Qt.ItemDataRole.UserRole) or (None, None)
        if lat is not None and lon is not None:
            self.incidentActivated.emit(float(lat), float(lon))
