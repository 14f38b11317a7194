"""One view state for the whole window: period (live or history), categories, selected place.

Qt-free and observed (napari's ``Dims``, Glue's viewer state): the map, the list, the
chart, the KPI tiles and the briefing preview all read it and subscribe to it, so no
two controls can disagree about what is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from app.common.timeutil import as_utc

# The live periods every period control offers (hours, Russian caption), shortest first.
LIVE_CHOICES: tuple[tuple[int, str], ...] = (
    (1, "1 ч"), (6, "6 ч"), (24, "24 ч"), (72, "3 суток"), (168, "7 суток"), (336, "14 суток"), (720, "30 суток"),
)
LIVE_HOURS = tuple(hours for hours, _ in LIVE_CHOICES)


@dataclass(frozen=True)
class View:
    """What the window shows: live (the last ``hours`` up to now) or history ([start, end))."""

    hours: float = 24
    start: datetime | None = None
    end: datetime | None = None
    categories: frozenset[str] = frozenset()
    municipality: str | None = None

    @property
    def live(self) -> bool:
        return self.start is None or self.end is None

    def window(self, now: datetime) -> tuple[datetime, datetime]:
        """The period as aware UTC [start, end) at ``now``."""
        if self.start is not None and self.end is not None:
            return as_utc(self.start), as_utc(self.end)
        end = as_utc(now)
        return end - timedelta(hours=self.hours), end

    def span_hours(self) -> float:
        """How many hours the period covers (live: ``hours``)."""
        if self.start is not None and self.end is not None:
            return (as_utc(self.end) - as_utc(self.start)).total_seconds() / 3600
        return self.hours

    def admits(self, category: str, municipality: str | None = None) -> bool:
        """Whether a message of ``category`` (and place) passes the filters (not the period)."""
        if self.categories and category not in self.categories:
            return False
        return self.municipality is None or municipality == self.municipality


Listener = Callable[[View], None]


class ViewState:
    """The current ``View`` and its listeners; every setter notifies once, only on a real change."""

    def __init__(self, view: View | None = None) -> None:
        self._view = view or View()
        self._listeners: list[Listener] = []

    @property
    def view(self) -> View:
        return self._view

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Register ``listener`` (called with the new ``View``); returns the function that unsubscribes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _set(self, view: View) -> None:
        if view == self._view:
            return
        self._view = view
        for listener in list(self._listeners):
            listener(view)

    def go_live(self, hours: float | None = None) -> None:
        """Follow the present again (the last ``hours``, by default the last chosen)."""
        self._set(replace(self._view, hours=hours or self._view.hours, start=None, end=None))

    def show_history(self, start: datetime, end: datetime, categories: Iterable[str] | None = None) -> None:
        """Freeze on the period [start, end) (and, when given, on ``categories``) in one change."""
        if as_utc(end) <= as_utc(start):
            raise ValueError("конец периода должен быть позже начала")
        chosen = self._view.categories if categories is None else frozenset(categories)
        self._set(replace(self._view, start=as_utc(start), end=as_utc(end), categories=chosen))

    def set_categories(self, codes: Iterable[str]) -> None:
        """Show only ``codes`` (empty: every category)."""
        self._set(replace(self._view, categories=frozenset(codes)))

    def set_municipality(self, name: str | None) -> None:
        self._set(replace(self._view, municipality=name))
