"""Карта → Импорт слоя… and Слои…: the centre's own layers (flood zones, evacuation points, grid sections).

Files are read and stored on the database worker (``app.ops.overlays``); each change is
announced as ``Kind.OVERLAYS`` and the map panel redraws them itself.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.common.changes import Kind
from app.core import Core
from app.ops.overlays import EXTENSIONS, OverlayRow, delete_overlay, import_overlay, list_overlays, update_overlay
from widgets.tasks.worker import DbWorker

FILTER = "Слои (" + " ".join(f"*{ext}" for ext in sorted(EXTENSIONS)) + ");;Все файлы (*)"


def import_layer(core: Core, worker: DbWorker, path: str, report: Callable[[str], None],
                 fail: Callable[[str], None], owner: QWidget) -> None:
    """Store the layer in ``path`` (off the UI thread) and announce it; one Russian line either way."""
    def run() -> OverlayRow:
        row = import_overlay(core.store, path)
        core.ops.announce(Kind.OVERLAYS, text=f"Слой «{row.name}» добавлен на карту")
        return row

    worker.run(run, lambda row: report(f"Слой «{row.name}» добавлен на карту"),
               lambda exc: fail(f"Слой не загружен: {exc}"), owner=owner)


def ask_import(core: Core, worker: DbWorker, parent: QWidget, report: Callable[[str], None],
               fail: Callable[[str], None]) -> None:
    path, _ = QFileDialog.getOpenFileName(parent, "Импорт слоя", "", FILTER)
    if path:
        import_layer(core, worker, path, report, fail, parent)


class OverlaysDialog(QDialog):
    """The imported layers: tick to show, «Удалить» to remove."""

    def __init__(self, core: Core, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core, self.worker = core, worker
        self.setWindowTitle("Слои карты")
        self.list = QListWidget(self)
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.remove_button = QPushButton("Удалить")
        self.remove_button.clicked.connect(self._on_remove_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        for widget in (self.list, self.status):
            layout.addWidget(widget)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.list.itemChanged.connect(self._on_item_changed)
        self.refresh()

    def refresh(self) -> None:
        self.worker.run(lambda: list_overlays(self.core.store), self._show, owner=self)

    def _show(self, rows: list[OverlayRow]) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for row in rows:
            item = QListWidgetItem(row.name)  # plain text: the name came from a file
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if row.visible else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.status.setText("" if rows else "Слоёв нет: Карта → Импорт слоя…")

    def _change(self, operation: Callable[[], object], text: str) -> None:
        core = self.core

        def run() -> None:
            operation()
            core.ops.announce(Kind.OVERLAYS, text=text)

        self.worker.run(run, lambda _r: self._changed(text), lambda exc: self.status.setText(str(exc)), owner=self)

    def _changed(self, text: str) -> None:
        self.status.setText(text)
        self.refresh()

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        overlay_id, on = int(item.data(Qt.ItemDataRole.UserRole)), item.checkState() == Qt.CheckState.Checked
        store = self.core.store
        self._change(lambda: update_overlay(store, overlay_id, visible=on),
                     f"Слой «{item.text()}» {'показан' if on else 'скрыт'}")

    def _on_remove_clicked(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            overlay_id, store = int(item.data(Qt.ItemDataRole.UserRole)), self.core.store
            self._change(lambda: delete_overlay(store, overlay_id), f"Слой «{item.text()}» удалён")
