"""Cues beyond single words: indoor temperatures, sarcastic thanks, a cause and an aside.

«В квартире +15», «дома 16 градусов», «в детской +14» are heating complaints
when nothing else in the message speaks of heating (a power cut that stopped
the boiler stays a power cut: «нет света, котёл встал, дома +14»). An eye-roll or an angry face after «спасибо» is
no gratitude («Спасибо, ДГК 😡»). Evidence right after «из-за» names the cause
and counts more («из-за отключения света встала котельная»: a power cut);
evidence in a clause with «тоже», «также», «ещё и» is an aside and counts less
(«электричество выключили, интернет тоже пропал»).
"""

from __future__ import annotations

import re

INDOOR_POINTS = 2.5
CAUSE_BOOST = 2.0
ASIDE_SHARE = 0.5
_INDOOR = r"(?:квартире|квартирах|дома|доме|домах|комнате|детской|спальне|школе|классе|классах|садике|палате)"
_N = r"(?:[5-9]|1[0-8])"
# «+15», «15°», «15 градусов», or a bare «15» ending the phrase («в квартире 17.»): not «квартира 12 на 3 этаже».
_DEGREES = rf"(?:\+\s?{_N}(?!\d)(?:\s?(?:°|градус\w*))?|{_N}\s?(?:°|градус\w*)|{_N}(?=\s*(?:[.,!?;)—–]|$)))"
_SIGNED = rf"(?:\+\s?{_N}(?!\d)|{_N}\s?(?:°|градус\w*))"
_INDOOR_TEMPERATURE = re.compile(
    rf"\b{_INDOOR}\b[^.!?\n\d+\-−]{{0,25}}{_DEGREES}|(?<![\d\-−]){_SIGNED}[^.!?\n]{{0,20}}\b{_INDOOR}\b",
    re.IGNORECASE)
_INDOOR_STEMS = ("квартир", "дом", "комнат", "детск", "спальн", "школ", "класс", "садик", "палат")
_SARCASM = re.compile("[🙄😡🤬😤🙃🤦😒]")
ASIDE_WORDS = frozenset({"тоже", "также"})
CAUSE_WORDS = frozenset({"из-за"})


def indoor_temperature(text: str) -> str | None:
    """The indoor temperature a message complains of («в квартире +15»), as written, else None."""
    low = text.lower()
    if not any(stem in low for stem in _INDOOR_STEMS):  # cheap: most messages name no room at all
        return None
    match = _INDOOR_TEMPERATURE.search(text)
    return match.group(0).strip() if match else None


def sarcastic(text: str) -> bool:
    """Thanks with an eye-roll or an angry face: a complaint, not gratitude."""
    return _SARCASM.search(text) is not None
