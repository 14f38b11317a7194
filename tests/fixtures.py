"""A small storm with hand-set hourly counts, so tests know every figure in advance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.common.clock import ManualClock
from app.intake.writer import Incoming

__all__ = ["ManualClock", "fixture_messages", "fixture_total"]

# Hour starts in UTC; Moscow time is +3 (14:00-17:00 local on 24.11.2026).
FIXTURE_START = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
# category -> messages per hour, for four consecutive hours
FIXTURE_COUNTS: dict[str, list[int]] = {
    "power": [3, 7, 12, 5],
    "water": [1, 0, 4, 2],
    "storm": [0, 2, 6, 1],
    "flood": [0, 0, 3, 0],
}
PLACES = [("Геленджик", 44.5631, 38.0790), ("Армавир", 44.9892, 41.1234), ("Туапсе", 44.1053, 39.0802)]
AUTHOR = "Иван Петрович Сидоров"
PHONE = "+7 918 123-45-67"


def fixture_messages() -> list[Incoming]:
    """The fixture as connector records; minutes spread inside each hour."""
    items: list[Incoming] = []
    for code, per_hour in FIXTURE_COUNTS.items():
        for hour, count in enumerate(per_hour):
            for n in range(count):
                name, lat, lon = PLACES[(hour + n) % len(PLACES)]
                moment = FIXTURE_START + timedelta(hours=hour, minutes=(n * 7) % 60, seconds=n)
                items.append(Incoming(
                    source="fixture", external_id=f"{code}-{hour}-{n}", published_at=moment,
                    text=f"{name}: сообщение {code} №{n}, звоните {PHONE}", author=AUTHOR,
                    url=f"https://vk.com/wall-1_{hour}{n}", lat=lat + n * 0.001, lon=lon, settlement=name,
                    region="Краснодарский край", category=code,
                ))
    return items


def fixture_total(hour: int | None = None) -> int:
    if hour is None:
        return sum(sum(v) for v in FIXTURE_COUNTS.values())
    return sum(v[hour] for v in FIXTURE_COUNTS.values())
