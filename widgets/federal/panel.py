"""A table of federal subjects for the period the window shows; «Вся Россия» frames the map on the country.

Each row: the subject (its name as the centres write it), its local time now, messages,
population (where the region pack knows every municipality), messages per 1,000 residents
and the local time of its latest message. Double-clicking a row frames the map on the subject.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.analytics.regions import RegionRow, region_table
from app.common.changes import Changes, Kind
from app.common.ru import count_phrase, format_int
from app.common.timeutil import as_utc
from app.core import Core
from widgets.tasks.core_bridge import Coalescer, CoreBridge
from widgets.tasks.worker import DbWorker

COLUMNS = ("Субъект", "Время там", "Сообщений", "Население", "На 1 000 жителей", "Последнее сообщение")
REFRESH_DELAY_MS = 1500
NO_POPULATION = "нет данных"


def _item(value: object, sort_key: object | None = None) -> QStandardItem:
    item = QStandardItem(str(value))
    item.setEditable(False)
    item.setData(sort_key if sort_key is not None else value, Qt.ItemDataRole.UserRole + 1)
    return item


def local_clock(now: datetime, zone: str | None) -> str:
    """«11:50 (UTC+9)»: the time in a subject's zone, «—» for messages placed in no subject."""
    if not zone:
        return "—"
    local = as_utc(now).astimezone(ZoneInfo(zone))
    offset = local.utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset else 0
    return f"{local:%H:%M} (UTC{hours:+d})"


def row_items(row: RegionRow, now: datetime) -> list[QStandardItem]:
    """The table cells of one subject (plain text; numbers sort as numbers)."""
    rate = f"{row.per_1000:.2f}".replace(".", ",") if row.per_1000 is not None else NO_POPULATION
    items = [_item(row.name), _item(local_clock(now, row.zone)),
             _item(format_int(row.count), row.count),
             _item(format_int(row.population) if row.population else NO_POPULATION, row.population or -1),
             _item(rate, row.per_1000 if row.per_1000 is not None else -1.0),
             _item(row.last_at.strftime("%d.%m %H:%M") if row.last_at else "—", row.last_at.timestamp() if row.last_at
                   else 0)]
    items[0].setData(row.code, Qt.ItemDataRole.UserRole)
    return items


class RegionsPanel(QWidget):
    """Federal subjects of the window's period; emits ``regionActivated(code)`` and ``russiaRequested``."""

    regionActivated = Signal(str)  # noqa: N815 (Qt signal naming)
    russiaRequested = Signal()  # noqa: N815

    def __init__(self, core: Core, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core, self.worker = core, worker
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.model.setSortRole(Qt.ItemDataRole.UserRole + 1)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.doubleClicked.connect(self._on_double_clicked)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        russia = QPushButton("Вся Россия на карте")
        russia.clicked.connect(self.russiaRequested)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(russia)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view)
        self._coalescer = Coalescer(lambda _changes: self.refresh(), REFRESH_DELAY_MS, self)
        self.bridge = CoreBridge(core, self)
        self.bridge.changed.connect(self._on_core_changed)
        self.bridge.viewChanged.connect(lambda _view: self.refresh())

    def _on_core_changed(self, changes: Changes) -> None:
        if changes.touches(Kind.MESSAGES_ADDED, Kind.MESSAGES_EDITED, Kind.PACK):
            self._coalescer.add(changes)

    def refresh(self) -> None:
        now = self.core.clock.now()
        start, end = self.core.view.view.window(now)
        pack = self.core.pack
        self.worker.run(lambda: (region_table(self.core.store, start, end, pack), now), self._show, owner=self)

    def _show(self, loaded: tuple[list[RegionRow], datetime]) -> None:
        rows, now = loaded
        self.model.removeRows(0, self.model.rowCount())
        for row in rows:
            self.model.appendRow(row_items(row, now))
        subjects = sum(1 for r in rows if r.code)
        total = sum(r.count for r in rows)
        self.summary.setText(f"{count_phrase(subjects, 'субъект', 'субъекта', 'субъектов')}, "
                             f"{count_phrase(total, 'сообщение', 'сообщения', 'сообщений')} за период"
                             if rows else "Нет сообщений за период")

    def _on_double_clicked(self, index: QModelIndex) -> None:
        code = self.model.index(index.row(), 0).data(Qt.ItemDataRole.UserRole)
        if code:
            self.regionActivated.emit(str(code))
