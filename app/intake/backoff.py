"""The one retry pause of intake: capped exponential backoff.

Feed and source requests, a lost database connection and the window's source threads all
wait ``backoff_delay(attempt)`` before trying again: ``base · 2^attempt`` seconds, never more
than ``cap``. ``Backoff`` counts the failures in a row for a loop that retries until it works.
"""

from __future__ import annotations

from dataclasses import dataclass

BASE_S = 0.5
CAP_S = 30.0


def backoff_delay(attempt: int, base: float = BASE_S, cap: float = CAP_S) -> float:
    """Delay before retry ``attempt`` (0-based): ``base · 2^attempt``, capped at ``cap``."""
    return float(min(cap, base * 2 ** min(max(attempt, 0), 62)))


@dataclass
class Backoff:
    """Failures in a row and the pause before the next try; ``reset()`` after a success."""

    base: float = BASE_S
    cap: float = CAP_S
    failures: int = 0

    def next_delay(self) -> float:
        """Count one more failure and return the pause before the next try."""
        delay = backoff_delay(self.failures, self.base, self.cap)
        self.failures += 1
        return delay

    def reset(self) -> None:
        self.failures = 0
