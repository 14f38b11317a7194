"""The database goes away under intake: a full disk (Russian, data intact), a PostgreSQL restart and a 15 s
outage during ``import`` and ``poll`` (reconnect, continue, nothing lost or twice), kill -9 mid source poll."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from app.intake.connectors import SourceSpec
from app.intake.sources import source_poller
from app.store.engine import Store, open_store
from bench.bench_memory import write_csv
from drills.core import Checks, counts, drill, integrity, temp_store
from drills.feed_drills import QuietServer
from drills.private_pg import PrivatePostgres
from tests.faulty_server import sent_messages
from tests.source_servers import TOKEN, VkServer, vk_post

ROOT = Path(__file__).resolve().parents[1]
OUTAGE_S = 15.0


def _pg_counts(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT count(*), count(DISTINCT external_id) FROM messages")).one()
    engine.dispose()
    return int(row[0]), int(row[1])


def _wait_rows(url: str, rows: int, child: subprocess.Popen[str], limit_s: float = 120.0) -> int:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and child.poll() is None:
        try:
            if (seen := _pg_counts(url)[0]) >= rows:
                return seen
        except Exception:
            pass
        time.sleep(0.2)
    return -1


def _outage(pg: PrivatePostgres, checks: Checks, what: str) -> None:
    pg.stop("fast")
    checks.note(f"{what}: server stopped; {OUTAGE_S:g} s outage")
    time.sleep(OUTAGE_S)
    pg.start()


@drill("postgresql: restart and 15 s outage during import", "python main.py import of 30,000 rows into a private "
       "PostgreSQL; the server is stopped mid-import, kept down 15 s, started again")
def pg_import(checks: Checks) -> None:
    with PrivatePostgres() as pg, temp_store() as (template, tmp):
        template.close()
        url = pg.create("drill")
        open_store(url).close()
        csv = tmp / "rows.csv"
        write_csv(csv, 30_000)
        child = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "import", str(csv), "--db", url,
                                  "--no-classify"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        before = _wait_rows(url, 3_000, child)
        _outage(pg, checks, "import")
        out, err = child.communicate(timeout=600)
        total, distinct = _pg_counts(url)
        checks.note(f"{before} rows before the stop; command said: {out.strip()[:200]} {err.strip()[-300:]}")
        checks.check(before > 0, "the server went away mid-import")
        checks.check(child.returncode == 0, "the import survived the restart (exit code 0)")
        checks.check(total == distinct == 30_000, f"30,000 rows exactly once ({total}, {distinct})")


@drill("postgresql: restart and 15 s outage during poll", "python main.py poll --once of a slow 1,500-message "
       "feed into a private PostgreSQL; the server is stopped mid-poll for 15 s")
def pg_poll(checks: Checks) -> None:
    n = 1500
    with PrivatePostgres() as pg, QuietServer(sent_messages(n), ["timeout"] * 30, stall_s=0.2) as server:
        url = pg.create("drill")
        open_store(url).close()
        child = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "poll", "--once", "--url", server.url,
                                  "--page-size", "50", "--db", url], cwd=ROOT, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        before = _wait_rows(url, 200, child)
        _outage(pg, checks, "poll")
        out, err = child.communicate(timeout=600)
        total, distinct = _pg_counts(url)
        checks.note(f"{before} messages before the stop; command said: {out.strip()[-300:]} {err.strip()[-300:]}")
        checks.check(before > 0 and child.returncode == 0, "the poll survived the restart (exit code 0)")
        checks.check(total == distinct == n, f"{n} messages exactly once ({total}, {distinct})")




@drill("storage: disk full during import and poll, said in Russian", "python main.py import and poll into a "
       "database that can grow by ~800 KB only (SQLite max_page_count through a start-up hook)")
def disk_full_cli(checks: Checks) -> None:
    hook = ROOT / "drills" / "_full_disk_hook.py"
    with temp_store() as (store, tmp), QuietServer(sent_messages(20_000), []) as server:
        store.close()
        csv = tmp / "rows.csv"
        write_csv(csv, 30_000)
        env = {"OPERSHTAB_DRILL_PAGE_LIMIT": str((tmp / "drill.sqlite3").stat().st_size // 4096 + 200)}
        for args in (["import", str(csv), "--no-classify"], ["poll", "--once", "--url", server.url]):
            done = subprocess.run([sys.executable, str(hook), *args, "--db", store.url], cwd=ROOT,
                                  capture_output=True, text=True, timeout=300, env={**_env(), **env})
            said = (done.stdout + done.stderr).strip().splitlines()
            checks.note(f"{args[0]}: exit {done.returncode}: {said[-1] if said else ''}")
            checks.check("диск с базой данных заполнен" in done.stderr and "Traceback" not in done.stderr,
                         f"{args[0]}: one Russian sentence, no traceback")
        checker = Store(store.url)
        total, distinct = counts(checker)
        checks.check(integrity(checker) == "ok" and total == distinct,
                     f"the database is intact, nothing twice ({total} stored)")
        checker.close()


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT)}


SOURCE_CHILD = """
import sys
from app.intake.connectors import SourceSpec
from app.intake.sources import source_poller
from app.store.engine import Store
spec = SourceSpec("vk_wall", "drill", sys.argv[2], {"owners": [-1], "comments": False}, 60.0, True, 1, sys.argv[3])
print("start", flush=True)
source_poller(Store(sys.argv[1]), spec).poll_once()
"""


class SlowVk(VkServer):
    def answer(self, path, query, headers):  # type: ignore[no-untyped-def]
        time.sleep(0.15)
        return super().answer(path, query, headers)


@drill("crash: kill -9 during a VK source poll", "SIGKILL a process polling a 2,000-post VK wall (slow answers) "
       "at 2 random moments, then poll again from its cursor")
def kill_source(checks: Checks) -> None:
    now = int(time.time())
    posts = [vk_post(-1, i, now - 3600 + i, f"Нет света, дом {i}") for i in range(2000, 0, -1)]
    for trial in range(2):
        with temp_store() as (store, _), SlowVk({-1: posts}) as server:
            child = subprocess.Popen([sys.executable, "-c", SOURCE_CHILD, store.url, server.url, TOKEN], cwd=ROOT,
                                     stdout=subprocess.PIPE, text=True, env=_env())
            assert child.stdout is not None
            child.stdout.readline()
            time.sleep(random.uniform(0.8, 2.5))
            child.send_signal(signal.SIGKILL)
            child.wait(30)
            child.stdout.close()
            partial = counts(store)[0]
            spec = SourceSpec("vk_wall", "drill", server.url, {"owners": [-1], "comments": False}, 60.0, True, 1, TOKEN)
            result = source_poller(store, spec).poll_once()
            total, distinct = counts(store)
            checks.note(f"trial {trial + 1}: {partial} stored before the kill; next poll: {result.summary.line}")
            checks.check(partial % 100 == 0 and total == distinct == 2000,
                         f"trial {trial + 1}: whole pages only, then 2,000 posts exactly once ({total}, {distinct})")
            checks.check(integrity(store) == "ok", f"trial {trial + 1}: PRAGMA integrity_check = ok")


