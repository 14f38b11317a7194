"""Filter bar over the message table: category and municipality (the core's view state), status, search."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from app.categories import CATEGORIES
from app.core import View, ViewState
from app.ops.routing import STATUS_LABELS
from widgets.messages.table import MessageFilter

ALL = "Все"
SEVERAL = "*"  # the category combo's data when the map chose several categories


class MessageFilterBar(QWidget):
    """Category and municipality write ``view_state``; ``changed(MessageFilter)`` for status and search."""

    changed = Signal(object)

    def __init__(self, view_state: ViewState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view_state = view_state
        self.category = self._combo([(ALL, None)] + [(c.label, c.code) for c in CATEGORIES], "Категория")
        self.municipality = self._combo([(ALL, None)], "Муниципалитет")
        self.status = self._combo([(ALL, None)] + [(label, code) for code, label in STATUS_LABELS.items()], "Статус")
        self.category.currentIndexChanged.connect(self._on_category_changed)
        self.municipality.currentIndexChanged.connect(self._on_municipality_changed)
        self.status.currentIndexChanged.connect(self._on_criteria_changed)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Поиск по тексту и месту (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_criteria_changed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.category, self.municipality, self.status):
            layout.addWidget(widget)
        layout.addWidget(self.search, 1)
        self.show_view(view_state.view)

    def _combo(self, items: list[tuple[str, str | None]], tooltip: str) -> QComboBox:
        combo = QComboBox()
        combo.setToolTip(tooltip)
        for label, value in items:
            combo.addItem(label, value)
        return combo

    def add_municipalities(self, names: Iterable[str | None]) -> None:
        """Offer municipalities as they appear in the data."""
        known = {self.municipality.itemData(i) for i in range(self.municipality.count())}
        with QSignalBlocker(self.municipality):
            for name in sorted({n for n in names if n} - known):
                self.municipality.addItem(name, name)

    def show_view(self, view: View) -> None:
        """Show the view state's categories and place without writing them back."""
        with QSignalBlocker(self.category):
            several = self.category.findData(SEVERAL)
            if several >= 0:
                self.category.removeItem(several)
            if len(view.categories) > 1:
                self.category.addItem(f"Выбрано на карте: {len(view.categories)}", SEVERAL)
            code = SEVERAL if len(view.categories) > 1 else next(iter(view.categories), None)
            self.category.setCurrentIndex(max(0, self.category.findData(code)) if code else 0)
        if view.municipality:
            self.add_municipalities([view.municipality])
        with QSignalBlocker(self.municipality):
            place = view.municipality
            self.municipality.setCurrentIndex(max(0, self.municipality.findData(place)) if place else 0)

    def criteria(self) -> MessageFilter:
        return MessageFilter(self.status.currentData(), self.search.text().strip())

    def _on_category_changed(self) -> None:
        code = self.category.currentData()
        if code != SEVERAL:
            self.view_state.set_categories({code} if code else ())

    def _on_municipality_changed(self) -> None:
        self.view_state.set_municipality(self.municipality.currentData())

    def _on_criteria_changed(self) -> None:
        self.changed.emit(self.criteria())
