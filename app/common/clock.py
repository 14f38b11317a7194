"""Clocks: the wall clock, and a scenario clock that runs faster for demos and drills."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from app.common.timeutil import as_utc, utcnow


class WallClock:
    speed = 1.0

    def now(self) -> datetime:
        return utcnow()


class ScenarioClock:
    """Scenario time: ``anchor`` at creation, then ``speed`` scenario seconds per real second."""

    def __init__(self, anchor: datetime, speed: float = 1.0, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.anchor = as_utc(anchor)
        self.speed = speed
        self._monotonic = monotonic
        self._started = monotonic()

    def now(self) -> datetime:
        return self.anchor + timedelta(seconds=(self._monotonic() - self._started) * self.speed)
