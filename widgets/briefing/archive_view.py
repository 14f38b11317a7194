"""The archive of issued briefings: a table of hours, opening the PDF or DOCX of the chosen one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTableView, QVBoxLayout, QWidget

from app.briefing.archive import BriefingRecord, list_briefings
from app.common.changes import Changes, Kind
from app.common.timeutil import to_local
from app.core import Core
from widgets.tasks.core_bridge import CoreBridge
from widgets.tasks.worker import DbWorker

HEADERS = ("Период", "Регион", "Сообщений за час", "Сформирована", "PDF", "DOCX")
Index = QModelIndex | QPersistentModelIndex


class BriefingArchiveModel(QAbstractTableModel):
    """Archived briefings as rows (plain records, newest hour first)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.records: list[BriefingRecord] = []

    def reset_records(self, records: list[BriefingRecord]) -> None:
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        r = self.records[index.row()]
        start, end = to_local(r.period_start), to_local(r.period_end)
        values = (f"{start:%d.%m.%Y %H:%M}–{end:%H:%M}", r.region, str(r.hour_total),
                  f"{to_local(r.generated_at):%d.%m %H:%M}", "есть" if r.pdf_path else "—",
                  "есть" if r.docx_path else "—")
        return values[index.column()]


class BriefingArchiveView(QWidget):
    """Lists the archive (loaded off the UI thread, again when a briefing is recorded); opens the files."""

    openRequested = Signal(str)  # noqa: N815 (Qt signal naming): the path about to be opened

    def __init__(self, core: Core, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store, self._worker = core.store, worker
        self.bridge = CoreBridge(core, self)
        self.bridge.changed.connect(self._on_core_changed)
        self.model = BriefingArchiveModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.doubleClicked.connect(lambda _index: self.open_selected("pdf"))
        buttons = QHBoxLayout()
        for fmt, text in (("pdf", "Открыть PDF"), ("docx", "Открыть DOCX")):
            button = QPushButton(text)
            button.clicked.connect(lambda _checked=False, f=fmt: self.open_selected(f))
            buttons.addWidget(button)
        refresh = QPushButton("Обновить")
        refresh.clicked.connect(self.refresh)
        buttons.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def _on_core_changed(self, changes: Changes) -> None:
        if changes.touches(Kind.BRIEFINGS):
            self.refresh()

    def refresh(self) -> None:
        self._worker.run(lambda: list_briefings(self._store), self.model.reset_records, owner=self)

    def selected(self) -> BriefingRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.records[rows[0].row()] if rows else None

    def open_selected(self, fmt: str) -> bool:
        record = self.selected()
        path = (record.pdf_path if fmt == "pdf" else record.docx_path) if record else None
        if not path or not Path(path).exists():
            return False
        self.openRequested.emit(path)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(path))
