"""Wall display playlist: views shown in turn for configured durations (no Qt)."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Slot:
    view: str  # overview | focus | briefing
    seconds: float


DEFAULT_PLAYLIST = (Slot("overview", 40.0), Slot("focus", 20.0), Slot("briefing", 15.0))
VIEW_TITLES = {"overview": "Обзор региона", "focus": "Наибольшая нагрузка", "briefing": "Сводка за час"}


class Playlist:
    """Cycles through slots by elapsed time; pausing freezes the current view."""

    def __init__(self, slots: tuple[Slot, ...] = DEFAULT_PLAYLIST) -> None:
        if not slots or any(slot.seconds <= 0 or slot.view not in VIEW_TITLES for slot in slots):
            raise ValueError("playlist needs slots with known views and positive durations")
        self.slots = slots
        self.index = 0
        self.paused = False
        self._elapsed = 0.0

    @property
    def current(self) -> Slot:
        return self.slots[self.index]

    def advance(self, seconds: float) -> bool:
        """Let ``seconds`` pass; True when the view changed."""
        if self.paused:
            return False
        self._elapsed += seconds
        changed = False
        while self._elapsed >= self.current.seconds:
            self._elapsed -= self.current.seconds
            self.index = (self.index + 1) % len(self.slots)
            changed = True
        return changed

    def toggle_pause(self) -> bool:
        self.paused = not self.paused
        return self.paused

    def skip(self, step: int = 1) -> None:
        self.index = (self.index + step) % len(self.slots)
        self._elapsed = 0.0


def parse_playlist(text: str) -> tuple[Slot, ...]:
    """'overview:40,focus:20' or a JSON list of {"view", "seconds"} → slots."""
    text = text.strip()
    if text.startswith("["):
        return tuple(Slot(str(item["view"]), float(item["seconds"])) for item in json.loads(text))
    slots = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        view, _, seconds = part.partition(":")
        slots.append(Slot(view.strip(), float(seconds or 30)))
    return tuple(slots)
