"""Clocks: the wall clock, a scenario clock that runs faster for demos and drills, and a manual one.

Every part that asks for the time takes a ``Clock`` (anything with ``now()`` giving aware UTC).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from app.common.timeutil import as_utc, utcnow


class Clock(Protocol):
    def now(self) -> datetime: ...


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


class ManualClock:
    """A clock that moves only when told to (tests, rehearsals, a paused scenario)."""

    speed = 1.0

    def __init__(self, start: datetime) -> None:
        self._now = as_utc(start)

    def now(self) -> datetime:
        return self._now

    @property
    def current(self) -> datetime:
        return self._now

    @current.setter
    def current(self, moment: datetime) -> None:
        self._now = as_utc(moment)

    def set(self, moment: datetime) -> None:
        self._now = as_utc(moment)

    def advance(self, delta: timedelta) -> None:
        self._now += delta
