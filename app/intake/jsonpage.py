"""JSON pages where one poisoned item cannot spoil the page.

``json.loads`` gives up on a whole document for one item nested 100,000 levels
deep or one 5,000-digit number. ``loads_page`` parses normally and, only when
that fails, again with a shallow scanner: objects near the top are parsed
member by member, every element of a list is parsed on its own, and an
element that cannot be parsed becomes a ``BadItem`` with its reason, so the
rest of the page still arrives.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from app.common.ru import format_int

SHALLOW_DEPTH = 3  # object members deeper than this are parsed as one piece
_INT_DIGITS = 4300  # CPython's limit on int(str) (sys.get_int_max_str_digits)
_STRING_END = re.compile(r'(?:[^"\\]|\\.)*"', re.DOTALL)
_STRUCTURAL = re.compile(r'["\[\]{}]')
_SCALAR_END = re.compile(r"[\s,\]}]")
_SPACE = re.compile(r"\s*")


@dataclass(frozen=True)
class BadItem:
    """An element of a page that could not be parsed: why, and (the start of) its text."""

    reason: str
    raw: str


class PageError(ValueError):
    """The page as a whole is not JSON (the message is the Russian reason)."""


def reason_of(exc: BaseException) -> str:
    """A Russian reason for a failed ``json.loads``."""
    if isinstance(exc, RecursionError):
        return "запись вложена слишком глубоко (предел вложенности JSON)"
    text = str(exc)
    if "digits" in text:
        return f"число длиннее {format_int(_INT_DIGITS)} цифр"
    if isinstance(exc, json.JSONDecodeError):
        return f"повреждённый JSON: {exc.msg}, позиция {exc.pos}"
    return f"повреждённый JSON: {text[:200]}"


def loads_page(text: str) -> object:
    """The document; list elements that cannot be parsed come back as ``BadItem`` (``PageError`` otherwise)."""
    try:
        return json.loads(text)
    except (RecursionError, ValueError) as exc:
        first = exc
    try:
        value, end = _Shallow(text).value(_skip_space(text, 0), 0)
    except (IndexError, ValueError) as exc:
        raise PageError(reason_of(first)) from exc
    if _skip_space(text, end) != len(text):
        raise PageError(reason_of(first))
    return value


def _skip_space(text: str, i: int) -> int:
    match = _SPACE.match(text, i)
    return match.end() if match else i


class _Shallow:
    """A scanner that parses the top of a document and hands deeper values to ``json.loads`` one by one."""

    def __init__(self, text: str) -> None:
        self.text = text

    def value(self, i: int, depth: int, element: bool = False) -> tuple[object, int]:
        char = self.text[i]
        if char == "{" and depth < SHALLOW_DEPTH and not element:
            return self._object(i, depth)
        if char == "[" and depth < SHALLOW_DEPTH and not element:
            return self._array(i, depth)
        end = skip_value(self.text, i)
        return _leaf(self.text[i:end]), end

    def _object(self, i: int, depth: int) -> tuple[dict[str, object], int]:
        result: dict[str, object] = {}
        i = _skip_space(self.text, i + 1)
        if self.text[i] == "}":
            return result, i + 1
        while True:
            key_end = skip_value(self.text, i)
            key = json.loads(self.text[i:key_end])
            if not isinstance(key, str):
                raise ValueError("key")
            i = _skip_space(self.text, key_end)
            if self.text[i] != ":":
                raise ValueError("colon")
            result[key], i = self.value(_skip_space(self.text, i + 1), depth + 1)
            i = _skip_space(self.text, i)
            if self.text[i] == "}":
                return result, i + 1
            if self.text[i] != ",":
                raise ValueError("comma")
            i = _skip_space(self.text, i + 1)

    def _array(self, i: int, depth: int) -> tuple[list[object], int]:
        result: list[object] = []
        i = _skip_space(self.text, i + 1)
        if self.text[i] == "]":
            return result, i + 1
        while True:
            item, i = self.value(i, depth + 1, element=True)
            result.append(item)
            i = _skip_space(self.text, i)
            if self.text[i] == "]":
                return result, i + 1
            if self.text[i] != ",":
                raise ValueError("comma")
            i = _skip_space(self.text, i + 1)


def _leaf(span: str) -> object:
    try:
        return json.loads(span)
    except (RecursionError, ValueError) as exc:
        return BadItem(reason_of(exc), span[:64 * 1024])


def skip_value(text: str, i: int) -> int:
    """The index after the JSON value starting at ``i``, found without recursion (brackets counted)."""
    if text[i] == '"':
        match = _STRING_END.match(text, i + 1)
        if match is None:
            raise ValueError("unterminated string")
        return match.end()
    if text[i] not in "[{":
        match = _SCALAR_END.search(text, i)
        return match.start() if match else len(text)
    depth = 0
    while True:
        match = _STRUCTURAL.search(text, i)
        if match is None:
            raise ValueError("unterminated container")
        char, i = match.group(), match.end()
        if char == '"':
            end = _STRING_END.match(text, i)
            if end is None:
                raise ValueError("unterminated string")
            i = end.end()
        elif char in "[{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return i


def safe_dumps(value: object) -> str:
    """``value`` as JSON text for quarantine; what cannot be written back (too deep) says so."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (RecursionError, ValueError):
        return "[запись не может быть показана: слишком глубокая вложенность или слишком большое число]"
