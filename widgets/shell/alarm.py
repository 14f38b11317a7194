"""Alarms where the operator works: a spike, a message marked important, a feed gone stale.

Each raises a red line in the status bar («⚠ Всплеск: Армавир, водоснабжение: 119 за час…»)
and asks the window manager to highlight the window; with the «Звук при тревоге»
setting the system beeps too. A click on the line acknowledges it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QToolButton, QWidget

from app.analytics.alerts import Alert
from app.common.changes import Changes, Kind
from app.core import Core
from app.intake.feed_state import FeedHealth
from app.queries.messages import MessageRow, messages_by_ids
from widgets.analytics.alerts_panel import AlertSound
from widgets.tasks.core_bridge import CoreBridge
from widgets.tasks.worker import DbWorker

STYLE = ("QToolButton { color: #ffffff; background: #c62828; font-weight: 700; border-radius: 4px; "
         "padding: 2px 8px; }")


class AlarmBeacon(QObject):
    """``button`` for the status bar; ``raise_alarm(kind, text)``; ``alarms`` lists what is unacknowledged."""

    def __init__(self, core: Core, worker: DbWorker, window: QWidget, sound: AlertSound) -> None:
        super().__init__(window)
        self.core, self.worker, self.window, self.sound = core, worker, window, sound
        self.alarms: list[tuple[str, str]] = []
        self._important: set[int] = set()
        self.button = QToolButton()
        self.button.setStyleSheet(STYLE)
        self.button.setToolTip("Щёлкните, чтобы отметить тревоги как просмотренные")
        self.button.setVisible(False)
        self.button.clicked.connect(self.acknowledge)
        self.bridge = CoreBridge(core, self)
        self.bridge.changed.connect(self._on_core_changed)
        self._stale = False

    @property
    def kinds(self) -> list[str]:
        return [kind for kind, _text in self.alarms]

    def raise_alarm(self, kind: str, text: str, ring: bool = True) -> None:
        """Show «⚠ text» (the newest of the unacknowledged), highlight the window, beep when asked to."""
        self.alarms.append((kind, text))
        more = f" (ещё {len(self.alarms) - 1})" if len(self.alarms) > 1 else ""
        self.button.setText(f"⚠ {text}{more}")
        self.button.setVisible(True)
        QApplication.alert(self.window)
        if ring and self.core.settings.alert_sound:
            self.sound.ring()

    def acknowledge(self) -> None:
        self.alarms.clear()
        self.button.setVisible(False)

    # the three sources --------------------------------------------------------------------
    def on_spikes(self, alerts: Sequence[Alert]) -> None:
        """New spikes (the analytics view has already rung for them)."""
        if alerts:
            first = alerts[0]
            self.raise_alarm("spike", f"Всплеск: {first.text}", ring=False)

    def on_feed_health(self, health: FeedHealth) -> None:
        """A feed that went stale or failing alarms once, until it recovers."""
        if health.is_warning and not self._stale:
            self.raise_alarm("feed", health.label)
        self._stale = health.is_warning

    def _on_core_changed(self, changes: Changes) -> None:
        if changes.touches(Kind.MESSAGES_EDITED) and changes.message_ids:
            wanted, store = sorted(changes.message_ids), self.core.store
            self.worker.run(lambda: messages_by_ids(store, wanted), self._on_rows, owner=self)

    def _on_rows(self, rows: list[MessageRow]) -> None:
        fresh = [r for r in rows if r.importance == "high" and r.id not in self._important]
        self._important |= {r.id for r in rows if r.importance == "high"}
        self._important -= {r.id for r in rows if r.importance != "high"}
        if fresh:
            numbers = ", ".join(f"№{r.id}" for r in fresh[:3]) + (f" и ещё {len(fresh) - 3}" if len(fresh) > 3 else "")
            self.raise_alarm("important", f"Важное: {numbers}")

