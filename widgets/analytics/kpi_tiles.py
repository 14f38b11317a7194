"""KPI tiles: large figures readable across the room."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from app.analytics.kpi import Kpi
from app.common import ru
from app.common.timeutil import to_local

TILES = (
    ("last_hour", "За последний час"),
    ("since_crisis", "С начала кризиса"),
    ("change", "К предыдущему часу"),
    ("open", "Открыто обращений"),
    ("overdue", "Просрочено"),
    ("top", "Больше всего"),
)
STYLE = """
QFrame#tile { background: #f4f6f8; border: 1px solid #d0d5da; border-radius: 6px; }
QLabel#value { font-size: 34pt; font-weight: 600; color: #1b2733; }
QLabel#value[alarm="true"] { color: #c62828; }
QLabel#caption { font-size: 12pt; color: #4a5663; }
QLabel#detail { font-size: 10pt; color: #6b7785; }
QLabel#period { font-size: 10pt; font-weight: 600; color: #37474f; }
"""


class KpiTiles(QWidget):
    """Six tiles; ``set_kpi`` fills them, ``values`` reads them back (tests)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(STYLE)
        self._values: dict[str, QLabel] = {}
        self._details: dict[str, QLabel] = {}
        self.period = QLabel("Показатели: загрузка…", objectName="period")
        self.period.setTextFormat(Qt.TextFormat.PlainText)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 0, 4, 4)
        outer.setSpacing(2)
        outer.addWidget(self.period)
        grid = QGridLayout()
        for i, (key, caption) in enumerate(TILES):
            grid.addWidget(self._tile(key, caption), 0, i)
        outer.addLayout(grid)

    def set_period(self, text: str) -> None:
        """Say which moment the tiles show («Показатели на 20:24 (онлайн)»)."""
        self.period.setText(text)

    def _tile(self, key: str, caption: str) -> QFrame:
        frame = QFrame(objectName="tile")
        layout = QVBoxLayout(frame)
        for name, text in (("caption", caption), ("value", "—"), ("detail", "")):
            label = QLabel(text, objectName=name)
            label.setTextFormat(Qt.TextFormat.PlainText)  # municipality and crisis names are data
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
            if name == "value":
                self._values[key] = label
            elif name == "detail":
                self._details[key] = label
        return frame

    def set_kpi(self, kpi: Kpi, crisis_name: str | None = None) -> None:
        """Show the figures of ``kpi`` (the crisis tile names ``crisis_name`` when one is set)."""
        start = f"с {to_local(kpi.crisis_start):%d.%m %H:%M}" if kpi.crisis_start else "начало не задано"
        start = f"{crisis_name}, {start}" if crisis_name else start
        self._set("last_hour", ru.format_int(kpi.last_hour), ru.messages_word(kpi.last_hour))
        self._set("since_crisis", ru.format_int(kpi.since_crisis) if kpi.since_crisis is not None else "—", start)
        self._set("change", ru.signed_percent(kpi.change), f"было {ru.messages(kpi.previous_hour)}")
        self._set("open", ru.format_int(kpi.open), "без окончательного ответа")
        share = f"{kpi.overdue / kpi.open * 100:.0f}\u00a0% открытых" if kpi.open else ""
        self._set("overdue", ru.format_int(kpi.overdue), share, alarm=kpi.overdue > 0)
        self._set("top", kpi.top_municipality or "—", ru.messages(kpi.top_count) if kpi.top_municipality else "")

    def _set(self, key: str, value: str, detail: str, alarm: bool = False) -> None:
        label = self._values[key]
        label.setText(value)
        label.setProperty("alarm", alarm)
        label.style().unpolish(label)
        label.style().polish(label)
        self._details[key].setText(detail)

    def values(self) -> dict[str, str]:
        return {key: label.text() for key, label in self._values.items()}

    def details(self) -> dict[str, str]:
        return {key: label.text() for key, label in self._details.items()}
