"""Validation and normalisation of raw input rows, with clear Russian reasons.

Connectors turn what they read into ``RawRecord`` (canonical field name → raw
value, plus where it came from and the original content). ``validate`` turns a
record into an ``Incoming`` or a ``Rejection`` that names the problem;
``normalise`` tidies an accepted item so it fits the database columns.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from app.intake import Incoming
from app.timeutil import REGION_TZ

MAX_FIELD_BYTES = 1024 * 1024
MAX_RAW_CHARS = 64 * 1024
MAX_ID_CHARS = 128
# Column widths of app/models.Message: longer values are cut, not rejected.
COLUMN_LIMITS = {"source": 64, "author": 256, "url": 1024, "address": 512, "settlement": 128,
                 "municipality": 128, "region": 128}
FIELD_NAMES_RU = {
    "id": "Идентификатор", "time": "Дата", "text": "Текст", "author": "Автор", "url": "Ссылка",
    "lat": "Широта", "lon": "Долгота", "address": "Адрес", "region": "Регион", "source": "Источник",
    "settlement": "Населённый пункт", "category": "Категория",
}
_DATE_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M")
_RU_TIME = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


@dataclass(frozen=True)
class RawRecord:
    """One input row before validation: canonical fields, its place in the input and the original text."""

    fields: Mapping[str, object]
    location: str
    raw: str
    source: str


@dataclass(frozen=True)
class Rejection:
    """A row that could not be accepted, with the reason in Russian and the original content."""

    source: str
    location: str
    reason: str
    raw: str


class InvalidFieldError(ValueError):
    """A field's value is unacceptable; the message is the user-facing reason."""


def validate(record: RawRecord) -> Incoming | Rejection:
    """The record as an ``Incoming``, or a ``Rejection`` explaining the first problem found."""
    try:
        _check_sizes(record.fields)
        return _build(record)
    except InvalidFieldError as exc:
        return reject(record, str(exc))


def reject(record: RawRecord, reason: str) -> Rejection:
    """A rejection of ``record`` with ``reason``; huge originals are cut to ``MAX_RAW_CHARS``."""
    return Rejection(record.source[:64], record.location[:512], reason[:512], clip_raw(record.raw))


def clip_raw(raw: str) -> str:
    """Original content as stored in quarantine: at most ``MAX_RAW_CHARS``, always valid UTF-8."""
    text = raw if len(raw) <= MAX_RAW_CHARS else raw[:MAX_RAW_CHARS] + f"… [обрезано, всего {len(raw)} симв.]"
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")


def _check_sizes(fields: Mapping[str, object]) -> None:
    for name, value in fields.items():
        if isinstance(value, str) and len(value) > MAX_FIELD_BYTES // 4 and _utf8_size(value) > MAX_FIELD_BYTES:
            size = f"{_utf8_size(value) / (1024 * 1024):.1f}".replace(".", ",")
            raise InvalidFieldError(f"поле «{_ru(name)}» слишком большое: {size} МБ (предел 1 МБ)")


def _utf8_size(value: str) -> int:
    return len(value.encode("utf-8", "surrogatepass"))


def _build(record: RawRecord) -> Incoming:
    """The accepted, already normalised item (normalising here saves a second pass per row)."""
    fields = record.fields
    text = _text(fields.get("text"))
    lat, lon = _coordinates(fields.get("lat"), fields.get("lon"))
    return Incoming(
        source=_short(fields, "source") or record.source[:64], text=text,
        published_at=parse_time(fields.get("time")), external_id=_external_id(fields.get("id")),
        author=_short(fields, "author"), url=_short(fields, "url"), lat=lat, lon=lon,
        address=_short(fields, "address"), settlement=_short(fields, "settlement"),
        region=_short(fields, "region"), category=(_short(fields, "category") or "other")[:32],
    )


def _short(fields: Mapping[str, object], name: str) -> str | None:
    """A one-line field: blank runs collapsed, cut to its column width."""
    text = _string(name, fields.get(name))
    if text is None:
        return None
    if "  " in text or "\n" in text or "\t" in text or "\r" in text:
        text = " ".join(text.split())
    limit = COLUMN_LIMITS.get(name)
    return text[:limit] if limit else text


def _ru(name: str) -> str:
    return FIELD_NAMES_RU.get(name, name)


def _string(name: str, value: object) -> str | None:
    """A scalar as text (stripped, NULs removed); containers are a type error."""
    if value is None:
        return None
    if type(value) is not str:
        if isinstance(value, bool | dict | list | tuple):
            raise InvalidFieldError(f"поле «{_ru(name)}»: ожидался текст, получено {type(value).__name__}")
        value = value.isoformat() if isinstance(value, datetime) else str(value)
    if not value.isascii():
        value = _unicode(name, value)
    if "\x00" in value:
        value = value.replace("\x00", "")
    return value.strip() or None


def _unicode(name: str, value: str) -> str:
    """Valid UTF-8 in NFC; lone surrogates (undecodable input bytes) are rejected."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidFieldError(f"поле «{_ru(name)}»: недопустимые символы (не UTF-8)") from exc
    return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)


def _text(value: object) -> str:
    text = _string("text", value)
    if not text:
        raise InvalidFieldError("пустой текст сообщения")
    return text


def _external_id(value: object) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _string("id", value)
    if text is not None and len(text) > MAX_ID_CHARS:
        raise InvalidFieldError(f"идентификатор длиннее {MAX_ID_CHARS} символов")
    return text


def parse_time(value: object) -> datetime:
    """An aware UTC moment from ISO text, «ДД.ММ.ГГГГ ЧЧ:ММ», Unix seconds or a datetime.

    Times without a zone are the region's local time (Europe/Moscow).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidFieldError("не указана дата")
    moment = _moment(value)
    if moment is None:
        raise InvalidFieldError(f"неверная дата: {_shown(value)}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=REGION_TZ)
    if not 2000 <= moment.year <= 2100:
        raise InvalidFieldError(f"дата вне допустимого диапазона: {_shown(value)}")
    return moment.astimezone(UTC)


def _moment(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_unix(float(value))
    if not isinstance(value, str):
        return None
    return _parse_text_time(value.strip())


def _from_unix(seconds: float) -> datetime | None:
    if not math.isfinite(seconds) or not 946684800 <= seconds <= 4102444800:
        return None
    return datetime.fromtimestamp(seconds, UTC)


def _parse_text_time(text: str) -> datetime | None:
    if text.isdigit() and len(text) == 10:
        return _from_unix(float(text))
    match = _RU_TIME.match(text)
    if match:
        return _ru_time(match)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _ru_time(match: re.Match[str]) -> datetime | None:
    """«ДД.ММ.ГГГГ[ ЧЧ:ММ[:СС]]» without strptime (the hot path of spreadsheet imports)."""
    day, month, year, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _shown(value: object) -> str:
    text = repr(value) if not isinstance(value, str) else f"«{value}»"
    return text if len(text) <= 60 else text[:57] + "…"


def _coordinates(lat_value: object, lon_value: object) -> tuple[float | None, float | None]:
    lat, lon = _coordinate("lat", lat_value, 90.0), _coordinate("lon", lon_value, 180.0)
    if (lat is None) != (lon is None):
        raise InvalidFieldError("указана только одна координата из двух")
    return lat, lon


def _coordinate(name: str, value: object, limit: float) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = _number(value)
    if number is None:
        raise InvalidFieldError(f"неверная координата «{_ru(name)}»: {_shown(value)}")
    if not -limit <= number <= limit:
        raise InvalidFieldError(f"координата «{_ru(name)}» вне диапазона −{limit:g}…{limit:g}: {number:g}")
    return number


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        return float(value.strip().replace(",", "."))
    return None


def normalise(item: Incoming) -> Incoming:
    """Unicode NFC, collapsed blank runs in short fields, values cut to their column widths.

    ``validate`` already returns normalised items; this is for items changed
    afterwards (by the enrichment step) and for connectors that build ``Incoming`` directly.
    """
    changes: dict[str, object] = {"text": unicodedata.normalize("NFC", item.text)}
    for name, limit in COLUMN_LIMITS.items():
        value = getattr(item, name)
        if value is not None:
            changes[name] = " ".join(unicodedata.normalize("NFC", value).split())[:limit] or None
    changes["source"] = changes["source"] or "unknown"
    changes["category"] = item.category[:32]
    return replace(item, **changes)  # type: ignore[arg-type]
