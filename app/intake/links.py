"""Canonical post URLs, so that one post met by two routes (VK and a platform's spreadsheet) is one message."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

_HOST_PREFIXES = ("www.", "m.", "mobile.")
_DROPPED = ("utm_", "fbclid", "yclid", "from", "ref")
MAX_URL = 2048


def canonical_url(url: str) -> str | None:
    """«host/path?query» without scheme, «www.»/«m.», fragment, tracking parameters or a trailing «/».

    VK's «vk.com/wall-1_2?w=…» and «vk.ru» forms become «vk.com/wall-1_2». None for what is not an http(s) URL.
    """
    text = url.strip()
    if len(text) > MAX_URL:
        return None
    try:
        parts = urlsplit(text if "//" in text else "//" + text)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    if parts.scheme not in ("", "http", "https") or "." not in host:
        return None
    for prefix in _HOST_PREFIXES:
        host = host.removeprefix(prefix)
    if host == "vk.ru":
        host = "vk.com"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith(_DROPPED)]
    if host == "vk.com" and parts.path.startswith("/wall"):
        query = [(k, v) for k, v in query if k == "reply"]
    path = parts.path.rstrip("/")
    return host + path + ("?" + urlencode(sorted(query)) if query else "")


def vk_post_url(owner_id: int, post_id: int, reply: int | None = None) -> str:
    """The public address of a VK wall post (or of a comment on it)."""
    url = f"https://vk.com/wall{owner_id}_{post_id}"
    return url if reply is None else f"{url}?reply={reply}"
