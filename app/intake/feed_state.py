"""Feed state in the database (cursor, ETag, health) and the health shown to the operator."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from app.common.timeutil import utcnow
from app.store.engine import Store
from app.store.models import FeedState

STALE_INTERVALS = 3


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

    @property
    def is_warning(self) -> bool:
        return self.state in ("stale", "error")

    @property
    def label(self) -> str:
        """A one-line Russian status: «Лента работает, опрос 12 с назад», «Лента молчит 5 мин: …»."""
        if self.state == "waiting":
            return "Лента: ожидание первого опроса"
        since = "ещё не было" if self.lag_seconds is None else f"{ago(self.lag_seconds)} назад"
        if self.state == "ok":
            return f"Лента работает, последний успешный опрос {since}"
        error = f": {self.last_error}" if self.last_error else ""
        if self.state == "stale":
            return f"Лента не обновляется, последний успешный опрос {since}{error}"
        return f"Ошибка ленты (попыток: {self.error_count}){error}"


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
        row = conn.execute(select(FeedState.cursor, FeedState.etag).where(FeedState.feed_id == feed_id)).first()
    return SavedState(row.cursor, row.etag) if row else SavedState()


def _upsert(conn: Connection, feed_id: str, values: dict[str, object]) -> None:
    done = conn.execute(update(FeedState).where(FeedState.feed_id == feed_id).values(**values))
    if done.rowcount == 0:
        conn.execute(insert(FeedState).values({"error_count": 0, "messages_total": 0, **values, "feed_id": feed_id}))


def save_page(conn: Connection, feed_id: str, state: SavedState, added: int) -> None:
    """Commit the cursor with the page's messages (same transaction) and mark the poll successful."""
    now = utcnow()
    _upsert(conn, feed_id, {"cursor": state.cursor, "etag": state.etag, "last_attempt_at": now,
                            "last_success_at": now, "error_count": 0})
    conn.execute(update(FeedState).where(FeedState.feed_id == feed_id)
                 .values(messages_total=FeedState.messages_total + added))


def mark_success(store: Store, feed_id: str) -> None:
    """A poll that found nothing new (304 or an empty page) still proves the feed alive."""
    now = utcnow()
    with store.engine.begin() as conn:
        _upsert(conn, feed_id, {"last_attempt_at": now, "last_success_at": now, "error_count": 0})


def mark_error(store: Store, feed_id: str, error: str) -> None:
    """Record a failed poll; consecutive failures are counted until the next success."""
    now = utcnow()
    with store.engine.begin() as conn:
        _upsert(conn, feed_id, {"last_attempt_at": now, "last_error": error[:2000], "last_error_at": now})
        conn.execute(update(FeedState).where(FeedState.feed_id == feed_id)
                     .values(error_count=FeedState.error_count + 1))


def feed_health(store: Store, feed_id: str, interval_s: float, now: datetime | None = None) -> FeedHealth:
    """Health of ``feed_id``: stale when no success within ``STALE_INTERVALS`` polling intervals."""
    now = now or utcnow()
    with store.session() as session:
        row = session.get(FeedState, feed_id)
        if row is None:
            return FeedHealth(feed_id, "waiting", now, None, None, None, 0, 0, None)
        lag = (now - row.last_success_at).total_seconds() if row.last_success_at else None
        return FeedHealth(feed_id, _state(row, lag, interval_s), now, row.last_success_at, row.last_attempt_at,
                          row.last_error if row.error_count else None, row.error_count, row.messages_total, lag)


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
