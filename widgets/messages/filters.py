"""Filter bar over the message table: category, municipality, status, text search."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from app.categories import CATEGORIES
from app.ops.routing import STATUS_LABELS
from widgets.messages.table import MessageFilter

ALL = "Все"


class MessageFilterBar(QWidget):
    """Emits ``changed(MessageFilter)`` whenever a criterion changes."""

    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.category = self._combo([(ALL, None)] + [(c.label, c.code) for c in CATEGORIES], "Категория")
        self.municipality = self._combo([(ALL, None)], "Муниципалитет")
        self.status = self._combo([(ALL, None)] + [(label, code) for code, label in STATUS_LABELS.items()], "Статус")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Поиск по тексту и месту (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_criteria_changed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.category, self.municipality, self.status):
            layout.addWidget(widget)
        layout.addWidget(self.search, 1)

    def _combo(self, items: list[tuple[str, str | None]], tooltip: str) -> QComboBox:
        combo = QComboBox()
        combo.setToolTip(tooltip)
        for label, value in items:
            combo.addItem(label, value)
        combo.currentIndexChanged.connect(self._on_criteria_changed)
        return combo

    def add_municipalities(self, names: Iterable[str | None]) -> None:
        """Offer municipalities as they appear in the data."""
        known = {self.municipality.itemData(i) for i in range(self.municipality.count())}
        for name in sorted({n for n in names if n} - known):
            self.municipality.addItem(name, name)

    def criteria(self) -> MessageFilter:
        return MessageFilter(self.category.currentData(), self.municipality.currentData(),
                             self.status.currentData(), self.search.text().strip())

    def _on_criteria_changed(self) -> None:
        self.changed.emit(self.criteria())
