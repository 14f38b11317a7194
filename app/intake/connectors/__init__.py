"""Connectors: each kind of source turns its answers into pages of records for the one pipeline."""

from __future__ import annotations

from app.intake.connectors.base import Connector, Fetcher, Page, PollContext, SourceError, SourceSpec
from app.intake.connectors.capsource import CapFeed
from app.intake.connectors.open311 import Open311
from app.intake.connectors.poller import SourcePoller, SourcePollResult, SourceStoppedError, load_cursor
from app.intake.connectors.rss import RssFeed
from app.intake.connectors.telegram_bot import TelegramBot
from app.intake.connectors.vk import VkSearch, VkWall

KINDS: dict[str, str] = {
    "vk_wall": "VK: стены сообществ",
    "vk_search": "VK: поиск по ключевым словам",
    "telegram_bot": "Telegram: бот (getUpdates)",
    "rss": "RSS/Atom",
    "open311": "Open311 GeoReport v2",
    "cap": "Предупреждения CAP 1.2",
    "feed": "JSON-лента (протокол Оперштаба)",
}
_FACTORIES = {"vk_wall": VkWall, "vk_search": VkSearch, "telegram_bot": TelegramBot, "rss": RssFeed,
              "open311": Open311, "cap": CapFeed}


class UnknownKindError(ValueError):
    """A source kind the product does not know (the message is Russian)."""


def connector_for(spec: SourceSpec) -> Connector:
    """The connector of ``spec.kind`` (``UnknownKindError`` for an unknown kind)."""
    if spec.kind == "feed":
        from app.intake.connectors.jsonfeed import JsonFeed

        return JsonFeed(spec)
    factory = _FACTORIES.get(spec.kind)
    if factory is None:
        raise UnknownKindError(f"неизвестный вид источника «{spec.kind}»; допустимы: {', '.join(KINDS)}")
    return factory(spec)  # type: ignore[return-value]


__all__ = ["KINDS", "Connector", "Fetcher", "Page", "PollContext", "SourceError", "SourcePollResult", "SourcePoller",
           "SourceSpec", "SourceStoppedError", "UnknownKindError", "connector_for", "load_cursor"]
