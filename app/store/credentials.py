"""Database passwords never go into the settings file.

The settings file keeps the URL *without* the password (``settings_url``).
The password comes, in this order, from:

1. the OS keyring (``keyring`` package: Windows Credential Locker, macOS
   Keychain, Secret Service on Linux desktops) under service ``opershtab``
   and the user name ``user@host:port/database``;
2. libpq itself, which psycopg uses: ``PGPASSWORD`` (environment), the
   password file (``PGPASSFILE`` or ``~/.pgpass``, ``%APPDATA%\\postgresql\\pgpass.conf``),
   or a service file entry (``postgresql+psycopg:///?service=opershtab`` with
   ``PGSERVICEFILE`` or ``~/.pg_service.conf``). Nothing to do in the app:
   a URL without a password lets libpq look there.

``describe_source`` tells the settings dialog which of these is in use.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url

log = logging.getLogger(__name__)
SERVICE = "opershtab"


def _keyring() -> Any:
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    return None if isinstance(keyring.get_keyring(), fail.Keyring) else keyring


def account(url: str | URL) -> str:
    """The keyring user name for a database URL: ``user@host:port/database``."""
    parsed = make_url(url)
    return f"{parsed.username or ''}@{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"


def settings_url(url: str) -> str:
    """``url`` without its password: the only form written to the settings file."""
    parsed = make_url(url)
    bare = URL.create(parsed.drivername, parsed.username, None, parsed.host, parsed.port, parsed.database,
                      parsed.query)
    return bare.render_as_string(hide_password=False)


def save_password(url: str, password: str) -> bool:
    """Put ``password`` into the OS keyring; False when no keyring is available."""
    backend = _keyring()
    if backend is None:
        return False
    backend.set_password(SERVICE, account(url), password)
    return True


def forget_password(url: str) -> None:
    """Remove the stored password of ``url`` from the keyring, if any."""
    backend = _keyring()
    if backend is not None:
        try:
            backend.delete_password(SERVICE, account(url))
        except Exception:  # not stored: nothing to forget
            log.debug("no keyring entry for %s", account(url))


def connect_url(url: str) -> str:
    """The URL to connect with: the keyring password added when the URL has none."""
    parsed = make_url(url)
    if parsed.password or parsed.get_backend_name() != "postgresql":
        return url
    backend = _keyring()
    password = backend.get_password(SERVICE, account(parsed)) if backend else None
    return parsed.set(password=password).render_as_string(hide_password=False) if password else url


def _passfile() -> Path:
    if os.environ.get("PGPASSFILE"):
        return Path(os.environ["PGPASSFILE"])
    if os.name == "nt":
        return Path(os.environ.get("APPDATA", "")) / "postgresql" / "pgpass.conf"
    return Path.home() / ".pgpass"


def describe_source(url: str) -> str:
    """Where the password for ``url`` comes from, in Russian, for the settings dialog."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return "локальная база: пароль не нужен"
    if parsed.password:
        return "пароль в адресе подключения (не сохраняется в настройках)"
    backend = _keyring()
    if backend and backend.get_password(SERVICE, account(parsed)):
        return "пароль в хранилище ОС (keyring)"
    if os.environ.get("PGPASSWORD"):
        return "пароль из переменной окружения PGPASSWORD"
    if "service" in parsed.query:
        return f"служба libpq «{parsed.query['service']}» (pg_service.conf)"
    if _passfile().is_file():
        return f"файл паролей libpq {_passfile()}"
    return "пароль не задан (доверенный вход или запрос у сервера)"
