"""One editor per settings field, chosen from the field's metadata (``kind``) or its type.

Every editor is a widget with ``value()`` and ``set_value(value)`` in the model's types
(``str``, ``int``, ``bool``, ``tuple[str, ...]``); public text is shown as plain text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.common.timeutil import as_utc, local_zone, to_local
from app.settings import THEMES, Settings, meta_of
from widgets.shell.region_picker import RegionPicker

INT_LIMIT = 100_000  # the model's validation names the real range of each number


class Editor(QWidget):
    """A field's editor: ``value()`` / ``set_value()``."""

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError


def _row(parent: QWidget, *widgets: QWidget) -> None:
    layout = QHBoxLayout(parent)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget, 1 if isinstance(widget, QLineEdit | QDateTimeEdit) else 0)


class TextEditor(Editor):
    def __init__(self, password: bool = False, placeholder: str = "") -> None:
        super().__init__()
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        if password:
            self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        _row(self, self.edit)

    def value(self) -> str:
        return self.edit.text().strip()

    def set_value(self, value: Any) -> None:
        self.edit.setText(str(value or ""))


class DatesEditor(TextEditor):
    def __init__(self) -> None:
        super().__init__(placeholder="2027-01-01, 2027-01-02, …")

    def value(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in self.edit.text().replace(";", ",").split(",") if part.strip())

    def set_value(self, value: Any) -> None:
        self.edit.setText(", ".join(value or ()))


class PathEditor(TextEditor):
    """A path with «Обзор…» (a file) and, for packs, «Папка…» (a folder of boundaries)."""

    def __init__(self, title: str, pattern: str, folders: bool = False) -> None:
        super().__init__()
        self.title, self.pattern = title, f"{pattern};;Все файлы (*)" if pattern else "Все файлы (*)"
        browse = QPushButton("Обзор…")
        browse.clicked.connect(self._on_browse_clicked)
        self.layout().addWidget(browse)
        if folders:
            folder = QPushButton("Папка…")
            folder.clicked.connect(self._on_folder_clicked)
            self.layout().addWidget(folder)

    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.title, self.value(), self.pattern)
        if path:
            self.edit.setText(path)

    def _on_folder_clicked(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.title, self.value())
        if path:
            self.edit.setText(path)


class NumberEditor(Editor):
    def __init__(self) -> None:
        super().__init__()
        self.spin = QSpinBox()
        self.spin.setRange(0, INT_LIMIT)
        _row(self, self.spin)

    def value(self) -> int:
        return int(self.spin.value())

    def set_value(self, value: Any) -> None:
        self.spin.setValue(int(value))


class FlagEditor(Editor):
    def __init__(self) -> None:
        super().__init__()
        self.box = QCheckBox("включено")
        _row(self, self.box)

    def value(self) -> bool:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.setChecked(bool(value))


class ThemeEditor(Editor):
    def __init__(self) -> None:
        super().__init__()
        self.combo = QComboBox()
        for code, caption in THEMES.items():
            self.combo.addItem(caption, code)
        _row(self, self.combo)

    def value(self) -> str:
        return str(self.combo.currentData())

    def set_value(self, value: Any) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findData(value)))


class MomentEditor(Editor):
    """An optional moment, edited in the region's local time, stored as ISO UTC."""

    def __init__(self) -> None:
        super().__init__()
        self.box = QCheckBox("задано")
        self.edit = QDateTimeEdit()
        self.edit.setDisplayFormat("dd.MM.yyyy HH:mm")
        self.edit.setCalendarPopup(True)
        self.box.toggled.connect(self.edit.setEnabled)
        _row(self, self.box, self.edit)

    def value(self) -> str:
        if not self.box.isChecked():
            return ""
        local = self.edit.dateTime().toPython().replace(tzinfo=local_zone())  # type: ignore[union-attr]
        return as_utc(local).isoformat()

    def set_value(self, value: Any) -> None:
        moment = to_local(datetime.fromisoformat(value)) if value else to_local(datetime.now(local_zone()))
        self.edit.setDateTime(QDateTime(moment.replace(tzinfo=None, second=0, microsecond=0)))
        self.box.setChecked(bool(value))
        self.edit.setEnabled(bool(value))


class RegionEditor(Editor):
    def __init__(self) -> None:
        super().__init__()
        self.picker = RegionPicker()
        self.picker.list.setMinimumHeight(220)
        _row(self, self.picker)

    def value(self) -> str:
        return self.picker.code()

    def set_value(self, value: Any) -> None:
        self.picker.set_code(str(value or ""))


def editor_for(key: str) -> Editor:
    """The editor the field's metadata (or its type) asks for."""
    meta, default = meta_of(key), getattr(Settings(), key)
    kind = meta["kind"]
    if kind == "region":
        return RegionEditor()
    if kind in ("path", "folder_or_file"):
        return PathEditor(meta["label"], meta["pattern"], folders=kind == "folder_or_file")
    if kind == "dates":
        return DatesEditor()
    if kind == "theme":
        return ThemeEditor()
    if kind == "moment":
        return MomentEditor()
    if isinstance(default, bool):
        return FlagEditor()
    if isinstance(default, int):
        return NumberEditor()
    return TextEditor()


__all__ = ["Editor", "TextEditor", "editor_for"]
