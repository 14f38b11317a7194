"""The demonstration scenarios, chosen by name: a storm, a cold snap and a frost in three time zones.

``storm``: the Krasnodar storm (UTC+3); ``cold-snap``: a May cold snap across the
towns of Chelyabinsk Oblast (UTC+5); ``frost``: a boiler house failing at −50 near
Yakutsk (UTC+9, with messages from uluses at UTC+10 and +11). Each names its region
(``scenario_region``), so a demo opens on that region, in its local time.
"""

from __future__ import annotations

from datetime import datetime

from app.demo.cold_snap import COLD_SNAP
from app.demo.frost import FROST
from app.demo.simulator import STORM, Scenario, ScenarioData

DEFAULT_SCENARIO = "storm"
SCENARIOS: dict[str, ScenarioData] = {data.name: data for data in (STORM, COLD_SNAP, FROST)}


def scenario_names() -> tuple[str, ...]:
    """The names ``--scenario`` accepts, the default first."""
    return tuple(SCENARIOS)


def _data(name: str) -> ScenarioData:
    found = SCENARIOS.get(name)
    if found is None:
        raise ValueError(f"неизвестный сценарий «{name}»: доступны {', '.join(SCENARIOS)}")
    return found


def make_scenario(name: str, start: datetime, seed: int = 2023) -> Scenario:
    """Scenario ``name`` with its onset at ``start`` (aware); ``ValueError`` (Russian) for an unknown name."""
    return Scenario(_data(name), start, seed)


def scenario_region(name: str) -> str:
    """The region code of scenario ``name`` («RU-KDA», «RU-CHE», «RU-SA»)."""
    return _data(name).region_code


def scenario_title(name: str) -> str:
    """The scenario's Russian title for choosers and status lines."""
    return _data(name).title
