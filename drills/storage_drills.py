"""Disk full during an import (small tmpfs, else an SQLite page limit) and a database locked by another process."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from app.intake.files import import_files
from app.store.engine import Store
from drills.core import Checks, counts, drill, integrity, temp_store
from drills.crash_drills import ROOT, _csv

LOCKER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _mount_tmpfs(where: Path, size_kb: int) -> bool:
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)],
                          capture_output=True, text=True)
    return done.returncode == 0


def _full_import(store: Store, csv: Path, checks: Checks, how: str) -> None:
    error = None
    try:
        summary = import_files(store, [csv])
        checks.note(f"import finished without error: {summary.line}")
    except Exception as exc:  # the application's own error, as the operator would get it
        error = f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"
    checks.note(f"limit: {how}; error: {error}")
    checks.check(error and ("full" in error or "полон" in error), "the import stops with a clear «disk is full» error")
    stored = counts(store)[0]
    checks.check(stored % 1000 == 0, f"only whole batches stored ({stored})")
    store.engine.dispose()
    checker = Store(store.url)
    checks.check(integrity(checker) == "ok", "PRAGMA integrity_check = ok afterwards")
    checker.close()


@drill("storage: disk full during import", "import 10,000 rows into a database on a 1.5 MB tmpfs (root) "
       "or, without mount rights, under PRAGMA max_page_count")
def disk_full(checks: Checks) -> None:
    with temp_store() as (template, tmp):
        template.close()
        csv = _csv(tmp / "rows.csv")
        mount = Path(tempfile.mkdtemp(prefix="opershtab-full-"))
        size_kb = (tmp / "drill.sqlite3").stat().st_size // 1024 + 1536
        mounted = _mount_tmpfs(mount, size_kb)
        try:
            shutil.copy(tmp / "drill.sqlite3", mount / "db.sqlite3")
            store = Store(f"sqlite:///{mount / 'db.sqlite3'}")
            how = f"tmpfs of {size_kb} KB"
            if not mounted:
                limit = int(Path(mount / "db.sqlite3").stat().st_size // 4096 + 300)
                event.listen(store.engine, "connect", lambda c, _r: c.execute(f"PRAGMA max_page_count={limit}"))
                how = f"PRAGMA max_page_count={limit} (no tmpfs: mount not permitted)"
            _full_import(store, csv, checks, how)
            store.close()
        finally:
            if mounted:
                subprocess.run(["umount", str(mount)], check=False)
            shutil.rmtree(mount, ignore_errors=True)


@drill("storage: database locked by another process", "another process holds BEGIN EXCLUSIVE on the file "
       "longer than the 30 s busy timeout while we import; then it exits and we import again")
def locked(checks: Checks) -> None:
    with temp_store() as (store, tmp):
        csv = _csv(tmp / "rows.csv")
        path = store.url.split("///", 1)[1]
        locker = subprocess.Popen([sys.executable, "-c", LOCKER, path, "45"], cwd=ROOT, stdout=subprocess.PIPE,
                                  text=True)
        assert locker.stdout is not None
        locker.stdout.readline()
        started, error = time.monotonic(), None
        try:
            import_files(store, [csv])
        except Exception as exc:
            error = f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"
        waited = time.monotonic() - started
        locker.kill()
        locker.wait()
        locker.stdout.close()
        checks.note(f"error after {waited:.0f} s: {error}")
        checks.check(error and "locked" in error, "the import fails with «database is locked», not a hang or a crash")
        checks.check(counts(store)[0] == 0, "nothing half-written")
        summary = import_files(store, [csv])
        checks.check(summary.imported == 10_000, f"after the lock is released the import completes ({summary.line})")
        checks.check(integrity(store) == "ok", "PRAGMA integrity_check = ok")
