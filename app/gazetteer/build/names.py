"""The Russian name of a GeoNames place among its alternate names (used at setup).

GeoNames keeps Russian, Ukrainian, Belarusian and machine-transliterated
spellings side by side without language tags («Твер» and «Тверь», «Заозерне»
and «Заозерное», «Тихоретск» and «Тихорецк»). The name closest to the Latin
one wins, compared through a digraph-aware transliteration with soft signs
and ё ignored; a name pymorphy3 knows as a word gets a bonus, which picks the
Russian spelling over a Ukrainian or phonetic one («Братск» over «Брацк»); ties
go to ё, a hyphen and a soft sign («Улан-Удэ», «Пермь»). Letters ё lost by GeoNames
are restored from pymorphy3 («Заозерное» → «Заозёрное»).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from app.text.morph import analyzer, normalize

_RUSSIAN = re.compile(r"^[А-ЯЁа-яё][А-ЯЁа-яё\- ]*$")
_NOT_RUSSIAN = re.compile("[іїєґў]", re.I)
_DIGRAPHS = (("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"),
             ("yu", "ю"), ("ya", "я"), ("yo", "е"), ("yë", "е"), ("ye", "е"), ("iy", "ий"), ("yy", "ый"),
             ("ay", "ай"), ("oy", "ой"), ("ey", "ей"), ("uy", "уй"))
_LETTERS = dict(zip("abvgdezijklmnoprstufhcyë", "абвгдезийклмнопрстуфхцые", strict=True))
# Ukrainian endings of names that Russian writes «-ово», «-ное», «-ское» («Войкове», «Гончарне»).
_UKRAINIAN_END = re.compile(r"(?:ове|еве|ине|[бвгджзклмнпрстфхцчшщ]не|[сц]ьк(?:е|а|ий)?)$|^Нова\s")
KNOWN_BONUS = 0.2
UKRAINIAN_PENALTY = 0.3


def _rough_cyrillic(latin: str) -> tuple[str, ...]:
    """Cyrillic readings of a transliterated name: «ts» is «ц» or «тс» («Bratsk», «Tikhoretsk»), a final
    «y» is «ы» or «ый» («Grozny»)."""
    text = re.sub(r"['’`ʹ]", "", latin.lower())
    text = re.sub(r"sky\b", "skiy", text)
    readings = []
    for spelled in (text, re.sub(r"(?<=[^aeiouy])y\b", "yy", text)):  # «Grozny», «Udachny»: -ый
        for ts in ("ц", "тс"):
            reading = spelled
            for pair, letter in _DIGRAPHS:
                reading = reading.replace(pair, ts if pair == "ts" else letter)
            readings.append("".join(_LETTERS.get(ch, ch) for ch in reading))
    return tuple(readings)


def _plain(cyrillic: str) -> str:
    return re.sub("[ьъ]", "", normalize(cyrillic)).replace("э", "е").replace("-", " ")


def _known(name: str) -> bool:
    return all(analyzer().word_is_known(w) for w in re.split(r"[\s-]+", normalize(name)) if w)


def _score(latin: str, name: str) -> tuple[float, bool, bool, bool, int]:
    """Similarity with bonuses, then: ё, a hyphen, a soft sign, length («Пермь» over «Перм»)."""
    similarity = max(SequenceMatcher(None, _plain(rough), _plain(name)).ratio() for rough in _rough_cyrillic(latin))
    bonus = (KNOWN_BONUS if _known(name) else 0.0) - (UKRAINIAN_PENALTY if _UKRAINIAN_END.search(name) else 0.0)
    return round(similarity + bonus, 3), "ё" in name.lower(), "-" in name, "ь" in name.lower(), len(name)


def with_yo(name: str) -> str:
    """``name`` with ё restored where pymorphy3 knows the place or adjective word with it."""
    if "ё" in name.lower():
        return name
    out = []
    for word in re.split(r"([\s-]+)", name):
        parse = analyzer().parse(word.lower())[0] if word.strip(" -") else None
        if parse is not None and ("Geox" in parse.tag or parse.tag.POS == "ADJF") and "ё" in parse.word \
                and parse.word.replace("ё", "е") == word.lower():
            word = "".join(r if o.islower() else r.upper() for o, r in zip(word, parse.word, strict=True))
        out.append(word)
    return "".join(out)


# Names the similarity to the Latin one cannot find («Saint Petersburg» is closer to «Петербург»).
NAME_FIXES = {"Saint Petersburg": "Санкт-Петербург", "Moscow": "Москва"}


def russian_name(city: dict) -> str | None:
    """The Russian name among GeoNames' alternate names, with ё restored (None when there is none)."""
    if city["name"] in NAME_FIXES:
        return NAME_FIXES[city["name"]]
    spelled = (n.replace("\u00eb", "ё") for n in city["alternatenames"])  # Latin ë written for ё
    names = [n for n in spelled if _RUSSIAN.match(n) and not _NOT_RUSSIAN.search(n)]
    if not names:
        return None
    return with_yo(max(names, key=lambda n: _score(city["name"], n)))
