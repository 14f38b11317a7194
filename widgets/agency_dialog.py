"""The directory of agencies and municipalities messages are routed to."""

from __future__ import annotations

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

from app.routing import KIND_LABELS, AgencyRow, RoutingError, add_agency, delete_agency, list_agencies
from app.store import Store


class AgencyDialog(QDialog):
    """Add and remove addressees; errors are shown in the dialog, never lost."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Справочник ведомств")
        self.store = store
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
        add.clicked.connect(self._on_add_clicked)
        remove.clicked.connect(self._on_remove_clicked)
        form = QHBoxLayout()
        for widget in (self.name, self.kind, self.municipality, add):
            form.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addWidget(remove)
        layout.addWidget(self.error)

    def reload(self) -> None:
        self.list.clear()
        for row in list_agencies(self.store):
            item = QListWidgetItem(_caption(row))
            item.setData(256, row.id)
            self.list.addItem(item)

    def _on_add_clicked(self) -> None:
        name = self.name.text().strip()
        if not name:
            self.error.setText("Укажите название")
            return
        municipality = self.municipality.text().strip() or None
        self._run(lambda: add_agency(self.store, name, self.kind.currentData(), municipality))
        self.name.clear()

    def _on_remove_clicked(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self._run(lambda: delete_agency(self.store, int(item.data(256))))

    def _run(self, change: object) -> None:
        try:
            change()  # type: ignore[operator]
        except RoutingError as exc:
            self.error.setText(str(exc))
            return
        self.error.clear()
        self.reload()


def _caption(row: AgencyRow) -> str:
    place = f", {row.municipality}" if row.municipality else ""
    return f"{row.name} ({KIND_LABELS.get(row.kind, row.kind)}{place})"
