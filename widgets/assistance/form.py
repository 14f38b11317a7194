"""The edit form of one point of assistance: kind, name, address, coordinates, status, hours, notes."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from app.ops.assistance import KINDS, STATUSES, AssistanceRow

COORDINATE_DECIMALS = 5  # ≈ 1 m: more than a hand-placed point needs
DEFAULT_AT = (45.1, 39.2)  # the map's default centre (maps.page.build.MapSpec)


def _coordinate(limit: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(-limit, limit)
    box.setDecimals(COORDINATE_DECIMALS)
    box.setSingleStep(0.001)
    return box


def _combo(items: dict[str, str]) -> QComboBox:
    combo = QComboBox()
    for code, label in items.items():
        combo.addItem(label, code)
    return combo


def _text_or_none(text: str) -> str | None:
    return text.strip() or None


class AssistanceForm(QWidget):
    """Shows one ``AssistanceRow`` and reads it back; ``point_id`` 0 means a new point."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.point_id = 0
        self.caption = QLabel()
        self.kind, self.status = _combo(KINDS), _combo(STATUSES)
        self.name, self.address, self.hours = QLineEdit(), QLineEdit(), QLineEdit()
        self.name.setPlaceholderText("Например: Пункт обогрева в школе №3")
        self.address.setPlaceholderText("Населённый пункт, улица, дом")
        self.hours.setPlaceholderText("Например: 08:00–20:00 или круглосуточно")
        self.lat, self.lon = _coordinate(90), _coordinate(180)
        self.notes = QPlainTextEdit()  # plain text: operators paste from chats, nothing renders as markup
        self.notes.setPlaceholderText("Что есть на пункте, кому обращаться")
        self.notes.setMaximumHeight(90)
        self._build()
        self.set_row(AssistanceRow(0, "water", "", *DEFAULT_AT))

    def _build(self) -> None:
        form = QFormLayout(self)
        form.addRow(self.caption)
        for label, widget in (("Тип", self.kind), ("Название", self.name), ("Адрес", self.address),
                              ("Широта", self.lat), ("Долгота", self.lon), ("Статус", self.status),
                              ("Часы работы", self.hours), ("Примечания", self.notes)):
            form.addRow(label, widget)

    def new_point(self, lat: float | None = None, lon: float | None = None) -> None:
        """An empty form for a new point at (lat, lon), or at the coordinates shown now (often nearby)."""
        at = (self.lat.value(), self.lon.value()) if lat is None or lon is None else (lat, lon)
        self.set_row(AssistanceRow(0, self.kind.currentData() or "water", "", *at))

    def set_row(self, row: AssistanceRow) -> None:
        self.point_id = row.id
        self.caption.setText(f"<b>Пункт №{row.id}</b>" if row.id else "<b>Новый пункт</b>")
        self.kind.setCurrentIndex(max(0, self.kind.findData(row.kind)))
        self.status.setCurrentIndex(max(0, self.status.findData(row.status)))
        self.name.setText(row.name)
        self.address.setText(row.address or "")
        self.lat.setValue(row.lat)
        self.lon.setValue(row.lon)
        self.hours.setText(row.hours or "")
        self.notes.setPlainText(row.notes or "")

    def row(self) -> AssistanceRow:
        """The point as edited (not validated: ``app.ops.assistance.validate`` does that)."""
        return AssistanceRow(self.point_id, str(self.kind.currentData()), self.name.text().strip(),
                             round(self.lat.value(), COORDINATE_DECIMALS), round(self.lon.value(), COORDINATE_DECIMALS),
                             _text_or_none(self.address.text()), str(self.status.currentData()),
                             _text_or_none(self.hours.text()), _text_or_none(self.notes.toPlainText()))
