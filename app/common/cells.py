"""Cells of spreadsheets and CSV files made safe: public text never becomes a formula.

OWASP's CSV-injection rule: a cell taken from outside that starts with ``=``, ``+``,
``-``, ``@`` (or a tab or carriage return) gets a leading apostrophe, so Excel and
LibreOffice show it as text. Control characters, which break XLSX and DOCX files,
are removed.
"""

from __future__ import annotations

import re

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean_text(value: str) -> str:
    """``value`` without control characters (tabs and line breaks stay)."""
    return _CONTROL.sub("", value)


def safe_cell(value: object) -> object:
    """A value ready for a cell: text cleaned and defused, numbers and None as they are."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
