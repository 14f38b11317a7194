"""kill -9 during a file import and during a feed poll: whole batches only, exactly once after a re-run."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.intake.feed import FeedPoller
from app.intake.files import import_files
from drills.core import Checks, counts, drill, integrity, temp_store
from drills.feed_drills import QuietServer, _config
from tests.faulty_server import sent_messages

ROOT = Path(__file__).resolve().parents[1]
ROWS = 10_000
IMPORT_CHILD = """
import sys
from pathlib import Path
from app.intake.files import import_files
from app.store.engine import Store
print("start", flush=True)
import_files(Store(sys.argv[1]), [Path(sys.argv[2])], progress=lambda n: print(n, flush=True))
"""
POLL_CHILD = """
import sys
from app.intake.feed import FeedConfig, FeedPoller
from app.store.engine import Store
config = FeedConfig(url=sys.argv[2], feed_id="drill", page_size=50, read_timeout=5.0)
print("start", flush=True)
FeedPoller(Store(sys.argv[1]), config).poll_once()
"""


def _csv(path: Path) -> Path:
    lines = ["id;Дата;Текст;Источник"] + [f"r{i:05d};22.04.2023 {10 + i // 3600 % 10:02d}:{i // 60 % 60:02d}:"
                                          f"{i % 60:02d};Нет света, сообщение {i};vk" for i in range(ROWS)]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _kill_after(args: list[str], delay: float, rows_seen: int = 0) -> None:
    """Start a child, wait for "start" and for ``rows_seen`` reported rows, then ``delay`` s; SIGKILL it."""
    child = subprocess.Popen([sys.executable, "-c", *args], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    child.stdout.readline()  # "start": the interpreter and the store are up
    while rows_seen > 0:
        line = child.stdout.readline().strip()
        if not line or (line.isdigit() and int(line) >= rows_seen):
            break
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    child.stdout.close()


@drill("crash: kill -9 during import", f"SIGKILL a CSV import of {ROWS:,} rows at 2 random moments, then re-run")
def kill_import(checks: Checks) -> None:
    rng = random.Random()
    for trial in range(2):  # tests/test_kill9.py kills it at ten more moments
        with temp_store() as (store, tmp):
            csv = _csv(tmp / "rows.csv")
            target = rng.randrange(1, ROWS // 1000) * 1000
            _kill_after([IMPORT_CHILD, store.url, str(csv)], rng.uniform(0, 0.05), target)
            partial = counts(store)[0]
            summary = import_files(store, [csv])
            total, distinct = counts(store)
            checks.note(f"trial {trial + 1}: {partial} rows committed before the kill; re-run: {summary.line}")
            checks.check(partial % 1000 == 0, f"trial {trial + 1}: only whole batches of 1,000 committed ({partial})")
            checks.check(total == distinct == ROWS,
                         f"trial {trial + 1}: {ROWS:,} rows exactly once ({total}, {distinct})")
            checks.check(integrity(store) == "ok", f"trial {trial + 1}: PRAGMA integrity_check = ok")


@drill("crash: kill -9 during poll", "SIGKILL a poller process mid-feed (slow pages), then poll again from its cursor")
def kill_poll(checks: Checks) -> None:
    n = 1000
    with temp_store() as (store, _), QuietServer(sent_messages(n), ["timeout"] * 40, stall_s=0.1) as server:
        _kill_after([POLL_CHILD, store.url, server.url], random.uniform(0.8, 2.0))
        partial = counts(store)[0]
        poller = FeedPoller(store, _config(server.url), wait=lambda _s: False)
        result = poller.poll_once()
        poller.close()
        total, distinct = counts(store)
        checks.note(f"{partial} messages committed before the kill; next poll: {result.summary.line}")
        checks.check(0 < partial < n, f"the kill landed mid-feed ({partial} of {n} stored)")
        checks.check(partial % 50 == 0, "only whole pages committed (cursor in the same transaction)")
        checks.check(total == distinct == n, f"all {n} messages exactly once after resuming ({total}, {distinct})")
        checks.check(integrity(store) == "ok", "PRAGMA integrity_check = ok")
