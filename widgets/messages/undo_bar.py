"""The line under the message list: what the last action changed («№2451: категория → Водоснабжение») and «Отменить»."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.ops import Outcome


class UndoBar(QWidget):
    """``show_outcome(Outcome)`` from the actions; ``undoRequested`` when «Отменить» is pressed."""

    undoRequested = Signal()  # noqa: N815 (Qt signal naming)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel("Действий пока не было")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.undo_button = QPushButton("Отменить")
        self.undo_button.setEnabled(False)
        self.undo_button.setToolTip("Вернуть то, что изменило последнее действие")
        self.undo_button.clicked.connect(self._on_undo_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.undo_button)

    def show_outcome(self, outcome: Outcome) -> None:
        if outcome.text:  # an outcome with nothing done leaves the last undo available
            self.label.setStyleSheet("")
            self.label.setText(outcome.text[:1].upper() + outcome.text[1:])
            self.undo_button.setEnabled(bool(outcome.undo))

    def show_error(self, text: str) -> None:
        self.label.setStyleSheet("color: #b00020;")
        self.label.setText(text.splitlines()[0] if text else "")

    def _on_undo_clicked(self) -> None:
        self.undo_button.setEnabled(False)
        self.undoRequested.emit()
