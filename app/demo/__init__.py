"""Demonstration data: storm scenario, settlements, local feed server. The only place a region is named."""

from app.demo.play import demo_scenario, play, record

DEMO_REGION = "RU-KDA"  # the storm scenario's federal subject

__all__ = ["DEMO_REGION", "demo_scenario", "play", "record"]
