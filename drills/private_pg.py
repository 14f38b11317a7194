"""A private PostgreSQL server in a temporary directory, on its own port, that a drill may stop and restart.

Built with the machine's ``initdb``/``pg_ctl`` (``/usr/lib/postgresql/*/bin``); as root the server
runs as the ``postgres`` user (``runuser``), as PostgreSQL refuses to run as root. Trust
authentication on 127.0.0.1 only. The shared server at 5432 is never touched.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from drills.core import SkipDrillError


def _bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivatePostgres:
    """``with PrivatePostgres() as pg: pg.url("db")``; ``pg.stop()``, ``pg.start()``."""

    def __init__(self) -> None:
        self.bin = _bin()
        if self.bin is None:
            raise SkipDrillError("PostgreSQL binaries not found under /usr/lib/postgresql")
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="opershtab-pg-"))
        self.data = self.dir / "data"
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self._as, *args], capture_output=True, text=True, timeout=120, check=check)

    def __enter__(self) -> PrivatePostgres:
        if self._as:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C.UTF-8")
        self.start()
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"), "-o", options,
                  "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create(self, database: str) -> str:
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", database)
        return self.url(database)

    def __exit__(self, *exc: object) -> None:
        self.stop("immediate")
        time.sleep(0.2)
        shutil.rmtree(self.dir, ignore_errors=True)
