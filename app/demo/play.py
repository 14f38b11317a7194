"""The built-in demonstration: scenario messages through the one intake pipeline, history first."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from app.common.timeutil import floor_hour
from app.demo.scenarios import DEFAULT_SCENARIO, make_scenario
from app.demo.simulator import Scenario, SimMessage
from app.intake import ImportSummary, Pipeline, RawRecord, run_pipeline
from app.store import Store


def record(message: SimMessage) -> RawRecord:
    """A scenario message as a connector delivers it (the classifier decides its category)."""
    fields = {"id": message.external_id, "source": message.source, "time": message.published_at.isoformat(),
              "author": message.author, "url": message.url, "text": message.text, "settlement": message.settlement,
              "region": message.region, "lat": message.lat, "lon": message.lon, "address": message.address}
    return RawRecord(fields, f"сценарий [{message.external_id}]", json.dumps(fields, ensure_ascii=False),
                     message.source)


def play(store: Store, scenario: Scenario, start: datetime, end: datetime,
         pipeline: Pipeline) -> ImportSummary:
    """Store the scenario's messages published in [start, end) through ``pipeline``."""
    return run_pipeline(store, [record(m) for m in scenario.messages_between(start, end)], pipeline)


def demo_scenario(now: datetime, hours_before: float = 5.0, seed: int = 2023,
                  name: str = DEFAULT_SCENARIO) -> Scenario:
    """Scenario ``name`` with its onset ``hours_before`` hours ago (so the demo opens near the peak)."""
    return make_scenario(name, floor_hour(now - timedelta(hours=hours_before)), seed)
