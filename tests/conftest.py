"""Shared fixtures: offscreen Qt, a migrated template database copied per test, one web context."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

# Before anything imports Qt: offscreen platform, no sandbox as root, no user data.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
os.environ["OPERSHTAB_DATA_DIR"] = tempfile.mkdtemp(prefix="opershtab-test-data-")

import pytest

from app.intake import store_incoming
from app.store import Store, open_store
from tests.fixtures import fixture_messages

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def pytest_configure(config: pytest.Config) -> None:
    from maps.web import register_app_scheme

    register_app_scheme()  # must precede the QApplication that pytest-qt creates


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated empty SQLite database, built once per session."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    open_store(f"sqlite:///{path}").close()
    return path


@pytest.fixture
def store(template_db: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh migrated database for one test (a copy of the template)."""
    path = tmp_path / "test.sqlite3"
    shutil.copy(template_db, path)
    db = Store(f"sqlite:///{path}")
    yield db
    db.close()


@pytest.fixture
def fixture_store(store: Store) -> Store:
    """The database holding the known storm fixture of tests/fixtures.py."""
    store_incoming(store, fixture_messages())
    return store


@pytest.fixture(scope="session")
def web_context(qapp):
    """One off-the-record profile for the session; deleted after every view."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from maps.web import WebContext

    context = WebContext()
    yield context
    # Views were deleteLater'd by pytest-qt; they must be gone before their profile.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    context.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared region data not found at {SHARED_DATA} (checkout without ../shared)")
    return SHARED_DATA
