"""What popups show beyond the drawn point, kept on the Python side (no Qt).

The page holds only positions, times and categories; a popup asks for its message's
author, place and text when it opens. The most recent messages are kept here, so a
map without a database (the wall, the briefing) can answer; a view with a database
sets a detail source instead and keeps nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from app.queries.messages import MessageRow

KEPT = 200_000  # bounded: the text of a million messages does not stay in memory twice

Details = dict[str, str | None]


def details_of(row: MessageRow) -> Details:
    """Public text of one message (the page puts it into the DOM with textContent)."""
    return {"author": row.author, "settlement": row.settlement, "address": row.address, "text": row.text}


class DetailStore:
    """Popup details of the latest ``limit`` messages added, with their publication time (ms)."""

    def __init__(self, limit: int = KEPT) -> None:
        self.limit = limit
        self._rows: OrderedDict[int, tuple[float, MessageRow]] = OrderedDict()
        self._oldest = float("inf")

    def __len__(self) -> int:
        return len(self._rows)

    def put(self, rows: Sequence[MessageRow]) -> None:
        for row in rows[-self.limit:]:
            moment = row.published_at.timestamp() * 1000
            self._rows[row.id] = (moment, row)
            self._rows.move_to_end(row.id)
            self._oldest = min(self._oldest, moment)
        while len(self._rows) > self.limit:
            self._rows.popitem(last=False)

    def get(self, message_id: int) -> Details | None:
        found = self._rows.get(message_id)
        return details_of(found[1]) if found is not None else None

    def prune_before(self, moment_ms: float) -> None:
        if moment_ms <= self._oldest:
            return
        for key in [k for k, (t, _row) in self._rows.items() if t < moment_ms]:
            del self._rows[key]
        self._oldest = min((t for t, _row in self._rows.values()), default=float("inf"))

    def clear(self) -> None:
        self._rows.clear()
        self._oldest = float("inf")
