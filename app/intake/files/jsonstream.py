"""Reading a large JSON document element by element, in bounded memory.

``JsonReader`` walks a UTF-8 file with a small buffer: objects and arrays can be
entered member by member, a value can be read whole (``leaf``: at most
``max_leaf`` characters; a larger or broken one becomes a ``BadItem``) or skipped
without keeping it. The file readers use it to stream the records of a JSON
array, a GeoJSON FeatureCollection or a Telegram export, however large.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import BinaryIO

from app.intake.jsonpage import BadItem, reason_of

CHUNK = 1 << 20
MAX_LEAF = 8 << 20  # characters of one record
_STRING_END = re.compile(r'(?:[^"\\]|\\.)*"', re.DOTALL)
_STRING_PART = re.compile(r'(?:[^"\\]|\\.)*', re.DOTALL)
_STRUCTURAL = re.compile(r'["\[\]{}]')
_SCALAR_END = re.compile(r"[\s,\]}]")
_SPACE = re.compile(r"\s*")


class JsonStreamError(ValueError):
    """The document's structure is broken where the reader needed it (the message is Russian)."""


class JsonReader:
    """A forward-only reader over the JSON text of ``stream`` (bytes, UTF-8 with or without BOM)."""

    def __init__(self, stream: BinaryIO, max_leaf: int = MAX_LEAF) -> None:
        self._text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape")
        self.buf, self.pos, self.max_leaf, self._eof = "", 0, max_leaf, False

    # buffer --------------------------------------------------------------------
    def _more(self) -> bool:
        if self._eof:
            return False
        chunk = self._text.read(CHUNK)
        if not chunk:
            self._eof = True
            return False
        self.buf = self.buf[self.pos:] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next significant character ('' at the end)."""
        while True:
            match = _SPACE.match(self.buf, self.pos)
            self.pos = match.end() if match else self.pos
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise JsonStreamError(f"повреждённый JSON: ожидался «{char}», найдено «{found or 'конец файла'}»")
        self.pos += 1

    # values --------------------------------------------------------------------
    def _span_end(self, start: int) -> int | None:
        """The end of the value starting at ``start`` if the buffer holds it whole, else None."""
        text, char = self.buf, self.buf[start]
        if char == '"':
            match = _STRING_END.match(text, start + 1)
            return match.end() if match else None
        if char not in "[{":
            match = _SCALAR_END.search(text, start)
            return match.start() if match else (len(text) if self._eof else None)
        depth, i = 0, start
        while True:
            match = _STRUCTURAL.search(text, i)
            if match is None:
                return None
            char, i = match.group(), match.end()
            if char == '"':
                end = _STRING_END.match(text, i)
                if end is None:
                    return None
                i = end.end()
            elif char in "[{":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return i

    def _value_text(self, keep: bool) -> str | None:
        """The next value's text (None when it was longer than ``max_leaf``, or ``keep`` is False)."""
        if not self.peek():
            raise JsonStreamError("повреждённый JSON: файл кончился посреди записи")
        while (end := self._span_end(self.pos)) is None:
            if len(self.buf) - self.pos > self.max_leaf or not keep:
                self._skip_long()
                return None
            if not self._more():
                raise JsonStreamError("повреждённый JSON: файл кончился посреди записи")
        text, self.pos = self.buf[self.pos:end], end
        return text if keep else None

    def _skip_long(self) -> None:
        """Skip a value too long to keep: strings and brackets followed through the file, nothing kept."""
        depth, i = 0, self.pos
        while True:
            if i >= len(self.buf):
                self.buf, self.pos, i = "", 0, 0
                if not self._more():
                    raise JsonStreamError("повреждённый JSON: файл кончился посреди записи")
            char = self.buf[i]
            if char == '"':
                i = self._past_string(i + 1)
            elif char in "[{":
                depth, i = depth + 1, i + 1
            elif char in "]}":
                depth, i = depth - 1, i + 1
            else:
                match = _STRUCTURAL.search(self.buf, i) if depth else _SCALAR_END.search(self.buf, i)
                i = match.start() if match else len(self.buf)
                if not depth and match:
                    self.pos = i
                    return
            if depth == 0 and char in '"]}':
                self.pos = i
                return

    def _past_string(self, i: int) -> int:
        """The index after the closing quote of the string whose content starts at ``i`` (reading on)."""
        while True:
            match = _STRING_PART.match(self.buf, i)
            end = match.end() if match else i
            if end < len(self.buf) and self.buf[end] == '"':
                return end + 1
            carry = self.buf[end:]  # "" or a lone backslash: an escape cut by the chunk's end
            self.buf, self.pos, i = carry, 0, 0
            if not self._more():
                raise JsonStreamError("повреждённый JSON: незакрытая строка")

    def leaf(self) -> object:
        """The next value, parsed (a ``BadItem`` when it is too long, too deep or broken)."""
        text = self._value_text(keep=True)
        if text is None:
            return BadItem(f"запись длиннее {self.max_leaf // (1 << 20)} МБ", "")
        try:
            return json.loads(text)
        except (RecursionError, ValueError) as exc:
            return BadItem(reason_of(exc), text[:64 * 1024])

    def skip(self) -> None:
        """Pass the next value by, keeping nothing of it."""
        self._value_text(keep=False)

    # containers ----------------------------------------------------------------
    def members(self) -> Iterator[str]:
        """Enter an object; yields each key with the reader at its value (the caller reads or skips it)."""
        self.expect("{")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            key = self.leaf()
            if not isinstance(key, str):
                raise JsonStreamError("повреждённый JSON: ключ объекта не является строкой")
            self.expect(":")
            yield key  # the caller reads, enters or skips the value
            if self._after("}"):
                return

    def elements(self) -> Iterator[int]:
        """Enter an array; yields each index with the reader at that element."""
        self.expect("[")
        if self.peek() == "]":
            self.pos += 1
            return
        index = 0
        while True:
            yield index
            index += 1
            if self._after("]"):
                return

    def _after(self, close: str) -> bool:
        char = self.peek()
        self.pos += 1
        if char == close:
            return True
        if char != ",":
            raise JsonStreamError(f"повреждённый JSON: ожидалась «,» или «{close}», найдено «{char or 'конец файла'}»")
        return False
