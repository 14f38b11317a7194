"""Throw-away PostgreSQL databases and peer processes (another seat) for the sync tests."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

PG_ADMIN_URL = os.environ.get("OPERSHTAB_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
ROOT = Path(__file__).resolve().parents[1]


def admin_engine():
    """AUTOCOMMIT engine on the maintenance database, or skip when no server answers."""
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        engine.connect().close()
    except Exception as exc:
        pytest.skip(f"no PostgreSQL server at {PG_ADMIN_URL}: {exc}")
    return engine


@contextmanager
def pg_database(prefix: str = "opershtab_sync") -> Iterator[str]:
    """A fresh empty database; dropped (with its connections) afterwards."""
    admin = admin_engine()
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?")[0]


def terminate_backends(url: str) -> int:
    """Kill every server connection to the database of ``url``; returns how many."""
    admin = admin_engine()
    with admin.connect() as conn:
        killed = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE datname = :d AND pid <> pg_backend_pid()"),
                              {"d": database_name(url)}).scalar_one()
    admin.dispose()
    return int(killed)


def allow_connections(url: str, allowed: bool) -> None:
    """Open or close the database for new connections (a server outage without a restart)."""
    admin = admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{database_name(url)}" ALLOW_CONNECTIONS {str(allowed).lower()}'))
    admin.dispose()


class Peer:
    """Another application instance: a child process speaking JSON lines (see tests/sync_peer.py)."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.sync_peer", *args], cwd=ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.events.put(json.loads(line))

    def send(self, **command: Any) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10.0) -> dict[str, Any]:
        """The first event (new or already seen) matching ``predicate``."""
        for event in self.seen:
            if predicate(event):
                return event
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                break
            self.seen.append(event)
            if predicate(event):
                return event
        raise AssertionError(f"no matching event within {timeout} s; seen: {self.seen[-5:]}")

    def drain(self) -> list[dict[str, Any]]:
        while not self.events.empty():
            self.seen.append(self.events.get())
        return self.seen

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)


def wait_until(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    """Poll ``condition`` (threads' results, no Qt loop here) until true or fail."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)
