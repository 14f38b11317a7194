"""The operator window's briefings: Ctrl+B and the schedule, rendered on the briefing's own stage.

The scheduler polls the core's clock (the scenario clock in the demo, so a briefing
lands in the archive every simulated hour); the schedule, the crisis, the working
calendar and the population are read from the core when each briefing starts, and a
changed schedule takes effect at once. Every recorded briefing is announced, so the
archive view refreshes itself.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.common.changes import Changes, Kind
from app.core import Core, schedule_of
from maps.qt.web import WebContext
from widgets.briefing.maker import BriefingMaker, BriefingResult
from widgets.briefing.scheduler import TICK_MS, BriefingScheduler
from widgets.briefing.stage import BriefingScene, BriefingStage, hour_scene
from widgets.tasks.core_bridge import CoreBridge

SCHEDULE_KEYS = frozenset({"briefing_minute", "briefing_every_hours", "briefing_enabled"})
NO_REGION = "регион не выбран"


class BriefingDesk(QObject):
    """``make()`` now or ``start()`` the schedule; ``completed(BriefingResult, scheduled)``."""

    completed = Signal(object, bool)

    def __init__(self, core: Core, context: WebContext, out_dir: Path | None = None, tick_ms: int = TICK_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.stage = BriefingStage(context, core.region, self)
        self.maker = BriefingMaker(core.store, context, self.stage, self._scene, out_dir, self)
        self.maker.recorded = self._announce
        self.maker.completed.connect(self._on_maker_completed)
        self.scheduler = BriefingScheduler(core.clock, schedule_of(core.settings), tick_ms, self)
        self.scheduler.due.connect(self._on_scheduler_due)
        self._scheduled: list[bool] = []  # in the order the maker completes them
        self.bridge = CoreBridge(core, self)
        self.bridge.changed.connect(self._on_core_changed)

    def start(self) -> None:
        """Follow the schedule from now on (runs before now are not made up for)."""
        self.scheduler.start()

    def make(self, period_end: datetime | None = None, scheduled: bool = False) -> None:
        """The briefing of the hour ending at ``period_end`` (default: the last full hour by the core's clock)."""
        core, maker = self.core, self.maker
        crisis = core.crisis()
        maker.population = core.pack.populations() if core.pack is not None else None
        maker.crisis, maker.calendar = (crisis.start, crisis.name), core.calendar()
        self._scheduled.append(scheduled)
        maker.make(period_end or core.clock.now(), core.region.name if core.region else NO_REGION)

    def _scene(self, period_end: datetime) -> BriefingScene:
        return hour_scene(self.core.store, period_end, self.core.region, self.core.pack)

    def _announce(self, briefing_id: int) -> None:
        self.core.ops.announce(Kind.BRIEFINGS, text=f"Справка №{briefing_id} записана в архив")

    def _on_scheduler_due(self, period_end: datetime) -> None:
        self.make(period_end, scheduled=True)

    def _on_maker_completed(self, result: BriefingResult) -> None:
        scheduled = self._scheduled.pop(0) if self._scheduled else False
        self.completed.emit(result, scheduled)

    def _on_core_changed(self, changes: Changes) -> None:
        if changes.settings & SCHEDULE_KEYS:
            self.scheduler.set_schedule(schedule_of(self.core.settings))

    def shutdown(self) -> None:
        """Stop the schedule and the maker's worker; delete the stage's offscreen widgets."""
        self.scheduler.stop()
        self.maker.shutdown()
        self.stage.close()
