"""RSS and Atom of news and municipal sites (feedparser), with GeoRSS points and conditional requests.

The feed is asked with ``If-None-Match`` / ``If-Modified-Since`` from the last answer; a 304
costs nothing. An entry is a message under its link (or its id) within this source; an entry
whose ``updated`` is later than its publication is an edit of its text.
"""

from __future__ import annotations

import calendar
import html
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from app.intake.connectors.base import (
    Cursor,
    Fetcher,
    Page,
    PollContext,
    SourceError,
    SourceSpec,
    short_hash,
    status_error,
)
from app.intake.http import Reply
from app.intake.jsonpage import safe_dumps
from app.intake.validate import RawRecord, Rejection, clip_raw

MAX_ENTRIES = 1000
_TAG = re.compile(r"<[^>]{0,2000}>")


def plain(markup: object) -> str:
    """Text of an entry's HTML (feedparser already removed what is dangerous)."""
    return " ".join(html.unescape(_TAG.sub(" ", str(markup or ""))).split())


def _moment(parsed: object) -> datetime | None:
    if not isinstance(parsed, time.struct_time):
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def _point(entry: Any) -> tuple[object, object]:
    where = entry.get("where")
    if isinstance(where, dict) and where.get("type") == "Point":
        lon, lat = [*list(where.get("coordinates") or []), None, None][:2]
        return lat, lon
    return entry.get("geo_lat"), entry.get("geo_long")


class RssFeed:
    """One RSS/Atom address; the cursor keeps its ETag and Last-Modified."""

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self.origin = ("rss:" + short_hash(spec.address))[:64]

    def pages(self, cursor: Cursor, fetch: Fetcher, context: PollContext) -> Iterator[Page]:
        headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.1"}
        if isinstance(cursor.get("etag"), str) and cursor["etag"].isascii() and cursor["etag"].isprintable():
            headers["If-None-Match"] = cursor["etag"]
        if isinstance(cursor.get("modified"), str) and cursor["modified"].isascii():
            headers["If-Modified-Since"] = cursor["modified"]
        reply: Reply = fetch.get(self.spec.address, None, headers)
        if reply.status == 304:
            return
        failed = status_error(reply)
        if failed is not None:
            raise failed
        entries = self._entries(reply)
        after = {"etag": reply.header("ETag"), "modified": reply.header("Last-Modified")}
        yield Page([self._record(entry) for entry in entries[:MAX_ENTRIES]], after)

    def _entries(self, reply: Reply) -> list[Any]:
        import feedparser  # local: only RSS sources need it

        parsed = feedparser.parse(reply.body, response_headers={"content-type": reply.header("Content-Type") or ""})
        if not parsed.entries and parsed.get("bozo"):
            raise SourceError(f"лента RSS/Atom не читается: {str(parsed.get('bozo_exception'))[:200]}",
                              retry=False, raw=reply.body[:65536].decode("utf-8", "replace"))
        return list(parsed.entries)

    def _record(self, entry: Any) -> RawRecord | Rejection:
        location = f"RSS «{self.spec.name}»"
        raw = safe_dumps({k: dict.get(entry, k) for k in ("id", "link", "title", "published", "updated", "summary")})
        link, key = entry.get("link"), entry.get("id") or entry.get("link")
        if not key:
            return Rejection(self.origin, location, "у записи ленты нет ни ссылки, ни идентификатора", clip_raw(raw))
        published = _moment(dict.get(entry, "published_parsed")) or _moment(dict.get(entry, "updated_parsed"))
        updated = _moment(dict.get(entry, "updated_parsed"))  # dict.get: no feedparser fallback to «published»
        title, summary = plain(entry.get("title")), plain(entry.get("summary"))
        text = title if not summary or summary.startswith(title) else f"{title}. {summary}" if title else summary
        lat, lon = _point(entry)
        key = str(key) if len(str(key)) <= 128 else "u:" + short_hash(str(key), 40)
        fields = {"id": key, "time": published, "text": text or summary, "author": entry.get("author"),
                  "url": link, "lat": lat, "lon": lon, "source": self.spec.name[:64],
                  "edited": updated if published and updated and updated > published else None}
        return RawRecord(fields, f"{location}, {str(link or key)[:300]}", raw, self.spec.name[:64], self.origin)
