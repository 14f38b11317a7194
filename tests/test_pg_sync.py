"""Several seats on one PostgreSQL server: live changes, conflicts, outages, the one-intake lease.

Seats are real processes (tests/sync_peer.py) on the real server at 127.0.0.1:5432;
the tests skip when no server answers.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select, text

from app.intake.writer import store_incoming
from app.ops.messages import read_state, update_message
from app.ops.opqueue import OpQueue, QueuedAction, replay, submit
from app.store.engine import Store, open_store
from app.store.models import Message
from app.sync.notify import ConnectionState, Listener, install_notify_triggers
from tests.fixtures import fixture_messages
from tests.pg_helpers import Peer, allow_connections, pg_database, terminate_backends, wait_until


@pytest.fixture
def pg_store() -> Iterator[Store]:
    """A migrated throw-away PostgreSQL database with the notify triggers."""
    with pg_database() as url:
        store = open_store(url)
        assert install_notify_triggers(store)
        yield store
        store.close()


@pytest.fixture
def peers(pg_store: Store) -> Iterator[list[Peer]]:
    started: list[Peer] = []
    yield started
    for peer in started:
        peer.close()


def _seat(peers: list[Peer], store: Store) -> Peer:
    peer = Peer("seat", store.url)
    peers.append(peer)
    peer.wait_for(lambda e: e.get("state") == "connected", timeout=20)
    return peer


def _latency(writer: Peer, reader: Peer, tag: str) -> float:
    writer.send(op="insert", tag=tag, n=3)
    done = writer.wait_for(lambda e: e.get("tag") == tag)
    seen = reader.wait_for(lambda e: e["event"] == "change" and set(done["ids"]) <= set(e["ids"]), timeout=5)
    return seen["t"] - done["started"]  # from the start of the writing transaction: an upper bound


def test_two_seats_see_each_others_changes_within_two_seconds(pg_store: Store, peers: list[Peer]) -> None:
    a, b = _seat(peers, pg_store), _seat(peers, pg_store)
    latencies = [_latency(a, b, f"ab{i}") for i in range(5)] + [_latency(b, a, f"ba{i}") for i in range(5)]
    print(f"notify latency between processes: median {statistics.median(latencies) * 1000:.1f} ms, "
          f"max {max(latencies) * 1000:.1f} ms")
    assert max(latencies) < 2.0
    b.send(op="update", id=1, version=1, status="assigned")
    assert b.wait_for(lambda e: e.get("op") == "update")["outcome"] == "updated"
    a.wait_for(lambda e: e["event"] == "change" and e["kind"] == "update" and e["ids"] == [1], timeout=2)


def test_conflicting_edit_is_detected_with_the_fresh_state(pg_store: Store, peers: list[Peer]) -> None:
    message_id = store_incoming(pg_store, fixture_messages()[:1]).new_ids[0]
    a, b = _seat(peers, pg_store), _seat(peers, pg_store)
    a.send(op="update", id=message_id, version=1, status="assigned")
    assert a.wait_for(lambda e: e.get("op") == "update")["outcome"] == "updated"
    b.send(op="update", id=message_id, version=1, status="closed")  # b still saw version 1
    late = b.wait_for(lambda e: e.get("op") == "update")
    assert (late["outcome"], late["version"], late["status"]) == ("conflict", 2, "assigned")
    state = read_state(pg_store, message_id)
    assert state is not None and (state.version, state.fields["status"]) == (2, "assigned")
    with pg_store.engine.connect() as conn:
        assert conn.execute(text("SELECT status FROM status_history")).scalars().all() == ["assigned"]


def test_terminated_backends_mid_stream_lose_nothing(pg_store: Store, peers: list[Peer]) -> None:
    writer, watcher = _seat(peers, pg_store), _seat(peers, pg_store)
    writer.send(op="stream", tag="s", n=300)
    killed = 0
    for _ in range(3):
        time.sleep(0.4)
        killed += terminate_backends(pg_store.url)
    assert killed >= 3  # at least the listeners' and the writer's connections went down
    assert writer.wait_for(lambda e: e.get("op") == "stream", timeout=60)["op"] == "stream"
    watcher.wait_for(lambda e: e.get("state") == "reconnecting")
    with pg_store.engine.connect() as conn:
        stored = set(conn.execute(select(Message.id)).scalars())
    assert len(stored) == 300
    for request in range(25):  # the last notifications may still be in flight
        watcher.send(op="report", req=request)
        mirror = set(watcher.wait_for(lambda e, r=request: e.get("req") == r)["ids"])
        if mirror == stored:
            break
        time.sleep(0.2)
    assert mirror == stored


def test_offline_edits_are_queued_and_replayed(pg_store: Store, tmp_path) -> None:
    first, second = store_incoming(pg_store, fixture_messages()[:2]).new_ids
    states: list[ConnectionState] = []
    listener = Listener(pg_store.url, lambda c: None, states.append, min_backoff=0.05, max_backoff=0.2,
                        offline_after=3)
    listener.start()
    queue = OpQueue(tmp_path / "queue.sqlite3")
    try:
        wait_until(lambda: states[-1:] == [ConnectionState.CONNECTED])
        allow_connections(pg_store.url, False)
        terminate_backends(pg_store.url)
        assert submit(pg_store, queue, QueuedAction(first, 1, {"status": "assigned"})).outcome == "queued"
        assert submit(pg_store, queue, QueuedAction(second, 1, {"status": "closed"})).outcome == "queued"
        wait_until(lambda: ConnectionState.OFFLINE in states)
        assert len(queue) == 2
        allow_connections(pg_store.url, True)
        wait_until(lambda: states[-1:] == [ConnectionState.CONNECTED])
        update_message(pg_store, second, 1, status="in_work")  # another seat was faster
        outcomes = replay(pg_store, queue)
    finally:
        listener.stop()
    assert [o.outcome for o in outcomes] == ["applied", "conflict"]
    assert outcomes[1].current is not None and outcomes[1].current.fields["status"] == "in_work"
    assert len(queue) == 0 and ConnectionState.RECONNECTING in states


def _polls(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        keys = conn.execute(select(Message.external_id).where(Message.source == "feed:f1").order_by(Message.id))
        return [key.split("-")[0] for key in keys.scalars()]


def test_one_poller_holds_the_feed_and_another_takes_over(pg_store: Store, peers: list[Peer]) -> None:
    a = Peer("poller", pg_store.url, "f1", "A")
    peers.append(a)
    a.wait_for(lambda e: e["event"] == "poll" and e["n"] >= 3, timeout=20)
    b = Peer("poller", pg_store.url, "f1", "B")
    peers.append(b)
    a.wait_for(lambda e: e["event"] == "poll" and e["n"] >= 30, timeout=20)  # b had time to try, often
    assert not [e for e in b.drain() if e["event"] in ("lease", "poll")]
    killed_at = time.time()
    a.proc.kill()
    took_over = b.wait_for(lambda e: e["event"] == "poll", timeout=10)
    print(f"failover after {took_over['t'] - killed_at:.2f} s")
    assert took_over["t"] - killed_at < 3.0
    b.wait_for(lambda e: e["event"] == "poll" and e["n"] >= 3)
    order = _polls(pg_store)
    assert order == sorted(order) and {"A", "B"} == set(order)  # all of A's polls, then only B's


def test_wall_bridge_delivers_other_seats_changes_on_the_main_thread(pg_store: Store, peers: list[Peer],
                                                                     qtbot) -> None:
    from PySide6.QtCore import QThread

    from widgets.tasks.sync_bridge import SyncBridge, SyncStatusIndicator

    bridge = SyncBridge(pg_store)
    indicator = SyncStatusIndicator(bridge)
    qtbot.addWidget(indicator)
    threads: list[bool] = []
    bridge.changed.connect(lambda change: threads.append(QThread.currentThread() is indicator.thread()))
    with qtbot.waitSignal(bridge.stateChanged, timeout=10000):
        bridge.start()
    try:
        assert indicator.state == "connected" and "связь есть" in indicator.text()
        operator = _seat(peers, pg_store)
        with qtbot.waitSignal(bridge.changed, timeout=2000,
                              check_params_cb=lambda change: change.kind == "insert" and change.count == 2):
            operator.send(op="insert", tag="wall", n=2)
        assert threads and all(threads)
        with qtbot.waitSignal(bridge.stateChanged, timeout=5000,
                              check_params_cb=lambda state: state == "reconnecting"):
            terminate_backends(pg_store.url)
        assert "переподключение" in indicator.text()
        qtbot.waitUntil(lambda: indicator.state == "connected", timeout=10000)
    finally:
        bridge.stop()


def test_sqlite_seats_see_changes_by_polling(store: Store) -> None:
    from app.sync.notify import Change, PollingWatcher

    changes: list[Change] = []
    watcher = PollingWatcher(store, changes.append, interval=0.1)
    watcher.start()
    try:
        wait_until(lambda: [c.kind for c in changes] == ["resync"])
        peer_store = Store(store.url)  # another connection: what another process would write
        ids = store_incoming(peer_store, fixture_messages()[:3]).new_ids
        wait_until(lambda: any(c.kind == "insert" and c.ids == ids for c in changes))
        update_message(peer_store, ids[0], 1, status="assigned")
        wait_until(lambda: changes[-1].kind == "update")
        peer_store.close()
    finally:
        watcher.stop()
    assert watcher.state == ConnectionState.LOCAL
