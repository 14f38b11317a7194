"""The deadline board: per-agency queues and the «сроки горят» list, least time left first.

Read on the database worker (``app.ops.board``) at the core's clock; it follows the
core's announcements (bursts coalesced) and ticks every minute, since time left
changes by itself. Double-clicking a message shows it in the card.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import categories
from app.common.changes import Changes, Kind
from app.common.ru import format_int
from app.core import Core
from app.ops.board import Board, deadline_board, time_left, when
from app.ops.statuses import status_label
from widgets.tasks.core_bridge import Coalescer, CoreBridge
from widgets.tasks.worker import DbWorker

QUEUE_COLUMNS = ("Ведомство", "Открыто", "Просрочено", "Ближайший срок")
BURNING_COLUMNS = ("Осталось", "Срок", "№", "Ведомство", "Статус", "Категория", "Место", "Текст")
BURNING_SHOWN = 200
REFRESH_DELAY_MS = 1500
TICK_MS = 60_000
OVERDUE = QColor("#b00020")


class DeadlineBoard(QWidget):
    """``refresh()`` reads the board; ``messageActivated(id)`` on a double-click in «сроки горят»."""

    messageActivated = Signal(int)  # noqa: N815 (Qt signal naming)
    loaded = Signal(object)  # the Board shown

    def __init__(self, core: Core, worker: DbWorker, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core, self.worker = core, worker
        self.board: Board | None = None
        self.summary = QLabel("Сроки ещё не посчитаны")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.queues = _table(QUEUE_COLUMNS)
        self.burning_title = QLabel("Сроки горят")
        self.burning_title.setStyleSheet("font-weight: bold;")
        self.burning = _table(BURNING_COLUMNS)
        self.burning.doubleClicked.connect(self._on_burning_activated)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.burning_title)
        lower_layout.addWidget(self.burning, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.queues)
        split.addWidget(lower)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self._coalescer = Coalescer(lambda _changes: self.refresh(), REFRESH_DELAY_MS, self)
        bridge.changed.connect(self._on_core_changed)
        self._tick = QTimer(self, interval=TICK_MS)
        self._tick.timeout.connect(self.refresh)
        self._tick.start()

    def refresh(self) -> None:
        store, cal, now = self.core.store, self.core.calendar(), self.core.clock.now()
        self.worker.run(lambda: deadline_board(store, cal, now), self.show_board, owner=self)

    def _on_core_changed(self, changes: Changes) -> None:
        if changes.touches(Kind.MESSAGES_ADDED, Kind.MESSAGES_EDITED, Kind.AGENCIES, Kind.SETTINGS, Kind.PACK):
            self._coalescer.add(changes)

    def show_board(self, board: Board) -> None:
        self.board = board
        cal = self.core.calendar()
        total, late = sum(q.open for q in board.queues), sum(q.overdue for q in board.queues)
        self.summary.setText(f"Открыто {format_int(total)}, просрочено {format_int(late)} · "
                             f"на {when(board.at, cal, board.at)}")
        self.queues.setRowCount(len(board.queues))
        for i, queue in enumerate(board.queues):
            nearest = when(queue.nearest, cal, board.at) if queue.nearest else "—"
            _fill_row(self.queues, i, (queue.name, queue.open, queue.overdue, nearest), queue.overdue > 0,
                      queue.line(cal, board.at))
        shown = board.burning[:BURNING_SHOWN]
        more = len(board.burning) - len(shown)
        self.burning_title.setText("Сроки горят" + (f" (показаны {len(shown)}, и ещё {format_int(more)})"
                                                     if more > 0 else ""))
        self.burning.setRowCount(len(shown))
        for i, item in enumerate(shown):
            values = (time_left(item.left(board.at)), when(item.due, cal, board.at), item.id, item.agency,
                      status_label(item.status), categories.label(item.category), item.settlement or "—",
                      " ".join(item.text.split())[:200])
            _fill_row(self.burning, i, values, item.overdue)
        self.loaded.emit(board)

    def _on_burning_activated(self, index: QModelIndex) -> None:
        item = self.burning.item(index.row(), 2)
        if item is not None:
            self.messageActivated.emit(int(item.data(Qt.ItemDataRole.DisplayRole)))


def _table(columns: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def _fill_row(table: QTableWidget, row: int, values: tuple[object, ...], alarm: bool, tip: str = "") -> None:
    for column, value in enumerate(values):
        item = QTableWidgetItem()
        item.setToolTip(tip)
        item.setData(Qt.ItemDataRole.DisplayRole, value)  # items show plain text
        if alarm:
            item.setForeground(OVERDUE)
        table.setItem(row, column, item)
