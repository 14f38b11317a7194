"""Deterministic storm scenario over Krasnodar Krai, shaped like the April 2023 storm.

The storm front comes from the sea (west) and moves east over the first hours.
Messages are generated per simulated hour with an RNG seeded by (seed, hour),
so any split of an interval yields the same messages. There is no background
traffic: outside [start, start + duration) the scenario is silent. External ids
(«storm-2023-202304221500-05-0123») carry seed, onset and hour, so replays of
the same scenario deduplicate while a storm started at another time does not.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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

HOUR = timedelta(hours=1)
DURATION_HOURS = 48
SOURCES: tuple[str, ...] = ("vk", "telegram", "ok", "pos")
_SOURCE_WEIGHTS: tuple[float, ...] = (45, 30, 12, 13)
_CODES: tuple[str, ...] = ("power", "water", "storm", "flood", "heating", "gas", "roads",
                           "telecom", "health", "waste", "other")
# (hours since onset, weights in _CODES order); linear interpolation between.
_MIX_ANCHORS: tuple[tuple[float, tuple[float, ...]], ...] = (
    (0.0, (30, 3, 40, 8, 1, 1, 6, 5, 1, 0, 5)),
    (6.0, (36, 16, 20, 12, 2, 2, 4, 4, 2, 0.5, 1.5)),
    (16.0, (30, 24, 10, 10, 6, 3, 4, 3, 2, 3, 5)),
    (36.0, (22, 25, 8, 8, 8, 3, 4, 2, 2, 6, 12)),
)
_NO_PLACE_SHARE: dict[str, float] = {"other": 0.35}
_DEFAULT_NO_PLACE = 0.13


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


def expected_in_hour(hour: int) -> float:
    """Integral of the rate over [hour, hour + 1) by Simpson's rule."""
    steps = 8
    xs = [hour + i / steps for i in range(steps + 1)]
    ys = [storm_rate(min(x, hour + 0.999999)) for x in xs]
    odd, even = sum(ys[1:-1:2]), sum(ys[2:-1:2])
    return (ys[0] + ys[-1] + 4 * odd + 2 * even) / (3 * steps)


def category_weights(hours: float) -> tuple[float, ...]:
    """Category weights (in _CODES order) at `hours` since onset."""
    if hours <= _MIX_ANCHORS[0][0]:
        return _MIX_ANCHORS[0][1]
    for (h0, w0), (h1, w1) in itertools.pairwise(_MIX_ANCHORS):
        if hours <= h1:
            k = (hours - h0) / (h1 - h0)
            return tuple(a + (b - a) * k for a, b in zip(w0, w1, strict=True))
    return _MIX_ANCHORS[-1][1]


def front_weights(hours: float) -> list[float]:
    """Settlement weights damped east of the storm front, which moves west to east."""
    front = 36.8 + 0.6 * hours
    return [s.weight * (1.0 if s.lon <= front else math.exp(-(s.lon - front) / 0.5))
            for s in SETTLEMENTS]


def _hour_count(rng: random.Random, lam: float) -> int:
    """Messages in an hour: the expectation rounded with noise (a bit calmer than Poisson)."""
    return max(0, round(rng.gauss(lam, 0.7 * math.sqrt(lam))))


def _url(rng: random.Random, source: str) -> str:
    """Fake but plausible post address for the source."""
    post = rng.randint(10_000, 999_999)
    if source == "vk":
        return f"https://vk.com/wall-{rng.choice(_VK_GROUPS)}_{post}"
    if source == "telegram":
        return f"https://t.me/{rng.choice(_TG_CHANNELS)}/{post % 90_000 + 1000}"
    if source == "ok":
        return f"https://ok.ru/group/{rng.choice(_OK_GROUPS)}/topic/{post * 1000 + 157}"
    return f"https://pos.gosuslugi.ru/lkp/messages/{post * 10 + 3}/"


_VK_GROUPS: tuple[int, ...] = (28614851, 41932566, 57846937, 110520131, 74293871, 35712334)
_TG_CHANNELS: tuple[str, ...] = ("krd_chp", "kuban_online24", "novoross_news", "sochi_live",
                                 "armavir_today", "anapa_info", "yug_chp", "gelendzhik_now")
_OK_GROUPS: tuple[int, ...] = (52834117476589, 53120844226710, 54018822004893)


_MALE: tuple[str, ...] = (
    "Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Иван", "Михаил", "Николай", "Владимир", "Евгений",
    "Олег", "Виктор", "Артём", "Роман", "Юрий", "Павел",
)
_FEMALE: tuple[str, ...] = (
    "Елена", "Ирина", "Наталья", "Ольга", "Татьяна", "Светлана", "Марина", "Анна", "Юлия", "Екатерина",
    "Людмила", "Галина", "Алёна", "Оксана", "Виктория", "Надежда",
)
_SURNAMES: tuple[str, ...] = (
    "Коваленко", "Шевченко", "Ткаченко", "Бондаренко", "Кравченко", "Литвиненко", "Иванов", "Петров",
    "Кузнецов", "Попов", "Соколов", "Лебедев", "Морозов", "Волков", "Зайцев", "Белов", "Гончаров", "Савченко",
    "Мельников", "Захарченко", "Рыбаков",
)
_NICKS: tuple[str, ...] = (
    "kuban_mama", "Марина_КРД", "Серёга 23rus", "Алёна Солнечная", "Дед Максим", "Tanya_Yug", "Папа Ромы",
    "Ольга (ЮМР)", "Кубанская казачка", "Vlad 93", "Nata_K", "Бабушка Люба", "Жора Морской", "Светик",
    "Evgeny_Kuban", "Мама двойняшек",
)
_SENTENCE_OPENERS: tuple[str, ...] = tuple(o for o in OPENERS if not o.endswith(", "))
_PLACE_SLOT = re.compile(r"\{(loc|Loc|nom|gen)\}")


def _plural_hours(n: int) -> str:
    """«1 час», «3 часа», «11 часов»."""
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} час"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return f"{n} часа"
    return f"{n} часов"


def _duration(rng: random.Random, hour: int) -> str:
    """How long the trouble lasts, consistent with the time since onset."""
    if hour >= 24 and rng.random() < 0.7:
        return rng.choice(("больше суток", "вторые сутки", "уже сутки", "уже больше суток"))
    n = rng.randint(1, min(hour + 1, 23))
    if n == 1:
        return rng.choice(("уже час", "целый час", "около часа"))
    if n <= len(_ORDINALS) + 1 and rng.random() < 0.3:
        return f"{_ORDINALS[n - 2]} час"
    return rng.choice(("уже ", "")) + _plural_hours(n)


_ORDINALS = ("второй", "третий", "четвёртый", "пятый", "шестой", "седьмой", "восьмой", "девятый")


def _address(rng: random.Random, place: Settlement) -> tuple[str, str]:
    """(normalised address, the way the author wrote it)."""
    street = rng.choice(streets_of(place))
    house = str(rng.randint(1, 150)) + ("а" if rng.random() < 0.08 else "")
    exact = f"{street}, {house}"
    if street.startswith("ул. ") and rng.random() < 0.25:
        return exact, f"улица {street[4:]}, д. {house}"
    return exact, exact if rng.random() < 0.7 else f"{street} {house}"


def _typo(rng: random.Random, template: str) -> str:
    """Swap, drop or double a letter in one plain word of the template."""
    words = [m for m in re.finditer(r"(?<![{\w])[а-яё]{5,}(?![\w}])", template)]
    if not words:
        return template
    m = rng.choice(words)
    w, i = m.group(), rng.randrange(1, len(m.group()) - 2)
    kind = rng.randrange(3)
    new = (w[:i] + w[i + 1] + w[i] + w[i + 2:], w[:i] + w[i + 1:], w[:i] + w[i] + w[i:])[kind]
    return template[:m.start()] + new + template[m.end():]


def _author(rng: random.Random, source: str) -> str:
    """Plausible Russian name or nickname; «Фамилия И. О.» on the Gosuslugi platform."""
    female = rng.random() < 0.6
    first = rng.choice(_FEMALE if female else _MALE)
    surname = rng.choice(_SURNAMES)
    if female and surname.endswith(("ов", "ев", "ин")):
        surname += "а"
    if source == "pos":
        return f"{surname} {first[0]}. {rng.choice('АВГДЕИМНОПС')}."
    style = rng.random()
    if style < 0.3:
        return rng.choice(_NICKS)
    return f"{first} {surname[0]}." if style < 0.45 else f"{first} {surname}"


def names_place(template: str) -> bool:
    """Whether the template mentions a settlement."""
    return _PLACE_SLOT.search(template) is not None


def _pick_template(rng: random.Random, category: str, placed: bool, hour: int) -> tuple[str, str]:
    """(template group, template) of the category, naming a place or not as asked."""
    group = "thanks" if category == "other" and hour >= 6 and rng.random() < 0.6 else category
    return group, rng.choice([t for t in TEMPLATES[group] if names_place(t) == placed])


def _decorate(rng: random.Random, text: str, group: str, source: str) -> str:
    """Openers, tails, emoji and social-network writing habits; a formal frame on «Решаем вместе»."""
    # Chatter and texts that already ask for action get no plea appended.
    plea = group not in ("other", "thanks") and not any(w in text for w in ("Прошу", "Просим"))
    if source == "pos":
        head, tail = rng.choice(POS_FRAMES)
        end = "?" if text.endswith("?") else "."
        return head + text.rstrip("!?. ") + end + (tail if plea else "")
    if rng.random() < 0.12:
        opener = rng.choice(OPENERS if text.startswith("В ") else _SENTENCE_OPENERS)
        text = opener + ("в" + text[1:] if opener.endswith(", ") else text)
    if plea and rng.random() < 0.35:
        text += (". " if text[-1].isalnum() else " ") + rng.choice(TAILS.get(group, ()) + TAILS["any"])
    if rng.random() < 0.25:
        text += " " + rng.choice(EMOJI[group] if group in EMOJI else EMOJI["any"])
    return _style(rng, text)


def _style(rng: random.Random, text: str) -> str:
    """Caps, lower case, ё written as е, repeated exclamation marks."""
    roll = rng.random()
    if roll < 0.05:
        text = text.upper()
    elif roll < 0.2:
        text = text.lower().rstrip(".")
    if rng.random() < 0.35:
        text = text.replace("ё", "е").replace("Ё", "Е")
    return text.replace("!", "!!!") if rng.random() < 0.08 else text


def compose(rng: random.Random, category: str, place: Settlement | None, hour: int,
            source: str) -> tuple[str, str | None]:
    """Message text and its normalised address (None when the text has none)."""
    group, template = _pick_template(rng, category, place is not None, hour)
    if place and "{addr}" not in template and rng.random() < 0.1:
        full_stop = "." if template[-1].isalnum() else ""
        template += rng.choice((full_stop + " Адрес: {addr}.", " ({addr})"))
    if rng.random() < 0.12:
        template = _typo(rng, template)
    exact, written = _address(rng, place) if place and "{addr}" in template else (None, "")
    locs = place.locatives if place else ("",)
    loc = rng.choices(locs, weights=[3] + [1] * (len(locs) - 1))[0]
    text = template.format(loc=loc, Loc=loc[:1].upper() + loc[1:], nom=place.name if place else "",
                           gen=place.genitive if place else "", addr=written,
                           dur=_duration(rng, hour))
    return _decorate(rng, text, group, source), exact


class StormScenario:
    """The April-2023-like storm: onset ~3 h, peak hours 4-9, decay over ~1.5 days."""

    def __init__(self, start: datetime, seed: int = 2023) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware (UTC)")
        self.start = start.astimezone(UTC)
        self.seed = seed
        self._buckets: dict[int, tuple[SimMessage, ...]] = {}

    @property
    def duration(self) -> timedelta:
        """Length of the scenario: 48 hours."""
        return DURATION_HOURS * HOUR

    def rate(self, at: datetime) -> float:
        """Expected messages per hour at the given moment."""
        return storm_rate((at - self.start) / HOUR)

    def messages_between(self, t0: datetime, t1: datetime) -> list[SimMessage]:
        """Messages published in [t0, t1), sorted by time."""
        if t1 <= t0:
            return []
        first = max(0, math.floor((t0 - self.start) / HOUR))
        last = min(DURATION_HOURS - 1, math.ceil((t1 - self.start) / HOUR) - 1)
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
        count = _hour_count(rng, expected_in_hour(hour))
        seconds = sorted(rng.randrange(3600) for _ in range(count))
        mix = category_weights(hour + 0.5)
        places = front_weights(hour + 0.5)
        base = self.start + hour * HOUR
        return tuple(self._message(rng, hour, i, base + timedelta(seconds=s), mix, places)
                     for i, s in enumerate(seconds))

    def _message(self, rng: random.Random, hour: int, index: int, at: datetime,
                 mix: tuple[float, ...], places: list[float]) -> SimMessage:
        """One message of the hour bucket."""
        category = rng.choices(_CODES, weights=mix)[0]
        place = self._pick_place(rng, category, places)
        source = rng.choices(SOURCES, weights=_SOURCE_WEIGHTS)[0]
        text, address = compose(rng, category, place, hour, source)
        lat, lon = jitter(place, rng) if place else (None, None)
        return SimMessage(
            external_id=f"storm-{self.seed}-{self.start:%Y%m%d%H%M}-{hour:02d}-{index:04d}", source=source,
            published_at=at, author=_author(rng, source), url=_url(rng, source), text=text,
            settlement=place.name if place else None, region=REGION, lat=lat, lon=lon,
            address=address, category=category)

    @staticmethod
    def _pick_place(rng: random.Random, category: str,
                    places: list[float]) -> Settlement | None:
        """Settlement named by the message, or None for place-less messages."""
        if rng.random() < _NO_PLACE_SHARE.get(category, _DEFAULT_NO_PLACE):
            return None
        return rng.choices(SETTLEMENTS, weights=places)[0]


def scenario_for(name: str, start: datetime, seed: int = 2023) -> StormScenario:
    """Scenario by CLI name; only "storm" exists."""
    if name == "storm":
        return StormScenario(start, seed)
    raise ValueError(f"unknown scenario {name!r}; known scenarios: storm")
