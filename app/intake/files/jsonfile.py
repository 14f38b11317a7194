"""JSON (an array of objects, or an object holding one) and JSON Lines."""

from __future__ import annotations

import json

from app.intake.files.table import SourceRow, Table, file_rejection, headers_of, json_raw
from app.intake.validate import Rejection

LIST_KEYS = ("items", "messages", "data", "rows", "records", "results")


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


def read_json_document(document: object, source: str) -> Table:
    """Rows of an array of objects or of the first list under a usual key («items», «data»…)."""
    items = document if isinstance(document, list) else _inner_list(document)
    if items is None:
        rejection = file_rejection(source, "файл", "в JSON не найден список записей", json_raw(document))
        return Table("json", source, (), [rejection])
    rows = [_object_row(item, f"запись {i}", source) for i, item in enumerate(items, start=1)]
    return Table("json", source, headers_of(rows), rows)


def _inner_list(document: object) -> list[object] | None:
    if isinstance(document, dict):
        for key in LIST_KEYS:
            if isinstance(document.get(key), list):
                return document[key]  # type: ignore[no-any-return]
    return None


def _object_row(item: object, location: str, source: str) -> SourceRow | Rejection:
    if not isinstance(item, dict):
        return file_rejection(source, location, "запись не является объектом JSON", json_raw(item))
    return SourceRow(location, json_raw(item), {str(k): v for k, v in item.items()})


def read_jsonl(data: bytes, source: str) -> Table:
    """One JSON object per line; a broken line is rejected on its own."""
    rows: list[SourceRow | Rejection] = []
    for number, line in enumerate(data.splitlines(), start=1):
        if line.strip():
            rows.append(_line_row(line, f"строка {number}", source))
    return Table("jsonl", source, headers_of(rows), rows)


def _line_row(line: bytes, location: str, source: str) -> SourceRow | Rejection:
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError:
        return file_rejection(source, location, "недопустимая кодировка строки (не UTF-8)",
                              line.decode("utf-8", "replace"))
    try:
        item = json.loads(text)
    except json.JSONDecodeError as exc:
        return file_rejection(source, location, f"повреждённый JSON: {exc.msg}", text)
    return _object_row(item, location, source)
