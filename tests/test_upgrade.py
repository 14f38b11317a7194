"""Upgrades keep the database: a copy is made before migrating an old-revision SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.store.engine import Store, make_engine, open_store, upgrade
from app.store.upgrade import backup_if_behind, current_revision, head_revision


def _database_at(path: Path, revision: str) -> str:
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine, revision)
    engine.dispose()
    return url


def test_backup_made_before_migrating_old_revision(tmp_path: Path) -> None:
    url = _database_at(tmp_path / "opershtab.sqlite3", "0001")
    with sqlite3.connect(tmp_path / "opershtab.sqlite3") as db:
        db.execute("CREATE TABLE operator_note (text TEXT)")
        db.execute("INSERT INTO operator_note VALUES ('не потерять')")

    backup = backup_if_behind(url)
    open_store(url).close()

    assert backup is not None and backup.name.startswith("opershtab.sqlite3.bak-0001-")
    assert current_revision(backup) == "0001"
    with sqlite3.connect(backup) as db:
        assert db.execute("SELECT text FROM operator_note").fetchall() == [("не потерять",)]
    assert current_revision(tmp_path / "opershtab.sqlite3") == head_revision()


def test_no_backup_at_head_for_new_files_and_other_databases(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'current.sqlite3'}"
    assert backup_if_behind(url) is None  # the file does not exist yet
    Store(url).close()
    open_store(url).close()
    assert backup_if_behind(url) is None  # already at head
    assert backup_if_behind("sqlite://") is None
    assert backup_if_behind("postgresql+psycopg://user@localhost/opershtab") is None
    assert not list(tmp_path.glob("*.bak-*"))
