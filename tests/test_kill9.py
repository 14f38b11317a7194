"""Nothing lost, nothing twice: an import killed with SIGKILL at random points, then re-run."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.intake.files import import_files
from app.store.engine import Store
from app.store.models import Message

ROOT = Path(__file__).resolve().parents[1]
ROWS = 20_000
TRIALS = 10
CHILD = """
import sys
from pathlib import Path
from app.intake.files import import_files
from app.store.engine import Store
store = Store(sys.argv[1])
print("start", flush=True)
import_files(store, [Path(sys.argv[2])], progress=lambda n: print(n, flush=True))
print("done", flush=True)
"""


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("kill9") / "rows.csv"
    lines = ["id;Дата;Текст;Источник"]
    lines += [f"r{i:05d};22.04.2023 {10 + i // 3600 % 10:02d}:{i // 60 % 60:02d}:{i % 60:02d};"
              f"Нет света, сообщение {i};vk" for i in range(ROWS)]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _kill_during_import(url: str, csv: Path, rng: random.Random) -> int:
    """Start the child, let it commit a random number of batches, SIGKILL it; returns rows reported."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, url, str(csv)], cwd=ROOT, stdout=subprocess.PIPE,
                             text=True)
    target, seen = rng.randrange(0, ROWS // 1000), 0
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip().isdigit():
            seen = int(line)
        if (line.strip() == "start" and target == 0) or seen >= target * 1000 > 0:
            break
    time.sleep(rng.uniform(0, 0.08))  # land anywhere inside the next batch
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    child.stdout.close()
    return seen


def test_sigkill_at_random_points_then_rerun(template_db, tmp_path, big_csv):
    rng = random.Random()
    for trial in range(TRIALS):
        path = tmp_path / f"trial{trial}.sqlite3"
        shutil.copy(template_db, path)
        store = Store(f"sqlite:///{path}")
        try:
            reported = _kill_during_import(store.url, big_csv, rng)
            with store.session() as session:
                partial = session.scalar(select(func.count()).select_from(Message))
            assert partial % 1000 == 0 and partial >= reported  # whole batches only
            summary = import_files(store, [big_csv])
            assert summary.imported + summary.duplicates == ROWS and summary.rejected == 0
            with store.session() as session:
                total = session.scalar(select(func.count()).select_from(Message))
                distinct = session.scalar(select(func.count(Message.external_id.distinct())))
                assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert total == distinct == ROWS, (trial, partial)
        finally:
            store.close()


SOURCE_CHILD = """
import sys
from app.intake.connectors import SourceSpec
from app.intake.sources import source_poller
from app.store.engine import Store
spec = SourceSpec("vk_wall", "kill", sys.argv[2], {"owners": [-1], "comments": False}, 60.0, True, 1, sys.argv[3])
print("start", flush=True)
source_poller(Store(sys.argv[1]), spec).poll_once()
"""


def test_sigkill_mid_source_poll_then_poll_again(template_db, tmp_path):
    """A VK wall of 1,500 posts served slowly; the poller process is killed mid-poll, then polled again."""
    from app.intake.connectors import SourceSpec
    from app.intake.sources import source_poller
    from tests.source_servers import TOKEN, VkServer, vk_post

    class SlowVk(VkServer):
        def answer(self, path, query, headers):  # type: ignore[no-untyped-def]
            time.sleep(0.1)
            return super().answer(path, query, headers)

    now = int(time.time())
    posts = [vk_post(-1, i, now - 3600 + i, f"Нет света, дом {i}") for i in range(1500, 0, -1)]
    rng = random.Random()
    for trial in range(2):
        path = tmp_path / f"source{trial}.sqlite3"
        shutil.copy(template_db, path)
        store = Store(f"sqlite:///{path}")
        try:
            with SlowVk({-1: posts}) as server:
                child = subprocess.Popen([sys.executable, "-c", SOURCE_CHILD, store.url, server.url, TOKEN], cwd=ROOT,
                                         stdout=subprocess.PIPE, text=True)
                assert child.stdout is not None
                child.stdout.readline()
                time.sleep(rng.uniform(0.6, 1.5))
                child.send_signal(signal.SIGKILL)
                child.wait(timeout=30)
                child.stdout.close()
                with store.session() as session:
                    partial = session.scalar(select(func.count()).select_from(Message))
                spec = SourceSpec("vk_wall", "kill", server.url, {"owners": [-1], "comments": False}, 60.0, True, 1,
                                  TOKEN)
                source_poller(store, spec).poll_once()
            with store.session() as session:
                total = session.scalar(select(func.count()).select_from(Message))
                distinct = session.scalar(select(func.count(Message.external_id.distinct())))
            assert partial % 100 == 0 and total == distinct == 1500, (trial, partial, total, distinct)
        finally:
            store.close()
