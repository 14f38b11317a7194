"""When briefings are due: every N hours at a given minute of the region's local time.

Pure time arithmetic with an injectable clock, so the schedule can be driven
by a test (``ManualClock``) or by the scenario clock of a drill.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.common.clock import Clock, ManualClock
from app.common.timeutil import as_utc, floor_local_hour, to_local
from app.settings import load_settings, save_settings, with_values
from app.store.engine import Store

__all__ = ["BriefingSchedule", "Clock", "ManualClock", "load_schedule", "period_end_for", "save_schedule"]


@dataclass(frozen=True)
class BriefingSchedule:
    """Runs at ``minute`` past every ``every_hours``-th local hour (counted from midnight)."""

    minute: int = 0
    every_hours: int = 1
    enabled: bool = True

    def __post_init__(self) -> None:
        if not 0 <= self.minute < 60 or not 1 <= self.every_hours <= 24:
            raise ValueError("минута 0–59, период 1–24 ч")

    def _is_run_hour(self, local: datetime) -> bool:
        return local.hour % self.every_hours == 0

    def next_run(self, after: datetime) -> datetime:
        """The first run time strictly after ``after`` (aware UTC)."""
        candidate = floor_local_hour(after) + timedelta(minutes=self.minute)
        while candidate <= as_utc(after) or not self._is_run_hour(to_local(candidate)):
            candidate += timedelta(hours=1)
        return candidate

    def runs_between(self, last: datetime, now: datetime) -> list[datetime]:
        """Run times in (last, now], oldest first; empty when disabled."""
        runs: list[datetime] = []
        current = self.next_run(last)
        while self.enabled and current <= as_utc(now):
            runs.append(current)
            current = self.next_run(current)
        return runs


def period_end_for(run_at: datetime) -> datetime:
    """A run at 15:00 (or 15:05) local reports the local hour that ended at 15:00."""
    return floor_local_hour(run_at)


def load_schedule(store: Store) -> BriefingSchedule:
    """The configured schedule from the typed settings (``briefing_minute``, ``briefing_every_hours``,
    ``briefing_enabled``); the key earlier versions stored is folded in by ``app.settings``."""
    settings = load_settings(store)
    return BriefingSchedule(settings.briefing_minute, settings.briefing_every_hours, settings.briefing_enabled)


def save_schedule(store: Store, schedule: BriefingSchedule) -> None:
    """Store ``schedule`` in the settings, for every workstation of the centre."""
    save_settings(store, with_values(load_settings(store), {
        "briefing_minute": schedule.minute, "briefing_every_hours": schedule.every_hours,
        "briefing_enabled": schedule.enabled}))
