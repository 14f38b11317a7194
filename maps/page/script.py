"""The one way Python data enters a page's script: JSON that is also a safe JavaScript literal (no Qt).

JSON is a JS expression; what can still go wrong is the text around it. Escaped here:
``<``, ``>`` and ``&`` (so neither ``</script>`` nor ``<!--`` can end or bend a ``<script>`` element
the literal is inlined into), U+2028/U+2029 (line ends to older script engines) and lone
surrogates (they cannot be encoded as UTF-8 on the way into the page). Inside JSON these
characters only occur in strings, where ``\\uXXXX`` means the same character.
"""

from __future__ import annotations

import json

_UNSAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def script_json(value: object, *, ascii_only: bool = True, compact: bool = False, allow_nan: bool = True) -> str:
    """``value`` as JSON safe to splice into a script call or a ``<script>`` element.

    ``ascii_only=False`` keeps Cyrillic as UTF-8 (a 50,000-message payload as ``\\uXXXX`` was 2.5 times
    larger); a lone surrogate then falls back to ASCII escapes. ``allow_nan=False`` refuses NaN and
    infinities (not JSON: ``JSON.parse`` would fail on them).
    """
    separators = (",", ":") if compact else None
    text = json.dumps(value, ensure_ascii=ascii_only, allow_nan=allow_nan, separators=separators)
    if not ascii_only:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = json.dumps(value, ensure_ascii=True, allow_nan=allow_nan, separators=separators)
    for raw, escaped in _UNSAFE:
        if raw in text:
            text = text.replace(raw, escaped)
    return text
