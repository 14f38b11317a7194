"""CAP 1.2 alerts from a URL: one alert, or an Atom/RSS index of alerts (each fetched, at most ``MAX_ALERTS``)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection

from app.intake.cap import Alert, CapError, parse_alert, store_alerts
from app.intake.connectors.base import Cursor, Fetcher, Page, PollContext, SourceError, SourceSpec, status_error
from app.intake.http import Reply

MAX_ALERTS = 50


class CapFeed:
    """Official warnings of one address into the ``warnings`` table (not messages)."""

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec

    def pages(self, cursor: Cursor, fetch: Fetcher, context: PollContext) -> Iterator[Page]:
        headers = {"Accept": "application/cap+xml, application/atom+xml, application/xml"}
        if isinstance(cursor.get("etag"), str) and cursor["etag"].isascii() and cursor["etag"].isprintable():
            headers["If-None-Match"] = cursor["etag"]
        reply: Reply = fetch.get(self.spec.address, None, headers)
        if reply.status == 304:
            return
        alerts = self._alerts(reply, fetch)
        yield Page([], {"etag": reply.header("ETag")}, write=lambda conn: self._write(conn, alerts))

    def _write(self, conn: Connection, alerts: list[Alert]) -> int:
        return store_alerts(conn, alerts)

    def _alerts(self, reply: Reply, fetch: Fetcher) -> list[Alert]:
        failed = status_error(reply)
        if failed is not None:
            raise failed
        try:
            return [parse_alert(reply.body)]
        except CapError as exc:
            links = _index_links(reply.body)
            if not links:
                raise SourceError(f"предупреждение CAP не читается: {exc}", retry=False) from exc
        alerts = []
        for link in links[:MAX_ALERTS]:
            try:
                listed: Reply = fetch.get(link)
                alerts.append(parse_alert(listed.body))
            except CapError:
                continue  # an index may list other documents too
        return alerts


def _index_links(body: bytes) -> list[str]:
    import feedparser  # local: only index feeds need it

    parsed = feedparser.parse(body)
    links = []
    for entry in parsed.entries:
        for link in entry.get("links") or []:
            if link.get("href") and ("cap" in str(link.get("type", "")) or link.get("rel") == "alternate"):
                links.append(str(link["href"]))
                break
    return links
