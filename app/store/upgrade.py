"""Upgrades keep the database: a copy of the SQLite file is made before migrations run.

The database lives in the user's data directory (``app.common.paths.data_dir``:
``~/.local/share/opershtab`` on Linux, ``%LOCALAPPDATA%\\opershtab`` on Windows,
``~/Library/Application Support/opershtab`` on macOS), outside the install
folder, so installing a new version never touches it. When the new version's
schema is ahead of the file, ``backup_if_behind`` copies the file to
``<name>.bak-<revision>-<UTC timestamp>`` first.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from app.common.paths import default_db_url
from app.store.engine import alembic_config


def head_revision() -> str | None:
    """The newest revision among the migration scripts shipped with this version."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL; None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def current_revision(path: Path) -> str | None:
    """The Alembic revision stamped in the SQLite file (None when never migrated)."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def backup_path(path: Path, revision: str, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return path.with_name(f"{path.name}.bak-{revision}-{stamp}")


def backup_if_behind(url: str | None = None) -> Path | None:
    """Copy the SQLite database when its schema is older than the shipped head; returns the copy.

    Nothing is copied for a new or empty file, a database already at head, or a
    non-SQLite URL (PostgreSQL is backed up by its administrators).
    """
    path = sqlite_path(url or default_db_url())
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return None
    revision = current_revision(path)
    if revision is None or revision == head_revision():
        return None
    target = backup_path(path, revision)
    _copy_sqlite(path, target)
    return target


def _copy_sqlite(source: Path, target: Path) -> None:
    # The online backup API includes pages still in the WAL file, unlike a file copy.
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()
