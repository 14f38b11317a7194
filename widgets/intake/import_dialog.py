"""The «Импорт…» dialog: preview, column mapping, progress, cancel; and the rejects window.

Reading the preview runs on a plain thread (no database); the import runs on
the shared ``DbWorker`` (the single writer). Cancel is honoured between
batches, and every batch is a transaction, so no half batch is ever stored.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMimeData, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core import Core
from app.intake import ImportSummary
from app.intake.files import FIELDS, SUFFIXES, Preview, preview
from app.intake.quarantine import QuarantineRow, list_quarantine
from app.intake.validate import FIELD_NAMES_RU
from app.store.engine import Store
from widgets.tasks.worker import DbWorker

PREVIEW_ROWS = 20
NO_COLUMN = "— нет —"


def importable_paths(mime: QMimeData) -> list[Path]:
    """Local files of a drop that the import understands (for the main window's drag-and-drop)."""
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [p for p in paths if p.suffix.lower() in SUFFIXES]


class _Relay(QObject):
    """Carries results from background threads to the main thread (queued signals)."""

    previewed = Signal(object)
    progressed = Signal(int)


class ImportDialog(QDialog):
    """Preview of the first file, a combo per field, then an import with progress and cancel."""

    imported = Signal(object)  # ImportSummary, after a finished (or cancelled) import

    def __init__(self, core: Core, worker: DbWorker, paths: Sequence[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Импорт сообщений")
        self.core, self.store, self.worker, self.paths = core, core.store, worker, [Path(p) for p in paths]
        self._cancel = threading.Event()
        self._previews: list[Preview] = []
        self.summary: ImportSummary | None = None
        self._relay = _Relay(self)
        self._relay.previewed.connect(self._on_preview_loaded)
        self._relay.progressed.connect(self._on_import_progressed)
        self._build()
        threading.Thread(target=self._load_previews, daemon=True).start()

    def _build(self) -> None:
        names = ", ".join(p.name for p in self.paths)
        self.table = QTableWidget(self)
        self.combos = {name: QComboBox(self) for name in FIELDS}
        form = QFormLayout()
        for name, combo in self.combos.items():
            combo.addItem(NO_COLUMN)
            form.addRow(FIELD_NAMES_RU.get(name, name), combo)
        self.progress = QProgressBar(self)
        self.status = QLabel("Чтение файла…", self)
        self.import_button = QPushButton("Импортировать", self)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self._on_import_clicked)
        self.rejects_button = QPushButton("Показать отклонённые…", self)
        self.rejects_button.setEnabled(False)
        self.rejects_button.clicked.connect(self._on_rejects_clicked)
        self.cancel_button = QPushButton("Отмена", self)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self._lay_out(QLabel(f"Файлы: {names}", self), form)

    def _lay_out(self, files: QLabel, form: QFormLayout) -> None:
        body = QHBoxLayout()
        body.addWidget(self.table, 3)
        body.addLayout(form, 1)
        buttons = QHBoxLayout()
        for button in (self.rejects_button, self.import_button, self.cancel_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        for part in (files, body, self.progress, self.status, buttons):
            layout.addWidget(part) if isinstance(part, QWidget) else layout.addLayout(part)
        self.resize(1000, 560)

    def _load_previews(self) -> None:
        try:
            result: object = [preview(path, PREVIEW_ROWS) for path in self.paths]
        except Exception as exc:  # the dialog shows it; the GUI must not die on a strange file
            result = exc
        self._relay.previewed.emit(result)

    def _on_preview_loaded(self, result: object) -> None:
        if isinstance(result, Exception):
            self.status.setText(f"Файл не читается: {result}")
            return
        self._previews = list(result)  # type: ignore[call-overload]
        first = self._previews[0]
        self._fill_table(first)
        self._fill_combos(first)
        total = sum(p.total for p in self._previews)
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(0)
        self.status.setText(f"Строк к импорту: {total}. Проверьте сопоставление столбцов.")
        self.import_button.setEnabled(True)

    def _fill_table(self, shown: Preview) -> None:
        self.table.setColumnCount(len(shown.headers))
        self.table.setHorizontalHeaderLabels(list(shown.headers))
        self.table.setRowCount(len(shown.rows))
        for r, row in enumerate(shown.rows):
            for c, header in enumerate(shown.headers):
                value = row.get(header)
                self.table.setItem(r, c, QTableWidgetItem("" if value is None else str(value)[:200]))

    def _fill_combos(self, shown: Preview) -> None:
        for name, combo in self.combos.items():
            combo.addItems(list(shown.headers))
            if name in shown.mapping:
                combo.setCurrentText(shown.mapping[name])

    def chosen_mapping(self) -> dict[str, str | None]:
        """Field → column as the combos say (None: not imported)."""
        return {name: (None if combo.currentText() == NO_COLUMN else combo.currentText())
                for name, combo in self.combos.items()}

    def _override(self) -> dict[str, str | None]:
        detected = self._previews[0].mapping if self._previews else {}
        return {name: column for name, column in self.chosen_mapping().items() if column != detected.get(name)}

    def _on_import_clicked(self) -> None:
        self.import_button.setEnabled(False)
        self.status.setText("Импорт…")
        paths, override, cancel, relay, core = self.paths, self._override(), self._cancel, self._relay, self.core
        self.worker.run(lambda: core.import_files(paths, override, relay.progressed.emit, cancel),
                        self._on_import_finished, self._on_import_failed, owner=self)

    def _on_import_progressed(self, done: int) -> None:
        self.progress.setValue(min(done, self.progress.maximum()))

    def _on_import_finished(self, summary: ImportSummary) -> None:
        self.summary = summary
        if not summary.cancelled:
            self.progress.setValue(self.progress.maximum())
        self.status.setText(summary.line)
        self.rejects_button.setEnabled(summary.rejected > 0)
        self.cancel_button.setText("Закрыть")
        self.imported.emit(summary)

    def _on_import_failed(self, exc: BaseException) -> None:
        self.status.setText(f"Ошибка импорта: {exc}")
        self.cancel_button.setText("Закрыть")

    def _on_cancel_clicked(self) -> None:
        if self.summary is None and not self.import_button.isEnabled() and self._previews:
            self._cancel.set()  # the running batch finishes and commits; nothing half-done stays
            self.status.setText("Отмена после текущей порции…")
            return
        self.reject()

    def _on_rejects_clicked(self) -> None:
        QuarantineDialog(self.store, self.worker, self).open()


class QuarantineDialog(QDialog):
    """The rejected rows: when, source, where in the input, why; the original content below."""

    COLUMNS = ("Получено", "Источник", "Где", "Причина")

    def __init__(self, store: Store, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Отклонённые записи")
        self.rows: list[QuarantineRow] = []
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.currentCellChanged.connect(self._on_table_current_changed)
        self.raw = QPlainTextEdit(self)
        self.raw.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for part in (self.table, QLabel("Исходное содержимое:", self), self.raw, buttons):
            layout.addWidget(part)
        self.resize(900, 520)
        worker.run(lambda: list_quarantine(store), self._on_rows_loaded, owner=self)

    def _on_rows_loaded(self, rows: list[QuarantineRow]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = (row.received_at.strftime("%d.%m.%Y %H:%M"), row.source, row.location or "", row.reason)
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(r, c, item)
        if rows:
            self.table.setCurrentCell(0, 0)

    def _on_table_current_changed(self, row: int, *_: int) -> None:
        self.raw.setPlainText(self.rows[row].raw if 0 <= row < len(self.rows) else "")
