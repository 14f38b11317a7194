"""PostgreSQL benchmark: sustained import of 100,000 messages, and seat-to-seat latency.

    .venv/bin/python bench/bench_pg.py [--messages 100000] [--batch 1000] [--pings 100]

Creates and drops its own database on the server of OPERSHTAB_PG_ADMIN_URL
(default postgres@127.0.0.1:5432). Latency is measured from the start of the
writing transaction in this process to the moment the change arrives in the
Qt main thread of another process (offscreen ``SyncBridge``: notify-to-screen,
without painting). Prints Markdown table rows.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from app.intake.writer import Incoming, store_incoming  # noqa: E402
from app.store.engine import Store, open_store  # noqa: E402
from app.sync.notify import install_notify_triggers  # noqa: E402
from bench.common import emit  # noqa: E402

ADMIN = os.environ.get("OPERSHTAB_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
START = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
CATEGORIES = ("power", "water", "heating", "storm", "flood", "roads")


def messages(tag: str, first: int, count: int) -> list[Incoming]:
    return [Incoming("bench", f"Нет света на улице Красной, дом {i % 300}, третий час", START + timedelta(seconds=i),
                     external_id=f"{tag}-{i}", lat=45.0 + (i % 1000) / 1e4, lon=38.9 + (i % 700) / 1e4,
                     settlement="Краснодар", region="Краснодарский край", category=CATEGORIES[i % 6])
            for i in range(first, first + count)]


def child(url: str) -> int:
    """The other seat: print the arrival time of every change on the Qt main thread."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QTimer

    from app.store.engine import Store
    from widgets.tasks.sync_bridge import SyncBridge

    app = QCoreApplication([])
    bridge = SyncBridge(Store(url))
    bridge.stateChanged.connect(lambda s: print(json.dumps({"state": s}), flush=True))
    bridge.changed.connect(lambda c: print(json.dumps({"t": time.time(), "ids": list(c.ids)}), flush=True))
    bridge.start()
    QTimer.singleShot(600_000, app.quit)
    app.exec()
    return 0


def import_rate(store: Store, total: int, batch: int, parts: int = 5) -> tuple[float, list[float]]:
    """Overall rate, and the rate of each of ``parts`` consecutive slices (for medians with min–max)."""
    started, part_rates = time.perf_counter(), []
    edges = [total * k // parts for k in range(parts + 1)]
    for low, high in itertools.pairwise(edges):
        part_started = time.perf_counter()
        for first in range(low, high, batch):
            store_incoming(store, messages("bulk", first, min(batch, high - first)))
        part_rates.append((high - low) / (time.perf_counter() - part_started))
    return total / (time.perf_counter() - started), part_rates


def latencies(store: Store, peer: subprocess.Popen, pings: int) -> list[float]:
    result = []
    for i in range(pings):
        sent = time.time()
        new_id = store_incoming(store, messages("ping", i, 1)).new_ids[0]
        while True:
            event = json.loads(peer.stdout.readline())  # type: ignore[union-attr]
            if new_id in event.get("ids", ()):
                break
        result.append(event["t"] - sent)
        time.sleep(0.02)
    return result


def wait_connected(peer: subprocess.Popen) -> None:
    while json.loads(peer.stdout.readline()).get("state") != "connected":  # type: ignore[union-attr]
        pass


def run(args: argparse.Namespace, url: str) -> None:
    store = open_store(url)
    install_notify_triggers(store)
    peer = subprocess.Popen([sys.executable, __file__, "--child", url], stdout=subprocess.PIPE, text=True)
    try:
        wait_connected(peer)
        rate, part_rates = import_rate(store, args.messages, args.batch)
        lat = sorted(latencies(store, peer, args.pings))
    finally:
        peer.kill()
        peer.wait()
        store.close()
    p95 = lat[int(0.95 * (len(lat) - 1))]
    if args.json:
        emit({"messages": args.messages, "rate": rate, "part_rates": part_rates, "latencies_s": lat})
    print("| measurement | value |\n|---|---|")
    print(f"| import of {args.messages:,} messages into PostgreSQL (batches of {args.batch}, notify triggers on) "
          f"| {rate:,.0f} messages/s |")
    print(f"| notify-to-screen latency, other process, {len(lat)} changes | median "
          f"{statistics.median(lat) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms |")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--pings", type=int, default=100)
    parser.add_argument("--child")
    parser.add_argument("--json", action="store_true", help="also print BENCH_JSON for bench/run_all.py")
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    name = f"opershtab_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        run(args, ADMIN.rsplit("/", 1)[0] + "/" + name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    return 0


if __name__ == "__main__":
    sys.exit(main())
