"""Deterministic scenarios of citizen messages; the storm over Krasnodar Krai is the first.

A ``Scenario`` generates messages per simulated hour with an RNG seeded by (seed,
hour), so any split of an interval yields the same messages. There is no
background traffic: outside [start, start + duration) a scenario is silent.
External ids («storm-2023-202304221500-05-0123») carry the scenario, seed, onset
and hour, so replays deduplicate while a scenario started at another time does
not. What differs between scenarios is data (``ScenarioData``): its region and
settlements, its vocabulary (app/demo/compose.py), its rate curve, its category
mix over time and where the trouble moves. The storm (shaped like the April 2023
storm) comes from the sea (west) and moves east over the first hours; the other
scenarios live in app/demo/cold_snap.py and app/demo/frost.py, and all are listed
in app/demo/scenarios.py.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app.demo.compose import Vocabulary, author, compose, names_place, post_url
from app.demo.settlements import (
    EMOJI,
    OPENERS,
    POS_FRAMES,
    REGION,
    SETTLEMENTS,
    TAILS,
    TEMPLATES,
    Settlement,
    jitter,
    streets_of,
)

__all__ = ["DURATION_HOURS", "SOURCES", "STORM", "Scenario", "ScenarioData", "SimMessage", "StormScenario",
           "category_weights", "expected_in_hour", "front_weights", "names_place", "storm_rate"]

HOUR = timedelta(hours=1)
DURATION_HOURS = 48
SOURCES: tuple[str, ...] = ("vk", "telegram", "ok", "pos")
_SOURCE_WEIGHTS: tuple[float, ...] = (45, 30, 12, 13)
CODES: tuple[str, ...] = ("power", "water", "storm", "flood", "heating", "gas", "roads",
                          "telecom", "health", "waste", "other")
# (hours since onset, weights in CODES order); linear interpolation between.
_MIX_ANCHORS: tuple[tuple[float, tuple[float, ...]], ...] = (
    (0.0, (30, 3, 40, 8, 1, 1, 6, 5, 1, 0, 5)),
    (6.0, (36, 16, 20, 12, 2, 2, 4, 4, 2, 0.5, 1.5)),
    (16.0, (30, 24, 10, 10, 6, 3, 4, 3, 2, 3, 5)),
    (36.0, (22, 25, 8, 8, 8, 3, 4, 2, 2, 6, 12)),
)
Anchors = tuple[tuple[float, tuple[float, ...]], ...]


@dataclass(frozen=True)
class SimMessage:
    """One simulated citizen message with its ground-truth category."""

    external_id: str
    source: str
    published_at: datetime
    author: str
    url: str
    text: str
    settlement: str | None
    region: str
    lat: float | None
    lon: float | None
    address: str | None
    category: str


@dataclass(frozen=True)
class ScenarioData:
    """Everything that makes one scenario: its region, places, words, curve and mix."""

    name: str
    title: str  # Russian, for the choosers
    region_code: str
    region: str  # the subject's name as the centres write it
    settlements: tuple[Settlement, ...]
    vocabulary: Vocabulary
    rate: Callable[[float], float]  # expected messages per hour, hours after the onset
    mix: Anchors
    place_weights: Callable[[float], list[float]]  # settlement weights, hours after the onset
    duration_hours: int = DURATION_HOURS
    no_place_share: dict[str, float] = field(default_factory=lambda: {"other": 0.35})
    default_no_place: float = 0.13


def storm_rate(hours: float) -> float:
    """Expected messages per hour, `hours` after the onset (0 outside the scenario)."""
    if hours < 0 or hours >= DURATION_HOURS:
        return 0.0
    if hours < 3:
        return 4.0 * math.exp(hours * math.log(150 / 4) / 3)
    if hours < 4:
        return 150.0 + 150.0 * (hours - 3)
    if hours < 9:
        return 300.0 + 45.0 * math.sin(math.pi * (hours - 4) / 5)
    late = hours - 9
    return 262.0 * math.exp(-late / 5) + 38.0 * math.exp(-late / 14)


def expected_in_hour(hour: int, rate: Callable[[float], float] = storm_rate) -> float:
    """Integral of the rate over [hour, hour + 1) by Simpson's rule."""
    steps = 8
    xs = [hour + i / steps for i in range(steps + 1)]
    ys = [rate(min(x, hour + 0.999999)) for x in xs]
    odd, even = sum(ys[1:-1:2]), sum(ys[2:-1:2])
    return (ys[0] + ys[-1] + 4 * odd + 2 * even) / (3 * steps)


def category_weights(hours: float, anchors: Anchors = _MIX_ANCHORS) -> tuple[float, ...]:
    """Category weights (in CODES order) at `hours` since onset."""
    if hours <= anchors[0][0]:
        return anchors[0][1]
    for (h0, w0), (h1, w1) in itertools.pairwise(anchors):
        if hours <= h1:
            k = (hours - h0) / (h1 - h0)
            return tuple(a + (b - a) * k for a, b in zip(w0, w1, strict=True))
    return anchors[-1][1]


def front_weights(hours: float) -> list[float]:
    """Settlement weights damped east of the storm front, which moves west to east."""
    front = 36.8 + 0.6 * hours
    return [s.weight * (1.0 if s.lon <= front else math.exp(-(s.lon - front) / 0.5))
            for s in SETTLEMENTS]


def _hour_count(rng: random.Random, lam: float) -> int:
    """Messages in an hour: the expectation rounded with noise (a bit calmer than Poisson)."""
    return max(0, round(rng.gauss(lam, 0.7 * math.sqrt(lam))))


STORM_WORDS = Vocabulary(
    templates=TEMPLATES, tails=TAILS, emoji=EMOJI, openers=OPENERS, pos_frames=POS_FRAMES, streets=streets_of,
    surnames=("Коваленко", "Шевченко", "Ткаченко", "Бондаренко", "Кравченко", "Литвиненко", "Иванов", "Петров",
              "Кузнецов", "Попов", "Соколов", "Лебедев", "Морозов", "Волков", "Зайцев", "Белов", "Гончаров",
              "Савченко", "Мельников", "Захарченко", "Рыбаков"),
    nicks=("kuban_mama", "Марина_КРД", "Серёга 23rus", "Алёна Солнечная", "Дед Максим", "Tanya_Yug", "Папа Ромы",
           "Ольга (ЮМР)", "Кубанская казачка", "Vlad 93", "Nata_K", "Бабушка Люба", "Жора Морской", "Светик",
           "Evgeny_Kuban", "Мама двойняшек"),
    vk_groups=(28614851, 41932566, 57846937, 110520131, 74293871, 35712334),
    tg_channels=("krd_chp", "kuban_online24", "novoross_news", "sochi_live", "armavir_today", "anapa_info",
                 "yug_chp", "gelendzhik_now"),
    ok_groups=(52834117476589, 53120844226710, 54018822004893),
)
STORM = ScenarioData("storm", "Шторм в Краснодарском крае", "RU-KDA", REGION, SETTLEMENTS, STORM_WORDS, storm_rate,
                     _MIX_ANCHORS, front_weights)


class Scenario:
    """A scenario from its ``ScenarioData``, started at ``start`` (aware), with a seed."""

    def __init__(self, data: ScenarioData, start: datetime, seed: int = 2023) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware (UTC)")
        self.data = data
        self.start = start.astimezone(UTC)
        self.seed = seed
        self._buckets: dict[int, tuple[SimMessage, ...]] = {}

    @property
    def name(self) -> str:
        return self.data.name

    @property
    def region_code(self) -> str:
        return self.data.region_code

    @property
    def duration(self) -> timedelta:
        """Length of the scenario."""
        return self.data.duration_hours * HOUR

    def rate(self, at: datetime) -> float:
        """Expected messages per hour at the given moment."""
        return self.data.rate((at - self.start) / HOUR)

    def messages_between(self, t0: datetime, t1: datetime) -> list[SimMessage]:
        """Messages published in [t0, t1), sorted by time."""
        if t1 <= t0:
            return []
        first = max(0, math.floor((t0 - self.start) / HOUR))
        last = min(self.data.duration_hours - 1, math.ceil((t1 - self.start) / HOUR) - 1)
        return [m for hour in range(first, last + 1) for m in self._bucket(hour)
                if t0 <= m.published_at < t1]

    def _bucket(self, hour: int) -> tuple[SimMessage, ...]:
        """All messages of one simulated hour, generated once and cached."""
        if hour not in self._buckets:
            self._buckets[hour] = self._generate(hour)
        return self._buckets[hour]

    def _generate(self, hour: int) -> tuple[SimMessage, ...]:
        """Draw count, times and contents of one hour from its own RNG."""
        rng = random.Random(f"{self.seed}:{hour}")
        count = _hour_count(rng, expected_in_hour(hour, self.data.rate))
        seconds = sorted(rng.randrange(3600) for _ in range(count))
        mix = category_weights(hour + 0.5, self.data.mix)
        places = self.data.place_weights(hour + 0.5)
        base = self.start + hour * HOUR
        return tuple(self._message(rng, hour, i, base + timedelta(seconds=s), mix, places)
                     for i, s in enumerate(seconds))

    def _message(self, rng: random.Random, hour: int, index: int, at: datetime,
                 mix: tuple[float, ...], places: list[float]) -> SimMessage:
        """One message of the hour bucket."""
        data, words = self.data, self.data.vocabulary
        category = rng.choices(CODES, weights=mix)[0]
        place = self._pick_place(rng, category, places)
        source = rng.choices(SOURCES, weights=_SOURCE_WEIGHTS)[0]
        text, address = compose(rng, words, category, place, hour, source)
        lat, lon = jitter(place, rng) if place else (None, None)
        return SimMessage(
            external_id=f"{data.name}-{self.seed}-{self.start:%Y%m%d%H%M}-{hour:02d}-{index:04d}", source=source,
            published_at=at, author=author(rng, words, source), url=post_url(rng, words, source), text=text,
            settlement=place.name if place else None, region=data.region, lat=lat, lon=lon,
            address=address, category=category)

    def _pick_place(self, rng: random.Random, category: str, places: list[float]) -> Settlement | None:
        """Settlement named by the message, or None for place-less messages."""
        if rng.random() < self.data.no_place_share.get(category, self.data.default_no_place):
            return None
        return rng.choices(self.data.settlements, weights=places)[0]


class StormScenario(Scenario):
    """The April-2023-like storm: onset ~3 h, peak hours 4-9, decay over ~1.5 days."""

    def __init__(self, start: datetime, seed: int = 2023) -> None:
        super().__init__(STORM, start, seed)
