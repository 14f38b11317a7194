"""Column mapping: which header (or JSON path) holds the text, the date, the address…"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from operator import itemgetter

from app.intake.files.table import SourceRow
from app.intake.validate import RawRecord

FIELDS: tuple[str, ...] = ("id", "time", "text", "author", "source", "url", "address", "settlement",
                           "region", "lat", "lon", "category", "edited", "thread")
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "идентификатор", "ид", "external_id", "message_id", "номер", "№", "uid", "guid"),
    "time": ("дата", "время", "дата и время", "дата публикации", "дата сообщения", "date", "time", "datetime",
             "published_at", "published", "created_at", "created", "timestamp", "date_unixtime"),
    "text": ("текст", "сообщение", "текст сообщения", "содержание", "обращение", "text", "message", "body",
             "content"),
    "author": ("автор", "от", "отправитель", "пользователь", "заявитель", "author", "from", "user", "username"),
    "source": ("источник", "площадка", "соцсеть", "канал", "source", "platform", "network"),
    "url": ("ссылка", "url", "link", "href", "permalink"),
    "address": ("адрес", "место", "address", "location"),
    "settlement": ("населенный пункт", "город", "нп", "settlement", "city", "town"),
    "region": ("регион", "субъект", "region"),
    "lat": ("широта", "lat", "latitude", "geometry_lat"),
    "lon": ("долгота", "lon", "lng", "long", "longitude", "geometry_lon"),
    "category": ("категория", "рубрика", "тема", "category"),
    "edited": ("edited", "edited_at", "дата правки", "изменено", "дата изменения"),
    "thread": ("thread", "parent_id", "reply_to", "обсуждение", "ответ на"),
}


def _key(header: str) -> str:
    return " ".join(header.strip().lower().replace("ё", "е").replace("_", " ").split())


_LOOKUP = {_key(alias): name for name, aliases in ALIASES.items() for alias in aliases}


def detect_mapping(headers: Iterable[str]) -> dict[str, str]:
    """Canonical field → header, from common Russian and English header names (first match wins)."""
    mapping: dict[str, str] = {}
    for header in headers:
        name = _LOOKUP.get(_key(str(header)))
        if name is not None and name not in mapping:
            mapping[name] = header
    return mapping


def merge_mapping(detected: Mapping[str, str], override: Mapping[str, str | None] | None) -> dict[str, str]:
    """The detected mapping with the user's choices on top; an empty choice removes a field."""
    merged = dict(detected)
    for name, header in (override or {}).items():
        if header:
            merged[name] = header
        else:
            merged.pop(name, None)
    return merged


def lookup(values: object, path: str) -> object:
    """A value by key, or by a dotted JSON path («geo.lat», «items.0.text») when no key matches."""
    if isinstance(values, Mapping) and path in values:
        return values[path]
    current = values
    for part in path.split("."):
        if isinstance(current, Mapping):
            current = current.get(part)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
    return current


def record_maker(mapping: Mapping[str, str], source: str, origin: str = "") -> Callable[[SourceRow], RawRecord]:
    """A function turning a file row into a pipeline record under ``mapping``.

    Headers that are plain keys of the row are fetched in one call per row
    (the hot path of spreadsheet imports); JSON paths are looked up one by one.
    """
    names, headers = tuple(mapping), tuple(mapping.values())
    fetch = itemgetter(*headers) if len(headers) > 1 else None

    def make(row: SourceRow) -> RawRecord:
        values = row.values
        try:
            fields = dict(zip(names, fetch(values), strict=True)) if fetch is not None else _fields(values, mapping)
        except (KeyError, TypeError):  # a JSON path («geo.lat») or a key missing from this row
            fields = _fields(values, mapping)
        claimed = fields.get("source")
        if claimed is not None and str(claimed).strip():  # a file never poses as vk: the claim is kept, marked
            fields["source"] = f"{source} ({' '.join(str(claimed).split())})"[:64]
        return RawRecord(fields, row.location, row.raw, source, origin)

    return make


def _fields(values: Mapping[str, object], mapping: Mapping[str, str]) -> dict[str, object]:
    return {name: values[header] if header in values else lookup(values, header) for name, header in mapping.items()}
