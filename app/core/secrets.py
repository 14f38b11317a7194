"""The feed's access token: in the OS keyring when one is available, otherwise only in memory.

The token is never a settings field (settings are stored in the shared database and
exported); ``persistent`` tells the settings dialog which of the two places holds it.
The keyring itself is reached through intake's one wrapper (``app.intake.sources.Secrets``),
which also keeps the configured sources' keys.
"""

from __future__ import annotations

from typing import Any

from app.intake.sources import Secrets

SERVICE = "opershtab"
ACCOUNT = "feed-token"


class FeedSecrets:
    """Where this seat keeps the feed token."""

    def __init__(self, backend: Any = None, use_keyring: bool = True) -> None:
        self._keys = Secrets(backend, use_keyring, service=SERVICE)

    @property
    def persistent(self) -> bool:
        """True when the token is kept in the OS keyring (survives a restart)."""
        return self._keys.persistent

    def token(self) -> str | None:
        """The stored token, or None."""
        return self._keys.get_account(ACCOUNT)

    def set_token(self, token: str | None) -> None:
        """Store ``token`` (None or empty: forget it)."""
        self._keys.put_account(ACCOUNT, token)
