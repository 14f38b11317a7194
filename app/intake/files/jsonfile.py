"""JSON (an array of objects, or an object holding one), GeoJSON, Telegram exports and JSON Lines, as streams.

A JSON document is walked with ``JsonReader``: the records of its list are read one at a
time, so a file of any size costs the memory of one record. What the document is, is
decided by its keys met before the list («type»: «FeatureCollection» → GeoJSON; «messages»
with «name»/«type»/«id» → a Telegram chat; «chats»/«left_chats» → the whole Telegram export).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from app.intake.files.geojson import feature_row
from app.intake.files.jsonstream import JsonReader, JsonStreamError
from app.intake.files.table import SourceRow, Table, file_rejection, json_raw, with_headers
from app.intake.files.telegram import TELEGRAM, chat_rows
from app.intake.jsonpage import BadItem
from app.intake.validate import Rejection

LIST_KEYS = ("items", "messages", "data", "rows", "records", "results", "features")
MAX_LINE = 16 << 20  # bytes of one JSON Lines record
CONTEXT_CHARS = 64 * 1024


def parse_json(data: bytes) -> object:
    """The document, or a ``ValueError`` with a Russian reason."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"файл не в кодировке UTF-8 (байт {exc.start})") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"повреждённый JSON: {exc.msg}, строка {exc.lineno}, столбец {exc.colno}") from exc


def object_row(item: object, location: str, source: str) -> SourceRow | Rejection:
    if isinstance(item, BadItem):
        return file_rejection(source, location, item.reason, item.raw)
    if not isinstance(item, dict):
        return file_rejection(source, location, "запись не является объектом JSON", json_raw(item))
    return SourceRow(location, json_raw(item), {str(k): v for k, v in item.items()})


# JSON Lines --------------------------------------------------------------------------
def read_jsonl(path: Path, source: str) -> Table:
    """One JSON object per line, read line by line; a broken or overlong line is rejected on its own."""
    headers, rows = with_headers(_jsonl_rows(path.open("rb"), source))
    return Table("jsonl", source, headers, rows)


def _jsonl_rows(stream: BinaryIO, source: str) -> Iterator[SourceRow | Rejection]:
    with stream:
        number = 0
        while line := stream.readline(MAX_LINE):
            number += 1
            if len(line) == MAX_LINE and not line.endswith(b"\n"):
                while (rest := stream.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                    pass
                yield file_rejection(source, f"строка {number}", f"строка длиннее {MAX_LINE >> 20} МБ", "")
            elif line.strip():
                yield _line_row(line, f"строка {number}", source)


def _line_row(line: bytes, location: str, source: str) -> SourceRow | Rejection:
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError:
        return file_rejection(source, location, "недопустимая кодировка строки (не UTF-8)",
                              line.decode("utf-8", "replace"))
    try:
        item = json.loads(text)
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        from app.intake.jsonpage import reason_of

        return file_rejection(source, location, reason_of(exc), text)
    return object_row(item, location, source)


# JSON documents ----------------------------------------------------------------------
def looks_like_jsonl(path: Path) -> bool:
    """A «.json» file that is JSON Lines: an object, a line break, another object."""
    with path.open("rb") as stream:
        head = stream.read(1 << 16)
    first, _, rest = head.strip().partition(b"\n")
    return first.startswith(b"{") and rest.lstrip().startswith(b"{") and first.rstrip().endswith(b"}")


def read_json(path: Path, source: str) -> Table:
    """Rows of a JSON document of any size (its kind decided by the keys before its list)."""
    if looks_like_jsonl(path):
        return read_jsonl(path, source)
    rows = _document_rows(path, source)
    kind = next(rows)
    assert isinstance(kind, str)
    headers, rest = with_headers(rows)  # type: ignore[arg-type]
    return Table(kind, TELEGRAM if kind == "telegram" else source, headers, rest,
                 "telegram" if kind == "telegram" else "")


def _document_rows(path: Path, source: str) -> Iterator[object]:
    """First the document's kind («json», «geojson», «telegram»), then its rows."""
    stream = path.open("rb")
    reader = JsonReader(stream)
    try:
        char = reader.peek()
        if char == "[":
            yield "json"
            for index in reader.elements():
                yield object_row(reader.leaf(), f"запись {index + 1}", source)
        elif char == "{":
            yield from _object_rows(reader, source)
        else:
            yield "json"
            yield file_rejection(source, "файл", "в JSON не найден список записей", "")
    except JsonStreamError as exc:
        yield file_rejection(source, "файл", str(exc), "")
    except UnicodeDecodeError as exc:
        yield file_rejection(source, "файл", f"файл не в кодировке UTF-8: {exc.reason}", "")
    finally:
        stream.close()


def _object_rows(reader: JsonReader, source: str) -> Iterator[object]:
    context: dict[str, object] = {}
    announced = False
    for key in reader.members():
        if key in ("chats", "left_chats") and reader.peek() == "{":
            if not announced:
                yield "telegram"
                announced = True
            yield from _export_chats(reader)
        elif key in LIST_KEYS and reader.peek() == "[" and not announced:
            kind = _kind(key, context)
            yield kind
            announced = True
            yield from _list_rows(reader, kind, context, source)
        elif reader.peek() in "[{" and key not in ("properties",):
            reader.skip()
        else:
            context[key] = reader.leaf()
    if not announced:
        yield "json"
        yield file_rejection(source, "файл", "в JSON не найден список записей",
                             json_raw(context)[:CONTEXT_CHARS])


def _kind(key: str, context: dict[str, object]) -> str:
    if context.get("type") == "FeatureCollection" or key == "features":
        return "geojson"
    if key == "messages" and ("type" in context or "name" in context):
        return "telegram"
    return "json"


def _list_rows(reader: JsonReader, kind: str, context: dict[str, object], source: str) -> Iterator[object]:
    if kind == "telegram":
        yield from chat_rows(reader, context)
        return
    for index in reader.elements():
        item = reader.leaf()
        if kind == "geojson":
            yield feature_row(item, f"объект {index + 1}", source)
        else:
            yield object_row(item, f"запись {index + 1}", source)


def _export_chats(reader: JsonReader) -> Iterator[object]:
    """The whole «Export Telegram data»: ``chats.list`` / ``left_chats.list``, each chat's messages."""
    for key in reader.members():
        if key != "list" or reader.peek() != "[":
            reader.skip()
            continue
        for _ in reader.elements():
            if reader.peek() != "{":
                reader.skip()
                continue
            context: dict[str, object] = {}
            for field in reader.members():
                if field == "messages" and reader.peek() == "[":
                    yield from chat_rows(reader, context)
                elif reader.peek() in "[{":
                    reader.skip()
                else:
                    context[field] = reader.leaf()
