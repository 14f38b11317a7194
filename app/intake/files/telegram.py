"""Telegram Desktop exports: one chat's ``result.json`` and the whole «Export Telegram data».

A message's identity is Telegram's own «chat_id:message_id», with the chat id written as the
Bot API writes it (−100… for channels and supergroups, − for groups), so a message met in an
export and through the centre's bot is one message. Text is a string or a list of strings and
entity fragments; the time is ``date_unixtime`` (``date`` is the exporting computer's local
time without a zone); a shared location (``location_information``) gives the coordinates.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from app.intake.files.jsonstream import JsonReader
from app.intake.files.table import SourceRow, file_rejection, json_raw
from app.intake.jsonpage import BadItem
from app.intake.validate import Rejection

TELEGRAM = "telegram"
HEADERS = ("id", "date", "from", "text", "lat", "lon", "address", "edited", "thread")
_BOT_PREFIX = {"public_channel": "-100", "private_channel": "-100", "public_supergroup": "-100",
               "private_supergroup": "-100", "private_group": "-"}


def bot_chat_id(context: Mapping[str, object]) -> str:
    """The chat id as the Bot API writes it."""
    chat = context.get("id", context.get("name", ""))
    prefix = _BOT_PREFIX.get(str(context.get("type", "")), "")
    return f"{prefix}{chat}" if isinstance(chat, int) and chat > 0 else str(chat)


def chat_rows(reader: JsonReader, context: Mapping[str, object]) -> Iterator[SourceRow | Rejection]:
    """Rows of the chat's messages (the reader at its ``messages`` list); service messages are skipped."""
    chat_id, chat_name = bot_chat_id(context), context.get("name")
    for index in reader.elements():
        message = reader.leaf()
        if isinstance(message, Mapping) and message.get("type", "message") != "message":
            continue
        yield _row(message, chat_id, index + 1, chat_name)


def _row(message: object, chat_id: str, index: int, chat_name: object) -> SourceRow | Rejection:
    location = f"сообщение {index}"
    if isinstance(message, BadItem):
        return file_rejection(TELEGRAM, location, message.reason, message.raw)
    if not isinstance(message, Mapping):
        return file_rejection(TELEGRAM, location, "сообщение не является объектом JSON", json_raw(message))
    number = message.get("id")
    lat, lon, place = _place(message)
    text = flatten_text(message.get("text"))
    reply = message.get("reply_to_message_id")
    values = {
        "id": f"{chat_id}:{number}" if number is not None else None,
        "date": message.get("date_unixtime") or message.get("date"),
        "from": message.get("from") or (chat_name if isinstance(chat_name, str) else None),
        "text": text if text or not place else place, "lat": lat, "lon": lon,
        "address": message.get("place_name") or message.get("address"),
        "edited": message.get("edited_unixtime") or None,
        "thread": f"{chat_id}:{reply}" if isinstance(reply, int) else None,
    }
    return SourceRow(f"{location} (id {number})", json_raw(message), values)


def _place(message: Mapping[str, object]) -> tuple[object, object, str]:
    """(lat, lon, text for a message that is only a place) of a shared location or venue."""
    where = message.get("location_information")
    if not isinstance(where, Mapping):
        return None, None, ""
    title = " ".join(str(message.get(k) or "") for k in ("place_name", "address")).strip()
    return where.get("latitude"), where.get("longitude"), title or "Геопозиция"


def flatten_text(text: object) -> object:
    """Telegram text: a string, or a list of strings and {"type": …, "text": …} fragments."""
    if not isinstance(text, list):
        return text
    parts = []
    for part in text:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, Mapping) and isinstance(part.get("text"), str):
            parts.append(part["text"])
    return "".join(parts)
