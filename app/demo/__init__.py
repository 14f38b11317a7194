"""Demonstration data: scenarios in three regions, their settlements, a local feed server.

The only place a region is named: each scenario carries its region code (``scenario_region``).
"""

from app.demo.play import demo_scenario, play, record
from app.demo.scenarios import DEFAULT_SCENARIO, make_scenario, scenario_names, scenario_region, scenario_title
from app.demo.simulator import Scenario, SimMessage

DEMO_REGION = scenario_region(DEFAULT_SCENARIO)  # the default (storm) scenario's federal subject

__all__ = [
    "DEFAULT_SCENARIO", "DEMO_REGION", "Scenario", "SimMessage", "demo_scenario", "make_scenario", "play", "record",
    "scenario_names", "scenario_region", "scenario_title",
]
