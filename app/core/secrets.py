"""The feed's access token: in the OS keyring when one is available, otherwise only in memory.

The token is never a settings field (settings are stored in the shared database and
exported); ``persistent`` tells the settings dialog which of the two places holds it.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)
SERVICE = "opershtab"
ACCOUNT = "feed-token"


def _keyring() -> Any:
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        return None if isinstance(keyring.get_keyring(), fail.Keyring) else keyring
    except Exception:  # a broken desktop keyring must not stop the program
        log.warning("keyring unavailable", exc_info=True)
        return None


class FeedSecrets:
    """Where this seat keeps the feed token."""

    def __init__(self, backend: Any = None, use_keyring: bool = True) -> None:
        self._backend = backend if backend is not None else (_keyring() if use_keyring else None)
        self._memory: str | None = None

    @property
    def persistent(self) -> bool:
        """True when the token is kept in the OS keyring (survives a restart)."""
        return self._backend is not None

    def token(self) -> str | None:
        """The stored token, or None."""
        if self._backend is None:
            return self._memory
        try:
            return self._backend.get_password(SERVICE, ACCOUNT) or None
        except Exception:
            log.warning("feed token unreadable from the keyring", exc_info=True)
            return self._memory

    def set_token(self, token: str | None) -> None:
        """Store ``token`` (None or empty: forget it)."""
        self._memory = token or None
        if self._backend is None:
            return
        try:
            if token:
                self._backend.set_password(SERVICE, ACCOUNT, token)
            else:
                self._backend.delete_password(SERVICE, ACCOUNT)
        except Exception:  # nothing stored to delete, or a locked keyring: the memory copy still serves
            log.warning("feed token not written to the keyring", exc_info=True)
