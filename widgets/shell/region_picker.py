"""Choosing the federal subject: a searchable list of the 89 subjects, and the first-start dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core import Core
from app.region import Region, regions
from widgets.tasks.worker import DbWorker

CODE_ROLE = Qt.ItemDataRole.UserRole


def _matches(item: Region, needle: str) -> bool:
    text = " ".join((*item.names, item.code, item.capital)).replace("ё", "е").casefold()
    return all(word in text for word in needle.replace("ё", "е").casefold().split())


class RegionPicker(QWidget):
    """A search field over the list of subjects; ``code()`` is the chosen one ('' when none)."""

    chosen = Signal(str)  # the code, on every change of the selection

    def __init__(self, code: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Поиск: название, столица или код (например, Якутия, RU-SA)")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        for item in regions():
            row = QListWidgetItem(f"{item.name} ({item.code.removeprefix('RU-')}) — {item.capital}")
            row.setData(CODE_ROLE, item.code)
            row.setToolTip(item.official)
            self.list.addItem(row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        self.search.textChanged.connect(self._on_search_changed)
        self.list.currentItemChanged.connect(lambda *_: self.chosen.emit(self.code()))
        self.set_code(code)

    def code(self) -> str:
        item = self.list.currentItem()
        return str(item.data(CODE_ROLE)) if item is not None and not item.isHidden() else ""

    def set_code(self, code: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(CODE_ROLE) == code:
                self.list.setCurrentRow(row)
                self.list.scrollToItem(self.list.item(row))
                return

    def visible_codes(self) -> list[str]:
        return [str(self.list.item(r).data(CODE_ROLE)) for r in range(self.list.count())
                if not self.list.item(r).isHidden()]

    def _on_search_changed(self, text: str) -> None:
        by_code = {item.code: item for item in regions()}
        first = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            hidden = not _matches(by_code[item.data(CODE_ROLE)], text)
            item.setHidden(hidden)
            first = first if first is not None or hidden else item
        current = self.list.currentItem()
        if first is not None and (current is None or current.isHidden()):
            self.list.setCurrentItem(first)


class RegionDialog(QDialog):
    """Asked at the first start (no region stored): which subject this centre serves."""

    def __init__(self, core: Core, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Выбор региона")
        self.core, self.worker = core, worker
        self.picker = RegionPicker()
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Выбрать")
        self.buttons.accepted.connect(self._on_ok_clicked)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Какой субъект Российской Федерации обслуживает штаб? Время, сроки ответов, "
                                "карта и справки строятся для него. Изменить можно в «Настройках»."))
        layout.addWidget(self.picker, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(560, 620)

    def _on_ok_clicked(self) -> None:
        code = self.picker.code()
        if not code:
            self.error.setText("Выберите регион в списке")
            return
        self.buttons.setEnabled(False)
        self.worker.run(lambda: self.core.update_settings(region=code), lambda _changes: self.accept(),
                        self._on_failed, owner=self)

    def _on_failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(str(exc))


def ask_region(core: Core, worker: DbWorker, parent: QWidget | None = None) -> RegionDialog | None:
    """Open the region dialog when the core has no region (fresh install); None when one is set."""
    if core.region is not None:
        return None
    dialog = RegionDialog(core, worker, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
