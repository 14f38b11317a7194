"""Shared fixtures: offscreen Qt, a migrated template database copied per test, one web context."""

from __future__ import annotations

import gc
import importlib.util
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

# Before anything imports Qt: offscreen platform, no sandbox as root, no user data.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
os.environ["OPERSHTAB_DATA_DIR"] = tempfile.mkdtemp(prefix="opershtab-test-data-")

import uuid

import pytest
from sqlalchemy import Engine, create_engine, text

from app.common.timeutil import set_local_zone
from app.core import Core
from app.intake.writer import store_incoming
from app.region import region
from app.settings import Settings, save_settings
from app.store.engine import Store, open_store
from tests.fixtures import fixture_messages

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
# DB=postgresql runs every test that uses ``store`` on a fresh PostgreSQL database.
USE_POSTGRESQL = os.environ.get("DB") == "postgresql"
PG_ADMIN_URL = os.environ.get("OPERSHTAB_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


FIXTURE_REGION = "RU-KDA"  # the storm fixtures of tests/fixtures.py lie in Krasnodar Krai
QT_AVAILABLE = importlib.util.find_spec("PySide6") is not None
_NEEDS_QT = re.compile(r"qtbot|qapp|web_context|\bwidgets\b|\bmaps\.|PySide6|pyqtgraph")


_DATABASE_FIXTURES = {"store", "core", "fixture_store", "pg_template"}


def _uses_database(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & _DATABASE_FIXTURES) or item.get_closest_marker("database") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without Qt, tests marked ``gui`` (commands that open Qt in a child process) are deselected.
    With DB=postgresql only the tests that open a database run again: the rest would repeat the SQLite pass."""
    kept = items
    if not QT_AVAILABLE:
        kept = [item for item in kept if item.get_closest_marker("gui") is None]
    if USE_POSTGRESQL:
        kept = [item for item in kept if _uses_database(item)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """In the headless job (Qt uninstalled) only the Qt-free test modules are collected."""
    if QT_AVAILABLE or collection_path.suffix != ".py" or not collection_path.name.startswith("test_"):
        return None
    return True if _NEEDS_QT.search(collection_path.read_text(encoding="utf-8")) else None


def pytest_configure(config: pytest.Config) -> None:
    try:
        from maps.qt.web import register_app_scheme
    except ImportError:  # the headless job: Qt is not installed, only the Qt-free tests run
        return
    register_app_scheme()  # must precede the QApplication that pytest-qt creates


@pytest.fixture(autouse=True)
def main_thread_gc(request: pytest.FixtureRequest) -> Iterator[None]:
    """With Qt, garbage is collected on the main thread only (as the application does), and after each test."""
    if QT_AVAILABLE and {"qapp", "qtbot"} & set(request.fixturenames):
        from widgets.shell.qtapp import collect_garbage_in_main_thread

        collect_garbage_in_main_thread(request.getfixturevalue("qapp"))
    yield
    if not gc.isenabled():
        gc.collect()


@pytest.fixture(autouse=True)
def fixture_zone() -> Iterator[None]:
    """Every test starts in the fixtures' region's local time (a core or a test may change it)."""
    set_local_zone(region(FIXTURE_REGION).zone)
    yield
    set_local_zone(region(FIXTURE_REGION).zone)


def _with_fixture_region(store: Store) -> Store:
    save_settings(store, Settings(region=FIXTURE_REGION))
    return store


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated empty SQLite database, built once per session."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _with_fixture_region(open_store(f"sqlite:///{path}")).close()
    return path


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def pg_template() -> Iterator[tuple[Engine, str]]:
    """A migrated PostgreSQL database, built once per session and cloned per test."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        admin.connect().close()
    except Exception as exc:
        pytest.skip(f"DB=postgresql, but no PostgreSQL server at {PG_ADMIN_URL}: {exc}")
    name = f"opershtab_tmpl_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    _with_fixture_region(open_store(_pg_url(name))).close()  # TEMPLATE needs it without connections
    yield admin, name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def _pg_store(request: pytest.FixtureRequest) -> Iterator[Store]:
    admin, template = request.getfixturevalue("pg_template")
    name = f"opershtab_t_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    db = Store(_pg_url(name))
    try:
        yield db
    finally:
        db.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh migrated database for one test: a copy of the SQLite template, or with
    DB=postgresql a PostgreSQL database cloned from the session's template database."""
    if USE_POSTGRESQL:
        yield from _pg_store(request)
        return
    path = tmp_path / "test.sqlite3"
    shutil.copy(request.getfixturevalue("template_db"), path)
    db = Store(f"sqlite:///{path}")
    yield db
    db.close()


@pytest.fixture
def core(store: Store) -> Core:
    """The core on the test's database (region: the fixtures'); the window and commands use the same."""
    return Core(store)


@pytest.fixture
def fixture_store(store: Store) -> Store:
    """The database holding the known storm fixture of tests/fixtures.py."""
    store_incoming(store, fixture_messages())
    return store


@pytest.fixture(scope="session")
def web_context(qapp):
    """One off-the-record profile for the session; deleted after every view."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from maps.qt.web import WebContext

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
