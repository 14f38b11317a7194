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

from app.common.timeutil import from_local
from app.intake.writer import Incoming

MAX_FIELD_BYTES = 1024 * 1024
MAX_RAW_CHARS = 64 * 1024
MAX_ID_CHARS = 128
_QUARTER_LIMIT = MAX_FIELD_BYTES // 4  # below this many characters UTF-8 cannot exceed the limit
_SHORT_NAMES = ("source", "author", "url", "address", "settlement", "region", "category")
# Column widths of app/models.Message: longer values are cut, not rejected.
COLUMN_LIMITS = {"source": 64, "author": 256, "url": 1024, "address": 512, "settlement": 128,
                 "municipality": 128, "region": 128}
_SHORT_LIMITS = {**dict.fromkeys(_SHORT_NAMES, None), **COLUMN_LIMITS}
FIELD_NAMES_RU = {
    "id": "Идентификатор", "time": "Дата", "text": "Текст", "author": "Автор", "url": "Ссылка",
    "lat": "Широта", "lon": "Долгота", "address": "Адрес", "region": "Регион", "source": "Источник",
    "settlement": "Населённый пункт", "category": "Категория", "edited": "Дата правки", "thread": "Обсуждение",
}
_DATE_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M")
_RU_TIME = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


@dataclass(slots=True)
class RawRecord:
    """One input row before validation: canonical fields, its place in the input and the original text.

    ``source`` names the connector's rows (a field «source» may say otherwise for display);
    ``origin`` is the dedupe namespace the product gives the route (empty: ``source``), never
    taken from the row itself. Treat as immutable; not frozen because a frozen ``__init__``
    costs three times as much per row.
    """

    fields: Mapping[str, object]
    location: str
    raw: str
    source: str
    origin: str = ""


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
        clean = _clean_strings(record.fields)
        if not clean:
            _check_sizes(record.fields)
        return _build(record, clean)
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
        if type(value) is str and len(value) > _QUARTER_LIMIT and _utf8_size(value) > MAX_FIELD_BYTES:
            size = f"{_utf8_size(value) / (1024 * 1024):.1f}".replace(".", ",")
            raise InvalidFieldError(f"поле «{_ru(name)}» слишком большое: {size} МБ (предел 1 МБ)")


def _clean_strings(fields: Mapping[str, object]) -> bool:
    """True for the usual row: every text value small, NUL-free, valid UTF-8 and in NFC.

    One check over the values joined by «\n» (which never composes, so the
    join is NFC exactly when every part is) instead of four checks per field;
    rows that fail it are checked field by field to name the culprit.
    """
    joined = "\n".join([value for value in fields.values() if type(value) is str])
    if len(joined) > _QUARTER_LIMIT or "\x00" in joined:
        return False
    if joined.isascii():
        return True
    try:
        joined.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return unicodedata.is_normalized("NFC", joined)


def _utf8_size(value: str) -> int:
    return len(value.encode("utf-8", "surrogatepass"))


def _build(record: RawRecord, clean: bool) -> Incoming:
    """The accepted, already normalised item (normalising here saves a second pass per row)."""
    fields = record.fields
    text = _text(fields.get("text"), clean)
    lat, lon = _coordinates(fields.get("lat"), fields.get("lon"))
    source, author, url, address, settlement, region, category = _shorts(fields, clean)
    item = Incoming(
        source=source or record.source[:64], text=text,
        published_at=parse_time(fields.get("time")), external_id=_external_id(fields.get("id"), clean),
        author=author, url=url, lat=lat, lon=lon, address=address,
        settlement=settlement, region=region, category=(category or "other")[:32],
        origin=(record.origin or record.source)[:64],
    )
    if "edited" in fields or "thread" in fields:
        edited = fields.get("edited")
        item.edited_at = None if edited in (None, "", 0) else parse_time(edited)
        item.thread_key = _external_id(fields.get("thread"), clean)
    return item


def _shorts(fields: Mapping[str, object], clean: bool) -> list[str | None]:
    """The one-line fields in ``_SHORT_NAMES`` order: blank runs collapsed, cut to their column widths."""
    out: list[str | None] = []
    for name in _SHORT_NAMES:
        value = fields.get(name)
        text = (value.strip() or None) if clean and type(value) is str else _string(name, value)
        if text is not None:
            if "  " in text or "\n" in text or "\t" in text or "\r" in text:
                text = " ".join(text.split())
            text = text[:_SHORT_LIMITS[name]]
        out.append(text)
    return out


def _ru(name: str) -> str:
    return FIELD_NAMES_RU.get(name, name)


def _string(name: str, value: object, clean: bool = False) -> str | None:
    """A scalar as text (stripped, NULs removed); containers are a type error.

    ``clean``: the row passed ``_clean_strings``, so its text values need only stripping.
    """
    if value is None:
        return None
    if type(value) is str:
        if clean:
            return value.strip() or None
    else:
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


def _text(value: object, clean: bool = False) -> str:
    text = _string("text", value, clean)
    if not text:
        raise InvalidFieldError("пустой текст сообщения")
    return text


def _external_id(value: object, clean: bool = False) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _string("id", value, clean)
    if text is not None and len(text) > MAX_ID_CHARS:
        raise InvalidFieldError(f"идентификатор длиннее {MAX_ID_CHARS} символов")
    return text


def parse_time(value: object) -> datetime:
    """An aware UTC moment from ISO text, «ДД.ММ.ГГГГ ЧЧ:ММ», Unix seconds or a datetime.

    Times without a zone are the centre's local time (the region profile's zone, ``local_zone()``).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidFieldError("не указана дата")
    moment = _moment(value)
    if moment is None:
        raise InvalidFieldError(f"неверная дата: {_shown(value)}")
    if not 2000 <= moment.year <= 2100:
        raise InvalidFieldError(f"дата вне допустимого диапазона: {_shown(value)}")
    return from_local(moment)


def _moment(value: object) -> datetime | None:
    if type(value) is str:  # the usual case first
        return _parse_text_time(value.strip())
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
    day, month, year, hour, minute, second = match.groups()
    try:
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
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
    if type(value) is str:
        value = value.strip()
    if value is None or value == "":
        return None
    number = _number(value)
    if number is None:
        raise InvalidFieldError(f"неверная координата «{_ru(name)}»: {_shown(value)}")
    if not -limit <= number <= limit:
        raise InvalidFieldError(f"координата «{_ru(name)}» вне диапазона −{limit:g}…{limit:g}: {number:g}")
    return number


def _number(value: object) -> float | None:
    if type(value) is str:
        text = value.strip()
        return float(text.replace(",", ".") if "," in text else text) if _NUMBER.match(text) else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
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
    changes["origin"] = (item.origin or str(changes["source"]))[:64]
    changes["category"] = item.category[:32]
    return replace(item, **changes)  # type: ignore[arg-type]
