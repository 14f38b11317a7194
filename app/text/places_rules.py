"""Word lists and patterns that keep street names and common words from becoming places."""

from __future__ import annotations

import re
from functools import lru_cache

from app.text.morph import analyzer, wordset

# A settlement form right after these is a street («ул. Кирова», «Ростовское шоссе» is handled by forms).
STREET_MARKERS = wordset("""
    ул улица улицы улице улицу пр пр-т пр-кт проспект проспекта проспекте пер переулок переулке
    бульвар бульвара бульваре б-р шоссе ш пл площадь площади проезд проезде наб набережная
    набережной тупик аллея аллее трасса трассе мост моста мосту перекресток перекрестке перекрестка
    угол углу угла пересечение пересечении
""")

# Right before these a settlement form names a region («Ленинградская область») ...
REGION_NEXT = wordset("область области областью обл край края крае краю")
# ... or a district named after its centre, which tells the region («по Черноморскому району»).
DISTRICT_NEXT = wordset("""
    район района районе району районом районы районов районах р-н округ округа округе округу округом
""")

# ... and before these it names a street when shaped like one: «Армавирская улица», «Кирова ул».
STREET_NEXT = wordset("""
    улица улице улицу ул шоссе ш проспект пр-т переулок пер бульвар набережная площадь тракт
    трасса трассе трассы
""")
STREET_SHAPED = re.compile(r"(?:ая|яя|ое|ее|ий|ый|ой|ые|ие|ого|его|ова|ева|ина|ына)$")

# Before a settlement that is only a reference point: «под Таганрогом, в Покровском».
NEAR_MARKERS = wordset("под около возле недалеко рядом")
# Before «из» they make the place an origin («приехали из Москвы»); «пишу из Тагила» names the place.
MOTION = wordset("""
    приехал приехала приехали приехать переехал переехала переехали вернулся вернулась вернулись
    прилетел прилетела прилетели уехал уехала уехали выехал выехала выехали эвакуировали привезли
    приезжают приезжаем едем еду едут ехали ехал ехала
""")
# A one-word form with an adjective's ending: it must not agree with the next noun («Холмский перевал»).
ADJECTIVE_ENDING = re.compile(r"(?:[ыио]й|[ая]я|[ое]е|[ыи]е|[ое]го|[ое]му|[ыи]м|[ое]м|[ую]ю|[ыи]х|[ыи]ми)$")

# Before a settlement form that is also an adjective: «в Черноморском», «из Раздольного».
PLACE_PREPOSITIONS = wordset("в во из под около возле у")

# Words naming the kind of settlement: «пос. Весёлый», «хутор Садки», «ст. Полтавская».
TYPE_MARKERS = wordset("""
    с село селе села ст станица станице станицы х хутор хуторе хутора п пос поселок поселке
    поселка пгт г город городе города д деревня деревне слобода слободе рп мкр микрорайон
    микрорайоне сп аул ауле
""")

@lru_cache(maxsize=20_000)
def modifies_noun(adjective: str, noun: str) -> bool:
    """Whether the adjective form agrees with the next word as its noun («широкое распространение»)."""
    adjectives = [p.tag for p in analyzer().parse(adjective) if p.tag.POS == "ADJF"]
    nouns = [p.tag for p in analyzer().parse(noun)
             if p.tag.POS == "NOUN" and p.score >= 0.1 and not {"Abbr", "Fixd"} & set(p.tag.grammemes)]
    return any(a.case == n.case and a.number == n.number and (a.number == "plur" or a.gender == n.gender)
               for a in adjectives for n in nouns)


# Below this population an ambiguous form also needs a type word.
SMALL_AMBIGUOUS = 10_000
# Below this population a place outside the centre's regions must be written as a name: capitalised
# (in a text of mixed case), or after a preposition or a type word: «вада ржавая» is no village Вад.
SMALL_PLACE = 15_000

_STREET = re.compile(
    r"(?<![А-Яа-яЁё])(?P<kind>ул\.?|улиц[аеуы]|пр-к?т\.?|проспект[а-я]*|пер\.?|переул[а-я]*|бульвар[а-я]*|б-р|шоссе|ш\.)"
    r"\s*(?P<name>[А-ЯЁа-яё0-9][А-ЯЁа-яё\-]*(?:\s+[А-ЯЁ][а-яё\-]+)?)"
    r"(?:[,\s]+(?:д\.|дом)?\s*(?P<house>\d+[а-яА-Я]?(?:/\d+)?))?",
)
_NAMED_STREET = re.compile(
    r"(?P<name>[А-ЯЁ][а-яё\-]+(?:ое|ая|ий|ый))\s+(?P<kind>шоссе|улица|проспект)"
    r"(?:[,\s]+(?:д\.|дом)?\s*(?P<house>\d+[а-яА-Я]?(?:/\d+)?))?",
)


def street_address(text: str) -> str | None:
    """Street and house as written («ул. Свердлова, 45», «Ростовское шоссе, 30/7»), or None."""
    match = _STREET.search(text) or _NAMED_STREET.search(text)
    if match is None:
        return None
    kind = match.group("kind").rstrip(".")
    street = f"{kind}. {match.group('name')}" if kind in ("ул", "пер", "ш") else f"{kind} {match.group('name')}"
    if _NAMED_STREET is match.re:
        street = f"{match.group('name')} {kind}"
    house = match.group("house")
    return f"{street}, {house}" if house else street
