"""Change notification between seats.

PostgreSQL: statement-level triggers on ``messages`` and ``incidents`` call
``pg_notify('opershtab_changes', json)`` after every INSERT/UPDATE, so every
writer (intake, feed poller, operator edits, bulk transfer) notifies without
remembering to; the notification is delivered on commit only. The payload is
small: ``{"kind": "insert"|"update", "table": ..., "ids": [...], "count": n,
"max_id": m}``; above ``BULK_IDS`` rows ``ids`` is empty and receivers read
``messages_after(last_seen_id)`` or reload.

``Listener`` is a thread holding one ``LISTEN`` connection with reconnect,
exponential backoff and a heartbeat. Notifications sent while it was
disconnected are lost by design of LISTEN/NOTIFY, so after every (re)connect it
emits ``Change("resync")``: the receiver reloads what it shows.

SQLite has no NOTIFY: ``PollingWatcher`` polls ``max(id)``, ``count(*)`` and
``sum(version)`` of ``messages`` once a second (one cheap aggregate; other
processes' writes become visible through WAL).

Callbacks run on the listener's thread: the Qt side hops to the main thread.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

from app.store.engine import Store

log = logging.getLogger(__name__)

CHANNEL = "opershtab_changes"
BULK_IDS = 200
WATCHED_TABLES = ("messages", "incidents")


class ConnectionState(StrEnum):
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    OFFLINE = "offline"
    LOCAL = "local"  # SQLite: no server, polling the local file


@dataclass(frozen=True)
class Change:
    """What changed. ``ids`` may be partial (bulk) or empty (``resync``: reload everything)."""

    kind: str
    table: str = "messages"
    ids: tuple[int, ...] = ()
    count: int = 0
    max_id: int | None = None

    @property
    def ids_complete(self) -> bool:
        """True when ``ids`` lists every changed row."""
        return self.kind != "resync" and self.count > 0 and len(self.ids) == self.count


ChangeCallback = Callable[[Change], None]
StateCallback = Callable[[ConnectionState], None]


def encode(change: Change) -> str:
    """The NOTIFY payload for ``change`` (ids dropped above ``BULK_IDS``)."""
    ids = list(change.ids) if len(change.ids) <= BULK_IDS else []
    body = {"kind": change.kind, "table": change.table, "ids": ids, "count": change.count or len(change.ids),
            "max_id": change.max_id if change.max_id is not None else max(change.ids, default=None)}
    return json.dumps(body, separators=(",", ":"))


def decode(payload: str) -> Change:
    """Parse a NOTIFY payload; anything unreadable becomes a ``resync``."""
    try:
        body = json.loads(payload)
        return Change(str(body["kind"]), str(body.get("table", "messages")), tuple(int(i) for i in body["ids"]),
                      int(body.get("count", 0)), body.get("max_id"))
    except (ValueError, KeyError, TypeError):
        log.warning("unreadable change payload %r", payload[:200])
        return Change("resync")


def notify_in(conn: Connection, kind: str, ids: Sequence[int] = (), table: str = "messages") -> None:
    """Queue a notification inside the caller's transaction (PostgreSQL; no-op on SQLite)."""
    if conn.dialect.name != "postgresql":
        return
    change = Change(kind, table, tuple(ids), len(ids))
    conn.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": encode(change)})


_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION opershtab_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE n integer; top integer; ids json;
BEGIN
  SELECT count(*), max(id) INTO n, top FROM changed_rows;
  IF n = 0 THEN RETURN NULL; END IF;
  IF n <= {BULK_IDS} THEN SELECT json_agg(id ORDER BY id) INTO ids FROM changed_rows;
  ELSE ids := '[]'::json; END IF;
  PERFORM pg_notify('{CHANNEL}', json_build_object('kind', lower(TG_OP), 'table', TG_TABLE_NAME,
                                                   'ids', ids, 'count', n, 'max_id', top)::text);
  RETURN NULL;
END $$
"""

_TRIGGER_SQL = """
CREATE OR REPLACE TRIGGER opershtab_notify_{op}_{table} AFTER {OP} ON {table}
REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION opershtab_notify_change()
"""


def notify_trigger_statements() -> list[str]:
    """DDL of the notify triggers (idempotent; a migration can run it as is on PostgreSQL)."""
    triggers = [_TRIGGER_SQL.format(op=op, OP=op.upper(), table=table)
                for table in WATCHED_TABLES for op in ("insert", "update")]
    return [_FUNCTION_SQL, *triggers]


def triggers_present(engine: Engine) -> bool:
    """True on PostgreSQL when every notify trigger exists."""
    query = text("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'opershtab_notify_%' AND NOT tgisinternal")
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one()) >= 2 * len(WATCHED_TABLES)


def install_notify_triggers(store: Store) -> bool:
    """Create the notify triggers on PostgreSQL if missing; False on SQLite."""
    if store.engine.dialect.name != "postgresql":
        return False
    if not triggers_present(store.engine):
        with store.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(4242, 1)"))  # seats starting together
            for statement in notify_trigger_statements():
                conn.execute(text(statement))
    return True


def libpq_conninfo(url: str) -> str:
    """A SQLAlchemy ``postgresql+psycopg://`` URL as a libpq ``key=value`` connection string."""
    from psycopg.conninfo import make_conninfo

    parsed = make_url(url)
    params: dict[str, str | int | None] = {"host": parsed.host, "port": parsed.port, "user": parsed.username,
                                 "password": parsed.password, "dbname": parsed.database}
    params.update({key: value if isinstance(value, str) else value[-1] for key, value in parsed.query.items()})
    return make_conninfo("", **{key: value for key, value in params.items() if value not in (None, "")})


def _safe_call(callback: Callable[[object], None] | None, value: object) -> None:
    if callback is None:
        return
    try:
        callback(value)
    except Exception:
        log.exception("sync callback failed")


class _Watcher:
    """Thread plumbing shared by both watchers: start, stop, state changes."""

    def __init__(self, on_change: ChangeCallback, on_state: StateCallback | None) -> None:
        self._on_change, self._on_state = on_change, on_state
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.state: ConnectionState | None = None

    def start(self) -> None:
        """Start the background thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to end and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        raise NotImplementedError

    def _set_state(self, state: ConnectionState) -> None:
        if state != self.state:
            self.state = state
            _safe_call(self._on_state, state)  # type: ignore[arg-type]

    def _emit(self, change: Change) -> None:
        _safe_call(self._on_change, change)  # type: ignore[arg-type]


class Listener(_Watcher):
    """``LISTEN`` on PostgreSQL with reconnect and backoff; ``resync`` after every connect.

    States: ``connected``; ``reconnecting`` after a loss; ``offline`` after
    ``offline_after`` failed attempts in a row (it keeps trying at ``max_backoff``).
    """

    def __init__(self, url: str, on_change: ChangeCallback, on_state: StateCallback | None = None, *,
                 channel: str = CHANNEL, min_backoff: float = 0.25, max_backoff: float = 8.0,
                 offline_after: int = 4, heartbeat: float = 5.0) -> None:
        super().__init__(on_change, on_state)
        self._conninfo, self._channel = libpq_conninfo(url), channel
        self._min_backoff, self._max_backoff = min_backoff, max_backoff
        self._offline_after, self._heartbeat = offline_after, heartbeat
        self.connects = 0
        self._last_beat = 0.0

    def _run(self) -> None:
        import psycopg

        failures = 0
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=3, keepalives=1,
                                     keepalives_idle=5, keepalives_interval=2, keepalives_count=2,
                                     application_name="opershtab-listener") as conn:
                    conn.execute(f'LISTEN "{self._channel}"')
                    failures = 0
                    self._connected()
                    self._pump(conn)
            except psycopg.Error as exc:
                log.info("listener connection lost: %s", exc)
            if self._stop.is_set():
                break
            failures += 1
            self._set_state(ConnectionState.RECONNECTING if failures < self._offline_after
                            else ConnectionState.OFFLINE)
            self._stop.wait(min(self._max_backoff, self._min_backoff * 2 ** (failures - 1)))

    def _connected(self) -> None:
        self.connects += 1
        self._set_state(ConnectionState.CONNECTED)
        self._emit(Change("resync"))  # whatever happened while we were not listening

    def _pump(self, conn: object) -> None:
        """Deliver notifications until stopped; a heartbeat query detects half-open links."""
        while not self._stop.is_set():
            received = False
            for note in conn.notifies(timeout=min(0.5, self._heartbeat)):  # type: ignore[attr-defined]
                received = True
                self._emit(decode(note.payload))
            if not received:
                self._beat(conn)

    def _beat(self, conn: object) -> None:
        now = time.monotonic()
        if now - self._last_beat >= self._heartbeat:
            conn.execute("SELECT 1")  # type: ignore[attr-defined]
            self._last_beat = now


_POLL_SQL = text("SELECT coalesce(max(id), 0), count(*), coalesce(sum(version), 0) FROM messages")
_NEW_IDS_SQL = text("SELECT id FROM messages WHERE id > :after ORDER BY id LIMIT :limit")


class PollingWatcher(_Watcher):
    """SQLite fallback: one aggregate query every ``interval`` seconds (default 1 s)."""

    def __init__(self, store: Store, on_change: ChangeCallback, on_state: StateCallback | None = None,
                 interval: float = 1.0) -> None:
        super().__init__(on_change, on_state)
        self._store, self._interval = store, interval
        self._last: tuple[int, int, int] | None = None

    def _run(self) -> None:
        self._set_state(ConnectionState.LOCAL)
        while not self._stop.is_set():
            try:
                self._poll()
            except Exception:
                log.exception("local change poll failed")
            self._stop.wait(self._interval)

    def _poll(self) -> None:
        with self._store.engine.connect() as conn:
            top, count, versions = conn.execute(_POLL_SQL).one()
            previous, self._last = self._last, (int(top), int(count), int(versions))
            if previous is None:
                self._emit(Change("resync"))
            elif top > previous[0]:
                ids = conn.execute(_NEW_IDS_SQL, {"after": previous[0], "limit": BULK_IDS}).scalars()
                self._emit(Change("insert", "messages", tuple(ids), count - previous[1], int(top)))
            if previous is not None and versions - previous[2] > count - previous[1]:
                self._emit(Change("update", "messages", (), 0, int(top)))  # which rows: unknown, reload


def watch(store: Store, on_change: ChangeCallback, on_state: StateCallback | None = None) -> _Watcher:
    """The right watcher for ``store`` (not started): ``Listener`` on PostgreSQL, polling on SQLite."""
    if store.engine.dialect.name == "postgresql":
        return Listener(store.url, on_change, on_state)
    return PollingWatcher(store, on_change, on_state)
