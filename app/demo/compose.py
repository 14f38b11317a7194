"""Message texts of a scenario: templates filled with places, durations, addresses, written the way people write.

A ``Vocabulary`` holds one scenario's templates (by category, «thanks» for
gratitude), tails, emoji, openers and the local feeds' names; ``compose`` fills
a template ({Loc}/{loc}: «В Армавире»/«в Армавире», {nom}, {gen}, {addr},
{dur}: «уже 5 часов», {temp}: an indoor temperature, {out}: the frost outside)
and decorates it: openers, pleas, emoji, typos, caps, ё written as е, «!!!»,
and the formal frame of the «Решаем вместе» platform.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from app.demo.settlements import Settlement

_PLACE_SLOT = re.compile(r"\{(loc|Loc|nom|gen)\}")
_ORDINALS = ("второй", "третий", "четвёртый", "пятый", "шестой", "седьмой", "восьмой", "девятый")
_MALE: tuple[str, ...] = (
    "Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Иван", "Михаил", "Николай", "Владимир", "Евгений",
    "Олег", "Виктор", "Артём", "Роман", "Юрий", "Павел",
)
_FEMALE: tuple[str, ...] = (
    "Елена", "Ирина", "Наталья", "Ольга", "Татьяна", "Светлана", "Марина", "Анна", "Юлия", "Екатерина",
    "Людмила", "Галина", "Алёна", "Оксана", "Виктория", "Надежда",
)


@dataclass(frozen=True)
class Vocabulary:
    """How the people of one scenario write: templates, tails, emoji, names, local feeds."""

    templates: dict[str, tuple[str, ...]]
    tails: dict[str, tuple[str, ...]]
    emoji: dict[str, tuple[str, ...]]
    openers: tuple[str, ...]
    pos_frames: tuple[tuple[str, str], ...]
    streets: Callable[[Settlement], tuple[str, ...]]
    surnames: tuple[str, ...]
    nicks: tuple[str, ...]
    vk_groups: tuple[int, ...]
    tg_channels: tuple[str, ...]
    ok_groups: tuple[int, ...]
    indoor: tuple[int, int] = (12, 17)  # indoor temperatures people complain of
    outdoor: tuple[int, int] = (-5, 5)
    first_names: tuple[tuple[str, ...], tuple[str, ...]] = field(default=(_MALE, _FEMALE))

    @property
    def sentence_openers(self) -> tuple[str, ...]:
        return tuple(o for o in self.openers if not o.endswith(", "))


def names_place(template: str) -> bool:
    """Whether the template mentions a settlement."""
    return _PLACE_SLOT.search(template) is not None


def plural_hours(n: int) -> str:
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
    return rng.choice(("уже ", "")) + plural_hours(n)


def _address(rng: random.Random, words: Vocabulary, place: Settlement) -> tuple[str, str]:
    """(normalised address, the way the author wrote it)."""
    street = rng.choice(words.streets(place))
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


def author(rng: random.Random, words: Vocabulary, source: str) -> str:
    """Plausible Russian name or nickname; «Фамилия И. О.» on the Gosuslugi platform."""
    female = rng.random() < 0.6
    first = rng.choice(words.first_names[1] if female else words.first_names[0])
    surname = rng.choice(words.surnames)
    if female and surname.endswith(("ов", "ев", "ин")):
        surname += "а"
    if source == "pos":
        return f"{surname} {first[0]}. {rng.choice('АВГДЕИМНОПС')}."
    style = rng.random()
    if style < 0.3:
        return rng.choice(words.nicks)
    return f"{first} {surname[0]}." if style < 0.45 else f"{first} {surname}"


def post_url(rng: random.Random, words: Vocabulary, source: str) -> str:
    """Fake but plausible post address for the source."""
    post = rng.randint(10_000, 999_999)
    if source == "vk":
        return f"https://vk.com/wall-{rng.choice(words.vk_groups)}_{post}"
    if source == "telegram":
        return f"https://t.me/{rng.choice(words.tg_channels)}/{post % 90_000 + 1000}"
    if source == "ok":
        return f"https://ok.ru/group/{rng.choice(words.ok_groups)}/topic/{post * 1000 + 157}"
    return f"https://pos.gosuslugi.ru/lkp/messages/{post * 10 + 3}/"


def _pick_template(rng: random.Random, words: Vocabulary, category: str, placed: bool,
                   hour: int) -> tuple[str, str]:
    """(template group, template) of the category, naming a place or not as asked."""
    group = "thanks" if category == "other" and hour >= 6 and rng.random() < 0.6 else category
    return group, rng.choice([t for t in words.templates[group] if names_place(t) == placed])


def _decorate(rng: random.Random, words: Vocabulary, text: str, group: str, source: str) -> str:
    """Openers, tails, emoji and social-network writing habits; a formal frame on «Решаем вместе»."""
    # Chatter and texts that already ask for action get no plea appended.
    plea = group not in ("other", "thanks") and not any(w in text for w in ("Прошу", "Просим"))
    if source == "pos":
        head, tail = rng.choice(words.pos_frames)
        end = "?" if text.endswith("?") else "."
        return head + text.rstrip("!?. ") + end + (tail if plea else "")
    if rng.random() < 0.12:
        opener = rng.choice(words.openers if text.startswith("В ") else words.sentence_openers)
        text = opener + ("в" + text[1:] if opener.endswith(", ") else text)
    if plea and rng.random() < 0.35:
        text += (". " if text[-1].isalnum() else " ") + rng.choice(words.tails.get(group, ()) + words.tails["any"])
    if rng.random() < 0.25:
        text += " " + rng.choice(words.emoji[group] if group in words.emoji else words.emoji["any"])
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


def compose(rng: random.Random, words: Vocabulary, category: str, place: Settlement | None, hour: int,
            source: str) -> tuple[str, str | None]:
    """Message text and its normalised address (None when the text has none)."""
    group, template = _pick_template(rng, words, category, place is not None, hour)
    if place and "{addr}" not in template and rng.random() < 0.1:
        full_stop = "." if template[-1].isalnum() else ""
        template += rng.choice((full_stop + " Адрес: {addr}.", " ({addr})"))
    if rng.random() < 0.12:
        template = _typo(rng, template)
    exact, written = _address(rng, words, place) if place and "{addr}" in template else (None, "")
    locs = place.locatives if place else ("",)
    loc = rng.choices(locs, weights=[3] + [1] * (len(locs) - 1))[0]
    text = template.format(loc=loc, Loc=loc[:1].upper() + loc[1:], nom=place.name if place else "",
                           gen=place.genitive if place else "", addr=written, dur=_duration(rng, hour),
                           temp=rng.randint(*words.indoor) if "{temp}" in template else "",
                           out=rng.randint(*words.outdoor) if "{out}" in template else "")
    return _decorate(rng, words, text, group, source), exact
