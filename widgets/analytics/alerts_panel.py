"""Alert feed: newest spikes on top, each explaining itself."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.analytics.alerts import Alert
from app.common.timeutil import to_local

MAX_ITEMS = 200


class AlertsPanel(QWidget):
    """Keeps a feed of alerts; the same spike (category, municipality, hour) is listed once."""

    alertActivated = Signal(object)  # noqa: N815 (Qt signal naming): the Alert double-clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._seen: set[tuple[str, str, str]] = set()
        self.header = QLabel("Всплесков нет")
        self.header.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setStyleSheet("font-size: 12pt;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        layout.addWidget(self.list)
        self.list.itemDoubleClicked.connect(self._on_list_item_double_clicked)

    def add_alerts(self, alerts: tuple[Alert, ...]) -> int:
        """Prepend alerts not yet in the feed; returns how many were new."""
        fresh = [a for a in alerts if self._key(a) not in self._seen]
        for alert in reversed(fresh):
            self._seen.add(self._key(alert))
            end = to_local(alert.at)
            item = QListWidgetItem(f"{end - timedelta(hours=1):%H:%M}–{end:%H:%M}  {alert.text}")
            item.setData(Qt.ItemDataRole.UserRole, alert)
            item.setForeground(QBrush(QColor("#b71c1c" if alert.usual is not None else "#6d4c41")))
            self.list.insertItem(0, item)
        while self.list.count() > MAX_ITEMS:
            self.list.takeItem(self.list.count() - 1)
        self.header.setText(f"Всплески: {len(alerts)} сейчас" if alerts else "Всплесков нет")
        return len(fresh)

    @staticmethod
    def _key(alert: Alert) -> tuple[str, str, str]:
        return alert.category, alert.municipality, to_local(alert.at).strftime("%Y%m%d%H")

    def texts(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _on_list_item_double_clicked(self, item: QListWidgetItem) -> None:
        self.alertActivated.emit(item.data(Qt.ItemDataRole.UserRole))


class AlertSound:
    """The «Звук при тревоге» setting: a system beep for each batch of new spikes; ``rung`` counts them."""

    def __init__(self) -> None:
        self.rung = 0

    def ring(self) -> None:
        self.rung += 1
        QApplication.beep()
