"""The product's own JSON feed protocol (app/demo/feed_server.py) as a configured source."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from app.intake.connectors.base import Cursor, Fetcher, Page, PollContext, SourceSpec
from app.intake.feed import FeedConfig, feed_record, page_params, parse_reply, request_headers


class JsonFeed:
    """Pages from ``cursor["cursor"]`` until the feed says there are no more."""

    def __init__(self, spec: SourceSpec) -> None:
        extra = {k: v for k, v in spec.parameters.items() if k in ("page_size", "items_path", "next_cursor_path",
                                                                      "has_more_path", "cursor_param", "since_param")}
        self.config = FeedConfig(url=spec.address, feed_id=spec.state_id, token=spec.secret,
                                 source=str(spec.parameters.get("source", "feed"))[:64], **extra)

    def pages(self, cursor: Cursor, fetch: Fetcher, context: PollContext) -> Iterator[Page]:
        position, etag = cursor.get("cursor"), cursor.get("etag")
        for number in range(self.config.max_pages):
            page = fetch.get(self.config.url, page_params(self.config, position),
                             request_headers(self.config, etag if number == 0 else None),
                             partial(parse_reply, self.config))
            if page is None:
                return
            records = [feed_record(self.config, item, position, i) for i, item in enumerate(page.items)]
            asked, position = position, page.next_cursor or position
            yield Page(records, {"cursor": position, "etag": None if page.has_more else page.etag})
            if not (page.has_more and page.items and page.next_cursor not in (None, asked)):
                return
