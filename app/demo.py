"""The built-in storm demo: scenario messages into the database, history first."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.intake import Incoming, StoreResult, store_incoming
from app.simulator import SimMessage, StormScenario
from app.store import Store
from app.timeutil import floor_hour


def incoming(message: SimMessage) -> Incoming:
    """A scenario message as a connector would deliver it.

    The scenario's own category is kept until the classifier (issue 4) exists.
    """
    return Incoming(
        source=message.source, external_id=message.external_id, text=message.text,
        published_at=message.published_at, author=message.author, url=message.url,
        lat=message.lat, lon=message.lon, address=message.address,
        settlement=message.settlement, region=message.region, category=message.category,
    )


def play(store: Store, scenario: StormScenario, start: datetime, end: datetime) -> StoreResult:
    """Store the scenario's messages published in [start, end)."""
    return store_incoming(store, [incoming(m) for m in scenario.messages_between(start, end)])


def demo_scenario(now: datetime, hours_before: float = 5.0, seed: int = 2023) -> StormScenario:
    """A storm whose onset was ``hours_before`` hours ago (so the demo opens near the peak)."""
    return StormScenario(floor_hour(now - timedelta(hours=hours_before)), seed=seed)
