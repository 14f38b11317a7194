"""Telegram Bot API ``getUpdates``: messages and channel posts where the centre's bot is a member.

Updates come in ``update_id`` order; asking with ``offset`` = last id + 1 confirms the
earlier ones, so the offset commits with the page it follows. An ``edited_*`` update
replaces the text of its message (the earlier text is kept in the message's history);
``location`` and ``venue`` give coordinates; a reply keeps its thread. Telegram keeps
unconfirmed updates for 24 hours: a source that was not polled for longer says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from app.intake.connectors.base import (
    Cursor,
    Fetcher,
    Page,
    PollContext,
    SourceError,
    SourceSpec,
    api_payload,
)
from app.intake.http import Reply
from app.intake.jsonpage import BadItem, safe_dumps
from app.intake.validate import RawRecord, Rejection, clip_raw

SOURCE = "telegram"
DEFAULT_BASE = "https://api.telegram.org"
LIMIT = 100
KEPT = timedelta(hours=24)
KINDS = ("message", "channel_post", "edited_message", "edited_channel_post")
ALLOWED = '["message","channel_post","edited_message","edited_channel_post"]'


def _result(reply: Reply) -> list[Any]:
    return api_payload(reply, "Telegram", _refusal, "result", list, "списка «result»")  # type: ignore[no-any-return]


def _refusal(document: Any) -> SourceError | None:
    return _api_error(document) if isinstance(document, dict) and document.get("ok") is False else None


def _api_error(document: dict[str, Any]) -> SourceError:
    code = document.get("error_code")
    description = str(document.get("description") or "")[:200]
    parameters = document.get("parameters") if isinstance(document.get("parameters"), dict) else {}
    if code == 429:
        retry_after = parameters.get("retry_after")  # type: ignore[union-attr]
        delay = float(retry_after) if isinstance(retry_after, int | float) else 5.0
        return SourceError(f"Telegram: слишком много запросов (429), пауза {delay:g} с", delay=delay)
    if code in (401, 404):
        return SourceError(f"Telegram: неверный токен бота ({code})", retry=False)
    if code == 409:
        return SourceError("Telegram: у бота включён webhook или его опрашивает другая программа (409)", retry=False)
    return SourceError(f"Telegram: ошибка {code}: {description}", retry=isinstance(code, int) and code >= 500)


class TelegramBot:
    """``getUpdates`` from ``cursor["offset"]``, a page of at most ``LIMIT`` updates at a time."""

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self.base = (spec.address or DEFAULT_BASE).rstrip("/")

    def pages(self, cursor: Cursor, fetch: Fetcher, context: PollContext) -> Iterator[Page]:
        if not self.spec.secret:
            raise SourceError("не задан токен бота Telegram (хранится в системном хранилище паролей)", retry=False)
        warning = _gap_warning(context)
        offset = cursor.get("offset") if isinstance(cursor.get("offset"), int) else None
        while True:
            params: dict[str, object] = {"limit": LIMIT, "timeout": 0, "allowed_updates": ALLOWED}
            if offset is not None:
                params["offset"] = offset
            updates = fetch.get(f"{self.base}/bot{self.spec.secret}/getUpdates", params, None, _result)[:LIMIT]
            ids = [u["update_id"] for u in updates if isinstance(u, dict) and isinstance(u.get("update_id"), int)]
            if not updates:
                if warning:
                    yield Page([], dict(cursor), warning=warning)
                return
            offset = max(ids) + 1 if ids else offset
            yield Page([self._record(u) for u in updates], {"offset": offset}, warning=warning)
            if len(updates) < LIMIT or not ids:
                return

    def _record(self, update: object) -> RawRecord | Rejection:
        location = f"Telegram «{self.spec.name}»"
        if isinstance(update, BadItem):
            return Rejection(SOURCE, location, update.reason, clip_raw(update.raw))
        raw = safe_dumps(update)
        kind = next((k for k in KINDS if isinstance(update, dict) and isinstance(update.get(k), dict)), None)
        if kind is None:
            return Rejection(SOURCE, location, "обновление Telegram без сообщения", clip_raw(raw))
        fields = message_fields(update[kind], edited=kind.startswith("edited_"))  # type: ignore[index]
        if fields is None:
            return Rejection(SOURCE, location, "у сообщения Telegram нет chat.id и message_id", clip_raw(raw))
        return RawRecord(fields, f"{location}, сообщение {fields['id']}"[:512], raw, SOURCE, SOURCE)


def _gap_warning(context: PollContext) -> str | None:
    if context.last_success_at is not None and context.now - context.last_success_at > KEPT:
        return "источник не опрашивался больше суток: Telegram хранит обновления 24 ч, более ранние могли пропасть"
    return None


def _author(message: dict[str, Any]) -> str | None:
    sender = message.get("from") if isinstance(message.get("from"), dict) else None
    if sender:
        name = f"{sender.get('first_name', '')} {sender.get('last_name', '')}".strip()
        return name or (f"@{sender['username']}" if sender.get("username") else None)
    chat = message.get("sender_chat") if isinstance(message.get("sender_chat"), dict) else message.get("chat")
    return str(chat.get("title") or "") or None if isinstance(chat, dict) else None


def _place(message: dict[str, Any]) -> tuple[object, object, str | None, str]:
    """(lat, lon, address, text of a place) from ``venue`` or ``location``."""
    venue = message.get("venue") if isinstance(message.get("venue"), dict) else None
    where = (venue or {}).get("location") if venue else message.get("location")
    lat, lon = (where.get("latitude"), where.get("longitude")) if isinstance(where, dict) else (None, None)
    if venue:
        title, address = str(venue.get("title") or ""), str(venue.get("address") or "") or None
        return lat, lon, address, ", ".join(p for p in (title, address or "") if p)
    return lat, lon, None, "Геопозиция" if lat is not None else ""


def message_fields(message: dict[str, Any], edited: bool = False) -> dict[str, object] | None:
    """A Bot API message as canonical fields; None without a chat id and a message id."""
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    chat_id, number = chat.get("id"), message.get("message_id")  # type: ignore[union-attr]
    if not isinstance(chat_id, int) or not isinstance(number, int):
        return None
    lat, lon, address, place = _place(message)
    text = message.get("text") or message.get("caption") or place
    username = chat.get("username")  # type: ignore[union-attr]
    reply = message.get("reply_to_message")
    parent = reply.get("message_id") if isinstance(reply, dict) else None
    return {"id": f"{chat_id}:{number}", "time": message.get("date"), "text": text, "author": _author(message),
            "url": f"https://t.me/{username}/{number}" if isinstance(username, str) and username else None,
            "lat": lat, "lon": lon, "address": address, "source": SOURCE,
            "edited": message.get("edit_date") if edited or message.get("edit_date") else None,
            "thread": f"{chat_id}:{parent}" if isinstance(parent, int) else None}
