"""The directory of agencies and municipalities messages are routed to (non-modal).

An empty directory can be filled with the starting one (``app.ops.directory``), which the centre then edits.

Database calls run on the shared ``DbWorker``, like the points-of-assistance dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ops.directory import seed_directory
from app.ops.routing import KIND_LABELS, AgencyRow, RoutingError, add_agency, delete_agency, list_agencies
from app.store.engine import Store
from widgets.tasks.worker import DbWorker


class AgencyDialog(QDialog):
    """Add and remove addressees; errors are shown in the dialog, never lost."""

    def __init__(self, store: Store, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Справочник ведомств")
        self.store, self.worker = store, worker
        self.list = QListWidget()
        self.name = QLineEdit()
        self.name.setPlaceholderText("Например: ПАО «Россети Кубань»")
        self.kind = QComboBox()
        for code, label in KIND_LABELS.items():
            self.kind.addItem(label, code)
        self.municipality = QLineEdit()
        self.municipality.setPlaceholderText("Муниципалитет (необязательно)")
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self._build()
        self.reload()

    def _build(self) -> None:
        add, remove = QPushButton("Добавить"), QPushButton("Удалить выбранное")
        self.starter = QPushButton("Заполнить типовым справочником")
        self.starter.setToolTip("Сетевая компания, водоканал, теплоснабжение, УК и ЖКХ, дорожная служба, "
                                "администрация… — переименуйте под свой регион")
        add.clicked.connect(self._on_add_clicked)
        remove.clicked.connect(self._on_remove_clicked)
        self.starter.clicked.connect(lambda: self._run(lambda: seed_directory(self.store)))
        form = QHBoxLayout()
        for widget in (self.name, self.kind, self.municipality, add):
            form.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(remove)
        buttons.addWidget(self.starter)
        layout.addLayout(buttons)
        layout.addWidget(self.error)

    def reload(self) -> None:
        """Read the directory again (on the worker)."""
        self.worker.run(lambda: list_agencies(self.store), self._on_loaded, self._on_failed, owner=self)

    def _on_loaded(self, rows: tuple[AgencyRow, ...]) -> None:
        self.starter.setVisible(not rows)  # only an empty directory is filled
        self.list.clear()
        for row in rows:
            item = QListWidgetItem(_caption(row))
            item.setData(256, row.id)
            self.list.addItem(item)

    def _on_add_clicked(self) -> None:
        name = self.name.text().strip()
        if not name:
            self.error.setText("Укажите название")
            return
        kind, municipality = self.kind.currentData(), self.municipality.text().strip() or None
        self._run(lambda: add_agency(self.store, name, kind, municipality))
        self.name.clear()

    def _on_remove_clicked(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            agency_id = int(item.data(256))
            self._run(lambda: delete_agency(self.store, agency_id))

    def _run(self, change: Callable[[], Any]) -> None:
        """A change on the worker; then the list reloads, or the error shows."""
        def on_success(_result: object) -> None:
            self.error.clear()
            self.reload()

        self.worker.run(change, on_success, self._on_failed, owner=self)

    def _on_failed(self, exc: BaseException) -> None:
        self.error.setText(str(exc) if isinstance(exc, RoutingError) else f"Не удалось выполнить: {exc}")


def _caption(row: AgencyRow) -> str:
    place = f", {row.municipality}" if row.municipality else ""
    return f"{row.name} ({KIND_LABELS.get(row.kind, row.kind)}{place})"
