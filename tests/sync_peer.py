"""A second application instance for the sync tests, run as ``python -m tests.sync_peer``.

``seat URL``: listens for changes (keeping a mirror of message ids the way a
view does: add notified ids, reload on ``resync``) and executes JSON commands
from stdin. ``poller URL FEED NAME``: a minimal feed poller that fetches only
while it holds the feed lease. Events go to stdout as JSON lines.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.intake.writer import Incoming, store_incoming
from app.ops.messages import update_message
from app.store.engine import Store
from app.store.models import Message
from app.sync.lease import feed_lease
from app.sync.notify import Change, ConnectionState, Listener

_lock = threading.Lock()


def emit(event: str, **body: Any) -> None:
    with _lock:
        print(json.dumps({"event": event, "t": time.time(), **body}), flush=True)


def incoming(tag: str, i: int) -> Incoming:
    return Incoming("peer", f"Нет света, дом {i}", datetime(2026, 11, 24, 12, tzinfo=UTC), external_id=f"{tag}-{i}")


class Seat:
    def __init__(self, url: str) -> None:
        self.store = Store(url)
        self.mirror: set[int] = set()
        self.listener = Listener(url, self.on_change, self.on_state, min_backoff=0.1, max_backoff=1.0)

    def on_state(self, state: ConnectionState) -> None:
        emit("state", state=str(state))

    def on_change(self, change: Change) -> None:
        if change.ids_complete:
            self.mirror |= set(change.ids)
        else:
            self.reload()
        emit("change", kind=change.kind, ids=list(change.ids), count=change.count, mirror=len(self.mirror))

    def reload(self) -> None:
        for _attempt in range(50):
            try:
                with self.store.engine.connect() as conn:
                    self.mirror = set(conn.execute(select(Message.id)).scalars())
                return
            except OperationalError:
                time.sleep(0.1)

    def insert(self, tag: str, n: int, **_: Any) -> None:
        started = time.time()
        result = store_incoming(self.store, [incoming(tag, i) for i in range(n)])
        emit("done", op="insert", tag=tag, ids=list(result.new_ids), started=started)

    def stream(self, tag: str, n: int, **_: Any) -> None:
        """One message per transaction, retried after a lost connection (dedupe makes it idempotent)."""
        retries = 0
        for i in range(n):
            while True:
                try:
                    store_incoming(self.store, [incoming(tag, i)])
                    break
                except OperationalError:
                    retries += 1
                    time.sleep(0.05)
        emit("done", op="stream", tag=tag, retries=retries)

    def update(self, id: int, version: int, status: str, **_: Any) -> None:
        result = update_message(self.store, id, version, status=status)
        emit("done", op="update", outcome=result.outcome, version=result.current.version if result.current else None,
             status=result.current.fields["status"] if result.current else None)

    def report(self, req: int = 0, **_: Any) -> None:
        emit("mirror", req=req, ids=sorted(self.mirror))

    def run(self) -> None:
        self.listener.start()
        for line in sys.stdin:
            command = json.loads(line)
            if command["op"] == "quit":
                break
            getattr(self, command["op"])(**command)
        self.listener.stop()
        self.store.close()


def poll_loop(url: str, feed: str, name: str) -> None:
    store = Store(url)
    lease = feed_lease(store, feed)
    n = 0
    while True:
        if not lease.held and lease.acquire():
            emit("lease", name=name)
        if lease.still_held():
            store_incoming(store, [Incoming(f"feed:{feed}", f"опрос {n}", datetime.now(UTC),
                                            external_id=f"{name}-{n}")])
            emit("poll", name=name, n=n)
            n += 1
        time.sleep(0.05)


if __name__ == "__main__":
    if sys.argv[1] == "seat":
        Seat(sys.argv[2]).run()
    else:
        poll_loop(*sys.argv[2:5])
