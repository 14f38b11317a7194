"""Opening the core: a database URL checked and migrated, the region and pack of this run.

Every failure a user can cause (an unknown scheme, a missing SQLite file for a
command that only reads, an unreachable server, a broken pack given on the
command line) is a ``CoreOpenError`` with one Russian sentence, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from app.common.files import os_reason
from app.common.paths import default_db_url
from app.core.core import Clock, Core
from app.region import RegionPackError, UnknownRegionError
from app.settings import SettingsError
from app.store import Store, open_store
from app.sync.seats import Seat, open_seat_store

SCHEMES = ("sqlite", "postgresql")


class CoreOpenError(RuntimeError):
    """The core cannot be opened; ``str()`` is one Russian sentence for the user."""


def _url(text: str | None) -> URL:
    try:
        url = make_url(text or default_db_url())
    except ArgumentError as exc:
        raise CoreOpenError(f"Адрес базы данных не распознан: «{text}». Пример: sqlite:///путь/к/файлу.sqlite3 "
                            "или postgresql+psycopg://пользователь@сервер/база") from exc
    if url.get_backend_name() not in SCHEMES:
        raise CoreOpenError(f"Неподдерживаемый вид базы данных «{url.drivername}»: допустимы sqlite и postgresql")
    return url


def _sqlite_path(url: URL) -> Path | None:
    database = url.database
    return Path(database) if url.get_backend_name() == "sqlite" and database and database != ":memory:" else None


def _server(url: URL) -> str:
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def _store(text: str | None, create: bool, seat: Seat | None) -> Store:
    url = _url(text)
    path = _sqlite_path(url)
    if path is not None and not path.exists():
        if not create:
            raise CoreOpenError(f"База данных не найдена: {path}. Проверьте путь или создайте новую "
                                "(команда с --create)")
        if not path.parent.is_dir():
            raise CoreOpenError(f"Папка для базы данных не существует: {path.parent}")
    rendered = url.render_as_string(hide_password=False)
    try:
        if seat is not None and not seat.can_write:
            return open_seat_store(rendered, seat)
        return open_store(rendered)
    except NoSuchModuleError as exc:
        raise CoreOpenError(f"Драйвер базы данных «{url.drivername}» не установлен") from exc
    except DBAPIError as exc:
        if url.get_backend_name() == "postgresql":
            raise CoreOpenError(f"Сервер базы данных {_server(url)} недоступен или отказал в подключении") from exc
        raise CoreOpenError(f"База данных {path or url} не открывается: файл повреждён или занят") from exc
    except OSError as exc:
        raise CoreOpenError(f"База данных не открывается: {os_reason(exc)}") from exc


def open_core(url: str | None = None, *, region: str | None = None, region_pack: str | None = None,
              population: str | None = None, create: bool = True, seat: Seat | None = None,
              clock: Clock | None = None) -> Core:
    """The core on the database at ``url`` (default: the user's SQLite file).

    ``region`` serves that subject for this run (and is remembered when none was chosen);
    ``region_pack`` loads, remembers and applies that pack. ``create=False`` refuses to
    create a SQLite file that does not exist (commands that only read).
    """
    store = _store(url, create, seat)
    try:
        core = Core(store, clock)
        if region:
            core.use_region(region)
        if region_pack:
            core.load_pack(region_pack, population)
    except (UnknownRegionError, RegionPackError, SettingsError) as exc:
        store.close()
        raise CoreOpenError(str(exc)) from exc
    except BaseException:
        store.close()
        raise
    return core
