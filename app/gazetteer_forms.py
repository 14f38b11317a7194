"""Case forms of settlement names with pymorphy3 (used at setup by the gazetteer build)."""

from __future__ import annotations

import re

from app.morph import analyzer, normalize, wordset

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct", "loc2")
COMMON_ADJECTIVES = wordset("""
    северный южный западный восточный советский октябрьский первомайский молодежный комсомольский
    юбилейный фестивальный музыкальный тракторный веселый глубокий светлый лесной садовый степной
    красный новый солнечный мирный зеленый заречный речной береговой приморский горный ленинский
    кировский пролетарский школьный центральный пригородный полевой луговой дачный рабочий
    почтовый научный молодой старый дружный победный волжский летний зимний
""")
_KEEP = {"на", "де", "дон", "дону", "кубани"}


def _nominative_parse(word: str):  # type: ignore[no-untyped-def]
    parses = [p for p in analyzer().parse(word) if p.tag.case == "nomn" and p.tag.POS in ("NOUN", "ADJF")]
    parses.sort(key=lambda p: ("Geox" not in p.tag, -p.score))
    return parses[0] if parses else None


def _word_forms(word: str, gender: str | None) -> dict[str, str]:
    """case → form of one word (unchanged when pymorphy3 cannot inflect it)."""
    parse = None if word in _KEEP else _nominative_parse(word)
    if parse is None:
        return {case: word for case in CASES}
    wanted = {gender} if gender and parse.tag.POS == "ADJF" and parse.tag.number != "plur" else set()
    out = {}
    for case in CASES:
        inflected = parse.inflect({case} | wanted) or parse.inflect({case})
        out[case] = inflected.word if inflected else word
    return out


def _hyphenated(word: str, gender: str | None) -> dict[str, str]:
    parts = word.split("-")
    if "на" in parts:  # «Ростов-на-Дону»: only the head word changes
        inflected = {0}
    else:  # «Усть-Лабинск»: the last word; «Каменск-Шахтинский»: both
        last = _nominative_parse(parts[-1])
        inflected = {0, len(parts) - 1} if last is not None and last.tag.POS == "ADJF" else {len(parts) - 1}
    per_part = [_word_forms(p, gender) if i in inflected else {c: p for c in CASES} for i, p in enumerate(parts)]
    return {case: "-".join(forms[case] for forms in per_part) for case in CASES}


def _gender(words: list[str]) -> str | None:
    for word in reversed(words):
        parse = _nominative_parse(word.split("-")[0])
        if parse is not None and parse.tag.POS == "NOUN":
            return str(parse.tag.gender) if parse.tag.gender else None
    return None


def forms_of(name: str) -> dict[str, set[str]]:
    """Normalised form → the cases it expresses, for a settlement name or alias."""
    text = normalize(name)
    if re.search(r"\d", text) or (name.isupper() and len(name) <= 5):
        return {text: {"nomn"}}
    words = text.split()
    gender = _gender(words) if len(words) > 1 else None
    per_word = [_hyphenated(w, gender) if "-" in w else _word_forms(w, gender) for w in words]
    out: dict[str, set[str]] = {text: {"nomn"}}
    if len(words) == 1 and len(text) <= 8 and text.isalpha() and not analyzer().word_is_known(text) \
            and text[-1] not in "аеиоуыэюяьй":
        # Slang like «Симф», «Новорос»: «в Симфе», «из Симфа», «Симфом».
        for ending, case in (("а", "gent"), ("у", "datv"), ("ом", "ablt"), ("е", "loct")):
            out.setdefault(text + ending, set()).add(case)
    for case in CASES:
        form = normalize(" ".join(forms[case] for forms in per_word))
        out.setdefault(form, set()).add(case)
    return out


def genitive_only(cases: set[str]) -> bool:
    """Forms like «Кирова», «Кропоткина»: also the shape of streets named after people."""
    return cases <= {"gent", "accs"} and "gent" in cases


def ambiguous(form: str) -> bool:
    """A one-word form that is also a common noun, a common adjective or a first name («шахты», «сева»)."""
    if " " in form or not analyzer().word_is_known(form):
        return False
    for parse in analyzer().parse(form):
        grammemes = set(parse.tag.grammemes)
        if "Geox" in grammemes or {"Surn", "Patr"} & grammemes:
            continue
        if "Name" in grammemes or (parse.tag.POS == "NOUN" and parse.score >= 0.1):
            return True
        if parse.tag.POS == "ADJF" and normalize(parse.normal_form) in COMMON_ADJECTIVES:
            return True
    return False
