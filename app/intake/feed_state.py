"""Feed state in the database (cursor, ETag, health) and the health shown to the operator.

Whatever a server sends as a cursor or an ETag is stored: text that a column would refuse
(NUL, a lone surrogate) is kept escaped as JSON and given back unchanged; a feed id longer
than ``MAX_ID`` is stored as its hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from app.common.timeutil import utcnow
from app.store.engine import Store
from app.store.models import FeedState

STALE_INTERVALS = 3
_GENITIVE = {"Лента": "ленты", "Источник": "источника"}
MAX_ID = 256
MAX_CURSOR = 64 * 1024
_ESCAPED = "json:"


def state_key(feed_id: str) -> str:
    """The feed's key in ``feed_state``: the id itself, or a hash when it is long or not storable text."""
    if len(feed_id) <= MAX_ID and storable(feed_id):
        return feed_id
    return "sha256:" + hashlib.sha256(feed_id.encode("utf-8", "surrogatepass")).hexdigest()


def storable(text: str) -> bool:
    """Text every database column takes as it is: valid UTF-8 without NUL."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def encode_cursor(cursor: str | None) -> str | None:
    """A cursor as stored: itself, or escaped JSON when a column would refuse it."""
    if cursor is None or (storable(cursor) and not cursor.startswith(_ESCAPED)):
        return cursor
    return _ESCAPED + json.dumps(cursor, ensure_ascii=True)


def decode_cursor(stored: str | None) -> str | None:
    if stored is None or not stored.startswith(_ESCAPED):
        return stored
    try:
        value = json.loads(stored[len(_ESCAPED):])
    except ValueError:
        return stored
    return value if isinstance(value, str) else stored


@dataclass(frozen=True)
class SavedState:
    """Where a feed stopped: the cursor after the last committed page and the ETag of the feed."""

    cursor: str | None = None
    etag: str | None = None


@dataclass(frozen=True)
class FeedHealth:
    """Health of one feed as widgets display it; ``state`` is ok, error, stale or waiting."""

    feed_id: str
    state: str
    checked_at: datetime
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None
    error_count: int
    messages_total: int
    lag_seconds: float | None
    warning: str | None = None  # e.g. items came from another address
    noun: str = "Лента"  # what the label calls it: «Лента» (the feed), «Источник» (a configured source)

    @property
    def is_warning(self) -> bool:
        return self.state in ("stale", "error") or bool(self.warning)

    @property
    def label(self) -> str:
        """A one-line Russian status: «Лента работает, опрос 12 с назад», «Лента молчит 5 мин: …»."""
        if self.state == "waiting":
            return f"{self.noun}: ожидание первого опроса"
        since = ("ещё не было" if self.lag_seconds is None
                 else "только что" if self.lag_seconds < 5 else f"{ago(self.lag_seconds)} назад")
        if self.state == "ok":
            note = f"; внимание: {self.warning}" if self.warning else ""
            return f"{self.noun} работает, последний успешный опрос {since}{note}"
        error = f": {self.last_error}" if self.last_error else ""
        if self.state == "stale":
            return f"{self.noun} не обновляется, последний успешный опрос {since}{error}"
        return f"Ошибка {_GENITIVE.get(self.noun, self.noun)} (попыток: {self.error_count}){error}"


def ago(seconds: float) -> str:
    """«45 с», «5 мин», «2 ч 5 мин»."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} с"
    if seconds < 3600:
        return f"{seconds // 60} мин"
    return f"{seconds // 3600} ч {seconds % 3600 // 60} мин"


def load_state(store: Store, feed_id: str) -> SavedState:
    """The saved cursor and ETag of ``feed_id`` (empty for a new feed)."""
    with store.engine.connect() as conn:
        row = conn.execute(select(FeedState.cursor, FeedState.etag)
                           .where(FeedState.feed_id == state_key(feed_id))).first()
    return SavedState(decode_cursor(row.cursor), decode_cursor(row.etag)) if row else SavedState()


def _upsert(conn: Connection, feed_id: str, values: dict[str, object]) -> None:
    key = state_key(feed_id)
    done = conn.execute(update(FeedState).where(FeedState.feed_id == key).values(**values))
    if done.rowcount == 0:
        conn.execute(insert(FeedState).values({"error_count": 0, "messages_total": 0, **values, "feed_id": key}))


def save_page(conn: Connection, feed_id: str, state: SavedState, added: int, warning: str | None = None) -> None:
    """Commit the cursor with the page's messages (same transaction) and mark the poll successful."""
    now = utcnow()
    _upsert(conn, feed_id, {"cursor": encode_cursor(state.cursor), "etag": encode_cursor(state.etag),
                            "last_attempt_at": now, "last_success_at": now, "error_count": 0,
                            "warning": _clean(warning)})
    conn.execute(update(FeedState).where(FeedState.feed_id == state_key(feed_id))
                 .values(messages_total=FeedState.messages_total + added))


def _clean(text: str | None, limit: int = 2000) -> str | None:
    if text is None:
        return None
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")[:limit]


def mark_success(store: Store, feed_id: str, warning: str | None = None) -> None:
    """A poll that found nothing new (304 or an empty page) still proves the feed alive."""
    now = utcnow()
    with store.engine.begin() as conn:
        _upsert(conn, feed_id, {"last_attempt_at": now, "last_success_at": now, "error_count": 0,
                                "warning": _clean(warning)})


def mark_error(store: Store, feed_id: str, error: str) -> None:
    """Record a failed poll; consecutive failures are counted until the next success."""
    now = utcnow()
    with store.engine.begin() as conn:
        _upsert(conn, feed_id, {"last_attempt_at": now, "last_error": _clean(error), "last_error_at": now})
        conn.execute(update(FeedState).where(FeedState.feed_id == state_key(feed_id))
                     .values(error_count=FeedState.error_count + 1))


def feed_health(store: Store, feed_id: str, interval_s: float, now: datetime | None = None) -> FeedHealth:
    """Health of ``feed_id``: stale when no success within ``STALE_INTERVALS`` polling intervals."""
    now = now or utcnow()
    with store.session() as session:
        row = session.get(FeedState, state_key(feed_id))
        if row is None:
            return FeedHealth(feed_id, "waiting", now, None, None, None, 0, 0, None)
        lag = (now - row.last_success_at).total_seconds() if row.last_success_at else None
        return FeedHealth(feed_id, _state(row, lag, interval_s), now, row.last_success_at, row.last_attempt_at,
                          row.last_error if row.error_count else None, row.error_count, row.messages_total, lag,
                          row.warning)


def refreshed(health: FeedHealth, interval_s: float, now: datetime) -> FeedHealth:
    """``health`` re-judged at ``now`` without the database (lag grows, ok turns stale)."""
    lag = (now - health.last_success_at).total_seconds() if health.last_success_at else None
    state = health.state
    if lag is not None and lag > STALE_INTERVALS * interval_s:
        state = "stale"
    return replace(health, checked_at=now, lag_seconds=lag, state=state)


def _state(row: FeedState, lag: float | None, interval_s: float) -> str:
    if lag is not None and lag > STALE_INTERVALS * interval_s:
        return "stale"
    if lag is None and row.error_count >= STALE_INTERVALS:
        return "stale"
    if row.error_count:
        return "error"
    return "ok" if lag is not None else "waiting"
