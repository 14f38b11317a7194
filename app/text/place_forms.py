"""Case forms of settlement names with pymorphy3, and the flags that tell a name from a common word.

The gazetteer build (app/gazetteer/build) writes every settlement's forms with them at setup; a
region pack's own settlements layer gets its forms at run time (app/text/pack_places.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.text.lexicon import LEXICON
from app.text.morph import analyzer, normalize, wordset

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct", "loc2")
COMMON_ADJECTIVES = wordset("""
    северный южный западный восточный советский октябрьский первомайский молодежный комсомольский
    юбилейный фестивальный музыкальный тракторный веселый глубокий светлый лесной садовый степной
    красный новый солнечный мирный зеленый заречный речной береговой приморский горный ленинский
    кировский пролетарский школьный центральный пригородный полевой луговой дачный рабочий
    почтовый научный молодой старый дружный победный волжский летний зимний морской городской
    сельский районный
""")
# Given names people write in messages; pymorphy3 tags many southern toponyms as rare names
# («Джубга», «Вардане»), so only these make a form a possible first name.
COMMON_NAMES = wordset("""
    александр саша шура алексей леша анатолий толя андрей андрюша антон аркадий артем борис
    боря вадим валентин валера валерий василий вася виктор витя виталий влад владимир вова володя
    всеволод сева вячеслав слава геннадий гена георгий жора григорий гриша даниил данил денис дима
    дмитрий евгений женя егор иван ваня игорь илья кирилл константин костя лев леонид леня миша
    михаил никита николай коля олег павел паша петр петя роман рома руслан семен сеня сергей сережа
    степан стас станислав тимур федор федя юрий юра ярослав анна аня алена алина алла анастасия настя
    валентина валя вера вика виктория галина галя дарья даша евгения екатерина катя елена лена
    елизавета лиза зоя инна ирина ира карина кристина ксения ксюша лариса лида людмила люда марина
    мария маша надежда надя наталья наташа нина оксана ольга оля полина раиса рита светлана света
    софия соня тамара таня татьяна ульяна юлия юля яна
""")
# Lexicon words: a place named like one («Штормовое») also needs a type word when small.
_LEXICON_WORDS = frozenset(word for words in LEXICON.values() for word in words)
_TOPONYMIC = re.compile(r"[сц]к(?:ий|ой)$")
# Words that stay as they are inside a longer name («Ростов-на-Дону», «Славянск-на-Кубани»).
_KEEP = frozenset({"на", "де", "дон", "дону", "кубани"})
_SLANG_ENDINGS = (("а", "gent"), ("у", "datv"), ("ом", "ablt"), ("е", "loct"))


def _nominative_parse(word: str):  # type: ignore[no-untyped-def]
    parses = [p for p in analyzer().parse(word) if p.tag.case == "nomn" and p.tag.POS in ("NOUN", "ADJF")]
    parses.sort(key=lambda p: ("Geox" not in p.tag, -p.score))
    return parses[0] if parses else None


def _word_forms(word: str, gender: str | None, keep: frozenset[str] = _KEEP) -> dict[str, str]:
    """case → form of one word (unchanged when pymorphy3 cannot inflect it)."""
    parse = None if word in keep else _nominative_parse(word)
    if parse is None:
        return {case: word for case in CASES}
    wanted = {gender} if gender and parse.tag.POS == "ADJF" and parse.tag.number != "plur" else set()
    out = {}
    for case in CASES:
        inflected = parse.inflect({case} | wanted) or parse.inflect({case})
        out[case] = inflected.word if inflected else word
    return out


def _known_place(word: str):  # type: ignore[no-untyped-def]
    """pymorphy3's nominative place reading of a whole hyphenated name («йошкар-ола»), if it knows one."""
    if not analyzer().word_is_known(word):
        return None
    return next((p for p in analyzer().parse(word) if "Geox" in p.tag and p.tag.case == "nomn"), None)


def _hyphenated(word: str, gender: str | None) -> dict[str, str]:
    whole = _known_place(word)
    if whole is not None:  # the dictionary inflects it as one word: «в Йошкар-Оле», «в Улан-Удэ»
        return {case: (whole.inflect({case}) or whole).word for case in CASES}
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


def _abbreviation_forms(text: str) -> dict[str, set[str]]:
    """«ЮМР» → «юмр», «юмре», «юмра»…: endings glued to an abbreviation, unless that makes a word («пора»)."""
    out = {text: {"nomn"}}
    if text[-1] not in "аеиоуыэюя":
        for ending, case in _SLANG_ENDINGS:
            if not analyzer().word_is_known(text + ending):
                out[text + ending] = {case}
    return out


def forms_of(name: str) -> dict[str, set[str]]:
    """Normalised form → the cases it expresses, for a settlement name or alias."""
    text = normalize(name)
    if re.search(r"\d", text):
        return {text: {"nomn"}}
    if name.isupper() and len(name) <= 5:
        return _abbreviation_forms(text)
    words = text.split()
    gender = _gender(words) if len(words) > 1 else None
    keep = _KEEP if len(words) > 1 else frozenset()
    per_word = [_hyphenated(w, gender) if "-" in w else _word_forms(w, gender, keep) for w in words]
    out: dict[str, set[str]] = {text: {"nomn"}}
    if len(words) == 1 and len(text) <= 8 and text.isalpha() and not analyzer().word_is_known(text) \
            and text[-1] not in "аеиоуыэюяьй":
        # Slang like «Симф», «Новорос»: «в Симфе», «из Симфа», «Симфом».
        for ending, case in _SLANG_ENDINGS:
            out.setdefault(text + ending, set()).add(case)
    for case in CASES:
        form = normalize(" ".join(forms[case] for forms in per_word))
        out.setdefault(form, set()).add(case)
    return out


def genitive_only(cases: set[str]) -> bool:
    """Forms like «Кирова», «Кропоткина»: also the shape of streets named after people."""
    return cases <= {"gent", "accs"} and "gent" in cases


def person_genitive(name: str) -> bool:
    """A one-word name shaped like a street named after a person («Ленина», «Кирова»)."""
    if " " in name or "-" in name:
        return False
    top = analyzer().parse(normalize(name))[0]
    return top.tag.case == "gent" and "Surn" in top.tag and "Fixd" not in top.tag


def adjective_word(form: str) -> bool:
    """A one-word form that reads as an ordinary adjective («широкое», «нижнем», «заозёрное»).

    Such a place needs a capital letter, a preposition or a type word, and must not agree
    with the next noun («Широкое распространение»). Adjectives in «-ский»/«-цкий» mostly come
    from place names themselves («Каневская», «Черноморское») and stay plain.
    """
    if " " in form or not analyzer().word_is_known(form):
        return False
    return any(p.tag.POS == "ADJF" and p.score >= 0.1 and not _TOPONYMIC.search(normalize(p.normal_form))
               for p in analyzer().parse(form))


def _common_noun(parse) -> bool:  # type: ignore[no-untyped-def]
    grammemes = set(parse.tag.grammemes)
    return parse.tag.POS == "NOUN" and not {"Geox", "Surn", "Patr", "Name"} & grammemes


def _common_adjective(parse) -> bool:  # type: ignore[no-untyped-def]
    lemma_ = normalize(parse.normal_form)
    return parse.tag.POS == "ADJF" and (lemma_ in COMMON_ADJECTIVES or lemma_ in _LEXICON_WORDS)


# Parts of speech whose reading makes a one-word form a common word («выше», «было», «мимо»).
_FUNCTION_POS = frozenset({"VERB", "INFN", "ADVB", "COMP", "PREP", "CONJ", "PRCL", "NPRO", "PRED", "GRND",
                           "PRTF", "PRTS", "ADJS", "INTJ", "NUMR"})


def _common_reading(parse) -> bool:  # type: ignore[no-untyped-def]
    return _common_noun(parse) or parse.tag.POS in _FUNCTION_POS


def ambiguous(form: str) -> bool:
    """A one-word form that is also a common word, a common adjective or a first name («шахты», «сева»).

    A common reading (a noun, a verb, an adverb…) counts when it is at least as likely as the place
    reading («шахты»: mostly mines; «выше»: an adverb; «агой»: mostly the village).
    """
    if " " in form or not analyzer().word_is_known(form):
        return False
    parses = analyzer().parse(form)
    place = sum(p.score for p in parses if "Geox" in p.tag)
    common = [p.score for p in parses if _common_reading(p)]
    if common and max(common) >= 0.1 and sum(common) >= place:
        return True
    if any("Name" in p.tag and normalize(p.normal_form) in COMMON_NAMES for p in parses):
        return True
    return any(_common_adjective(p) for p in parses)


def form_flags(form: str, cases: set[str]) -> str:
    """Flags of one written form: a = also a common word, j = an ordinary adjective, g = genitive only."""
    flags = ("a" if ambiguous(form) else "") + ("j" if adjective_word(form) else "")
    return flags + ("g" if genitive_only(cases) else "")


def form_rows(places: Sequence[tuple[str, Sequence[str]]]) -> dict[str, list[list[object]]]:
    """Normalised form → [[place index, flags], ...] for (name, aliases) pairs.

    Flags: a = ambiguous, g = genitive only, p = the name itself is a surname in the genitive
    («Ленина»), the shape of a street name; j = an ordinary adjective («Черноморское»).
    """
    index: dict[str, list[list[object]]] = {}
    for number, (name, aliases) in enumerate(places):
        for written in (name, *aliases):
            person = "p" if written == name and person_genitive(written) else ""
            for form, cases in forms_of(written).items():
                rows = index.setdefault(form, [])
                if all(row[0] != number for row in rows):
                    rows.append([number, form_flags(form, cases) + person])
    return index
