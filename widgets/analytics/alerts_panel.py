"""Alert feed: newest spikes on top, each explaining itself; what they compare against is said above.

A count with no history to compare with is not a spike: it is listed apart, under
«Нет истории», and never rings.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.analytics.alerts import FACTOR, MIN_COUNT, Alert
from app.analytics.hourly import BASELINE_WEEKS
from app.common.timeutil import to_local

MAX_ITEMS = 200
BASIS = (f"Сравнение: тот же час за {BASELINE_WEEKS} прошлые недели (медиана). Всплеск — не меньше {MIN_COUNT} "
         f"сообщений за час и в {FACTOR:g} раза больше обычного.")
NO_HISTORY = "Нет истории"


def _plain(text: str, style: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # municipality names are data
    label.setWordWrap(True)
    label.setStyleSheet(style)
    return label


class AlertsPanel(QWidget):
    """Keeps a feed of alerts; the same spike (category, municipality, hour) is listed once."""

    alertActivated = Signal(object)  # noqa: N815 (Qt signal naming): the Alert double-clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._seen: set[tuple[str, str, str]] = set()
        self.header = _plain("Всплесков нет", "font-size: 13pt; font-weight: 600;")
        self.basis = _plain(BASIS, "font-size: 9pt; color: #546e7a;")
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setStyleSheet("font-size: 12pt;")
        self.unknown_header = _plain(NO_HISTORY, "font-size: 10pt; font-weight: 600; color: #6d4c41;")
        self.unknown = QListWidget()
        self.unknown.setWordWrap(True)
        self.unknown.setMaximumHeight(90)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        for widget in (self.header, self.basis, self.list, self.unknown_header, self.unknown):
            layout.addWidget(widget)
        self._show_unknown([])
        self.list.itemDoubleClicked.connect(self._on_list_item_double_clicked)

    def add_alerts(self, alerts: tuple[Alert, ...]) -> int:
        """Prepend spikes not yet in the feed (those without history go apart); returns how many spikes were new."""
        spikes = [a for a in alerts if a.usual is not None]
        fresh = [a for a in spikes if self._key(a) not in self._seen]
        for alert in reversed(fresh):
            self._seen.add(self._key(alert))
            item = QListWidgetItem(self._line(alert))
            item.setData(Qt.ItemDataRole.UserRole, alert)
            item.setForeground(QBrush(QColor("#b71c1c")))
            self.list.insertItem(0, item)
        while self.list.count() > MAX_ITEMS:
            self.list.takeItem(self.list.count() - 1)
        self.header.setText(f"Всплески: {len(spikes)} сейчас" if spikes else "Всплесков нет")
        self._show_unknown([a for a in alerts if a.usual is None])
        return len(fresh)

    def _show_unknown(self, alerts: list[Alert]) -> None:
        self.unknown.clear()
        for alert in alerts:
            self.unknown.addItem(self._line(alert))
        self.unknown_header.setText(f"{NO_HISTORY} — сравнить не с чем: {len(alerts)}" if alerts
                                    else f"{NO_HISTORY}: таких нет")
        self.unknown.setVisible(bool(alerts))

    @staticmethod
    def _line(alert: Alert) -> str:
        end = to_local(alert.at)
        return f"{end - timedelta(hours=1):%H:%M}–{end:%H:%M}  {alert.text}"

    @staticmethod
    def _key(alert: Alert) -> tuple[str, str, str]:
        return alert.category, alert.municipality, to_local(alert.at).strftime("%Y%m%d%H")

    def texts(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def unknown_texts(self) -> list[str]:
        return [self.unknown.item(i).text() for i in range(self.unknown.count())]

    def _on_list_item_double_clicked(self, item: QListWidgetItem) -> None:
        self.alertActivated.emit(item.data(Qt.ItemDataRole.UserRole))


class AlertSound:
    """The «Звук при тревоге» setting: a system beep for each batch of new alarms; ``rung`` counts them."""

    def __init__(self) -> None:
        self.rung = 0

    def ring(self) -> None:
        self.rung += 1
        QApplication.beep()
