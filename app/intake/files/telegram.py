"""Telegram Desktop chat or channel export (result.json)."""

from __future__ import annotations

from collections.abc import Mapping

from app.intake.files.table import SourceRow, Table, file_rejection, json_raw
from app.intake.validate import Rejection

SOURCE = "telegram"
HEADERS = ("id", "date", "from", "text")


def is_telegram_export(document: object) -> bool:
    return (isinstance(document, Mapping) and isinstance(document.get("messages"), list)
            and ("type" in document or "name" in document))


def read_telegram(document: Mapping[str, object], _source: str) -> Table:
    """Rows of the export's messages; service messages (joins, pins) are not citizen messages."""
    chat_id = document.get("id", document.get("name", ""))
    messages = document.get("messages")
    assert isinstance(messages, list)
    rows: list[SourceRow | Rejection] = []
    for index, message in enumerate(messages, start=1):
        if isinstance(message, Mapping) and message.get("type", "message") != "message":
            continue
        rows.append(_row(message, chat_id, index, document.get("name")))
    return Table("telegram", SOURCE, HEADERS, rows)


def _row(message: object, chat_id: object, index: int, chat_name: object) -> SourceRow | Rejection:
    location = f"сообщение {index}"
    if not isinstance(message, Mapping):
        return file_rejection(SOURCE, location, "сообщение не является объектом JSON", json_raw(message))
    number = message.get("id")
    values = {
        "id": f"{chat_id}:{number}" if number is not None else None,
        "date": message.get("date_unixtime") or message.get("date"),
        "from": message.get("from") or (chat_name if isinstance(chat_name, str) else None),
        "text": flatten_text(message.get("text")),
    }
    return SourceRow(f"{location} (id {number})", json_raw(message), values)


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
