"""What the operator window itself does when the core announces changed settings.

Most views follow the core on their own (map: pack and region framing; analytics and
wall: crisis, calendar, population; briefing desk: schedule). The window keeps what
belongs to it: its title, the palette, the feed poller and the notice of fields that
act only after a restart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.common.changes import Changes, Kind
from app.core import Core
from app.settings import meta_of
from widgets.shell.theme import apply_theme

if TYPE_CHECKING:
    from widgets.shell.main_window import MainWindow

FEED_KEYS = frozenset({"feed_url", "feed_interval_s", "feed_stale_after_s", "feed_token"})
WINDOW_TITLE = "Оперштаб"


def window_title(window: MainWindow) -> str:
    region = window.core.region
    return f"{WINDOW_TITLE} — {region.name if region else 'регион не выбран'}"


def restart_labels(keys: frozenset[str]) -> list[str]:
    """Labels of ``keys`` that act only after a restart (the feed token is no field)."""
    return [meta_of(key)["label"] for key in sorted(keys - {"feed_token"}) if meta_of(key)["applies"] == "restart"]


def react(window: MainWindow, changes: Changes) -> None:
    """Apply the window's part of ``changes``."""
    keys = changes.settings
    if changes.touches(Kind.REGION):
        window.region = window.core.region.name if window.core.region else "регион не выбран"
        window.setWindowTitle(window_title(window))
    if "theme" in keys:
        apply_theme(window.core.settings.theme)
    if keys & FEED_KEYS and window.live is not None:
        runner = window.live.reconfigure()
        window.set_feed_state_text("Лента перезапущена с новыми настройками" if runner else "Лента не настроена")


def saved_text(keys: frozenset[str]) -> str:
    """What the status bar says once the dialog's changes are stored."""
    later = restart_labels(keys)
    return "Настройки сохранены" + (". После перезапуска вступит в силу: " + "; ".join(later) if later else "")


def store_settings(core: Core, values: dict[str, Any], token: str | None = None) -> None:
    """Apply the dialog's ``values`` through the core (worker thread); a new pack places the messages again."""
    pack = values.get("region_pack")
    if pack:
        population = values.get("population_file", core.settings.population_file)
        core.load_pack(pack, population or None)
    core.update_settings(**values)  # the pack's fields are already stored: not announced twice
    if token is not None:
        core.set_feed_token(token)
