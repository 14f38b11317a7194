"""What of a message may be shown on the wall: it is seen by visitors and cameras (no Qt).

Beyond ``app.text.pii.scrub`` (names, phones, links) the wall also hides home addresses:
a street with a house number, a house or a flat number. A street named without a number
stays (it names an area, not a home); a settlement stays.
"""

from __future__ import annotations

import re
from dataclasses import replace

from app.queries.messages import MessageRow
from app.text.pii import scrub

ADDRESS_HIDDEN = "[адрес скрыт]"
_STREET_WORD = (r"(?:ул\.?|улиц[а-яё]*|пр-к?т\.?|просп\.?|проспект[а-яё]*|пер\.?|переул[а-яё]*|бульвар[а-яё]*|б-р"
                r"|шоссе|ш\.|пл\.|площад[а-яё]*|мкр-?н?\.?|микрорайон[а-яё]*|наб\.?|набережн[а-яё]*|проезд[а-яё]*"
                r"|туп\.?|тупик[а-яё]*|снт|пос\.|квартал[а-яё]*)")
_NUMBER = r"\d+(?!\d)(?![:.]\d)(?:[а-яё](?![а-яё]))?(?:\s*/\s*\d+)?"  # not a time or a date
_TAIL = rf"(?:[,\s]*(?:корп(?:ус)?\.?|к\.|стр(?:оение)?\.?|лит\.?)\s*{_NUMBER})*(?:[,\s]*(?:кв(?:артира)?\.?)\s*\d+)?"
_STREET_HOUSE = re.compile(
    rf"(?<![а-яё]){_STREET_WORD}\s*[а-яё0-9][а-яё0-9\-]*(?:\s+[а-яё][а-яё\-]*)?[,\s]+(?:д(?:ом)?\.?\s*)?{_NUMBER}{_TAIL}",
    re.IGNORECASE)
_HOUSE = re.compile(rf"(?<![а-яё])(?:д\.|дом(?:е|а)?\s*№?)\s*{_NUMBER}{_TAIL}|(?<![а-яё])кв(?:\.|артир[а-яё]*)?\s*\d+",
                    re.IGNORECASE)


def hide_addresses(text: str) -> str:
    """``text`` with street-and-house addresses, houses and flats replaced by «[адрес скрыт]»."""
    return _HOUSE.sub(ADDRESS_HIDDEN, _STREET_HOUSE.sub(ADDRESS_HIDDEN, text))


def public_text(row: MessageRow) -> str:
    """The message text for the wall: no names, contacts, links or home addresses; one line."""
    return " ".join(hide_addresses(scrub(row.text, [row.author] if row.author else ())).split())


def public_row(row: MessageRow) -> MessageRow:
    """``row`` as the wall's map may hold it: no author, no address, the public text."""
    return replace(row, author=None, address=None, text=public_text(row))
