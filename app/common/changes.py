"""What changed: one announcement per operation or intake batch, and the hub that carries it.

Like Anki's ``OpChanges``: the operation says which kinds of data and which ids it
touched; every view decides for itself what to refresh. Callbacks run on the thread
that published (the Qt side hops to the main thread).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


class Kind:
    """The kinds of data an announcement can name."""

    MESSAGES_ADDED = "messages_added"
    MESSAGES_EDITED = "messages_edited"
    INCIDENTS = "incidents"
    SETTINGS = "settings"
    REGION = "region"
    PACK = "pack"
    ASSISTANCE = "assistance"
    AGENCIES = "agencies"
    BRIEFINGS = "briefings"
    CRISIS = "crisis"
    CAMPAIGN = "campaign"
    FEED = "feed"
    SOURCES = "sources"
    OVERLAYS = "overlays"
    WARNINGS = "warnings"


@dataclass(frozen=True)
class Changes:
    """Kinds of data and ids an operation changed; ``text`` says it to the operator."""

    kinds: frozenset[str] = frozenset()
    message_ids: frozenset[int] = frozenset()
    incident_ids: frozenset[int] = frozenset()
    settings: frozenset[str] = frozenset()
    text: str = field(default="", compare=False)

    @classmethod
    def of(cls, *kinds: str, messages: Iterable[int] = (), incidents: Iterable[int] = (),
           settings: Iterable[str] = (), text: str = "") -> Changes:
        return cls(frozenset(kinds), frozenset(messages), frozenset(incidents), frozenset(settings), text)

    def __bool__(self) -> bool:
        return bool(self.kinds)

    def __or__(self, other: Changes) -> Changes:
        text = "; ".join(t for t in (self.text, other.text) if t)
        return Changes(self.kinds | other.kinds, self.message_ids | other.message_ids,
                       self.incident_ids | other.incident_ids, self.settings | other.settings, text)

    def touches(self, *kinds: str) -> bool:
        """Whether any of ``kinds`` changed."""
        return not self.kinds.isdisjoint(kinds)


NOTHING = Changes()
Listener = Callable[[Changes], None]


class Hub:
    """Subscribers get every non-empty ``Changes``; a failing subscriber never stops the others."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Register ``listener``; returns the function that unsubscribes it."""
        with self._lock:
            self._listeners.append(listener)
        return lambda: self._unsubscribe(listener)

    def _unsubscribe(self, listener: Listener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def publish(self, changes: Changes) -> Changes:
        """Tell every subscriber; returns ``changes`` for chaining."""
        if not changes:
            return changes
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(changes)
            except Exception:
                log.exception("a change listener failed")
        return changes
