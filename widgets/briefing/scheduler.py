"""Fires briefings on the schedule: a QTimer polls the clock, so scenario and test clocks work too."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from app.briefing.schedule import BriefingSchedule, Clock, period_end_for

TICK_MS = 1000


class BriefingScheduler(QObject):
    """Emits ``due(period_end)`` once per scheduled run; missed runs (sleep, busy UI) fire the latest only."""

    due = Signal(object)  # aware UTC datetime: the end of the hour to report
    checked = Signal(object)  # aware UTC datetime: the clock's now at each look (nothing may be due)

    def __init__(self, clock: Clock, schedule: BriefingSchedule | None = None, tick_ms: int = TICK_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.schedule = schedule or BriefingSchedule()
        self._last = clock.now()
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        """Start watching; runs before now are not made up for."""
        self._last = self.clock.now()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def set_schedule(self, schedule: BriefingSchedule) -> None:
        self.schedule = schedule

    def next_run(self) -> datetime:
        return self.schedule.next_run(self._last)

    def _on_timer_timeout(self) -> None:
        now = self.clock.now()
        runs = self.schedule.runs_between(self._last, now)
        self._last = max(self._last, now)
        if runs:
            self.due.emit(period_end_for(runs[-1]))
        self.checked.emit(now)
