"""The Russian name of a GeoNames place among its alternate names (used at setup).

GeoNames keeps Russian, Ukrainian, Belarusian and machine-transliterated
spellings side by side without language tags («Твер» and «Тверь», «Заозерне»
and «Заозерное», «Тихоретск» and «Тихорецк»). The name closest to the Latin
one wins, compared through a digraph-aware transliteration with soft signs
and ё ignored; a name pymorphy3 knows as a word gets a bonus, which picks the
Russian spelling over a Ukrainian or phonetic one. Letters ё lost by GeoNames
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
_UKRAINIAN_END = re.compile(r"(?:ове|еве|ине|[бвгджзклмнпрстфхцчшщ]не|[сц]ьк(?:е|а|ий))$")
KNOWN_BONUS = 0.2
UKRAINIAN_PENALTY = 0.3


def _rough_cyrillic(latin: str) -> str:
    text = re.sub(r"['’`ʹ]", "", latin.lower())
    for pair, letter in _DIGRAPHS:
        text = text.replace(pair, letter)
    return "".join(_LETTERS.get(ch, ch) for ch in text)


def _plain(cyrillic: str) -> str:
    return re.sub("[ьъ]", "", normalize(cyrillic))


def _known(name: str) -> bool:
    return all(analyzer().word_is_known(w) for w in re.split(r"[\s-]+", normalize(name)) if w)


def _score(latin: str, name: str) -> tuple[float, bool]:
    similarity = SequenceMatcher(None, _plain(_rough_cyrillic(latin)), _plain(name)).ratio()
    bonus = (KNOWN_BONUS if _known(name) else 0.0) - (UKRAINIAN_PENALTY if _UKRAINIAN_END.search(name) else 0.0)
    return similarity + bonus, "ё" in name.lower()


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


def russian_name(city: dict) -> str | None:
    """The Russian name among GeoNames' alternate names, with ё restored (None when there is none)."""
    names = [n for n in city["alternatenames"] if _RUSSIAN.match(n) and not _NOT_RUSSIAN.search(n)]
    if not names:
        return None
    return with_yo(max(names, key=lambda n: _score(city["name"], n)))
