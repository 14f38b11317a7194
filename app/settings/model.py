"""The one settings model: typed fields, Russian labels, validation, parsing from text.

Every field names where it acts (``applies``): ``live`` fields take effect while the
program runs; ``restart`` fields say so in the dialog and in ``settings set``; ``note``
says what a partly live field leaves for the next start. ``kind`` tells the settings
dialog which editor to build (``region``, ``path``, ``folder_or_file``, ``dates``,
``moment``, ``theme``; otherwise the field's type decides).
Secrets (the feed token) are never a field: they live in the OS keyring.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from app.region import UnknownRegionError, region
from app.region.tiles import TilesError, open_tiles

SCHEMA_VERSION = 1
THEMES = {"light": "Светлая", "dark": "Тёмная"}
REGION_NOTE = "название, местное время и рамка карты меняются сразу; контур региона на карте — после перезапуска"


def _meta(label: str, applies: str = "live", group: str = "", kind: str = "", note: str = "",
          pattern: str = "") -> dict[str, str]:
    return {"label": label, "applies": applies, "group": group, "kind": kind, "note": note, "pattern": pattern}


@dataclass(frozen=True)
class Settings:
    """Everything a centre configures; stored once (JSON with ``schema_version``) and read by all."""

    region: str = field(default="", metadata=_meta("Регион (код субъекта, например RU-SA)", group="Регион",
                                                          kind="region", note=REGION_NOTE))
    region_pack: str = field(default="", metadata=_meta("Пакет региона (границы муниципалитетов)", group="Регион",
                                                               kind="folder_or_file",
                                                               pattern="Границы (*.geojson *.json *.kml)"))
    population_file: str = field(default="", metadata=_meta("Файл численности населения (CSV)", group="Регион",
                                                                   kind="path", pattern="CSV (*.csv)"))
    mbtiles_path: str = field(default="", metadata=_meta("Подложка MBTiles/PMTiles", "restart", "Регион", "path",
                                                                pattern="Подложка (*.mbtiles *.pmtiles)"))
    online_tiles_url: str = field(default="", metadata=_meta("Онлайн-подложка (по явному выбору)", "restart",
                                                                    "Регион"))
    feed_url: str = field(default="", metadata=_meta("Адрес ленты (JSON API)", group="Лента"))
    feed_interval_s: int = field(default=30, metadata=_meta("Период опроса ленты, с", group="Лента"))
    feed_stale_after_s: int = field(default=90, metadata=_meta("Лента устарела через, с", group="Лента"))
    first_answer_hours: int = field(default=8, metadata=_meta("Первый ответ, рабочих часов", group="Сроки"))
    first_answer_hours_high: int = field(default=4, metadata=_meta("Первый ответ (важные), рабочих часов",
                                                                    group="Сроки"))
    final_answer_days: int = field(default=7, metadata=_meta("Окончательный ответ, рабочих дней", group="Сроки"))
    platform_final_days: int = field(default=30, metadata=_meta(
        "«Решаем вместе»: окончательный ответ, календарных дней", group="Сроки"))
    work_start_hour: int = field(default=9, metadata=_meta("Начало рабочего дня, ч", group="Сроки"))
    work_end_hour: int = field(default=18, metadata=_meta("Конец рабочего дня, ч", group="Сроки"))
    holidays: tuple[str, ...] = field(default=(), metadata=_meta("Дополнительные выходные (ГГГГ-ММ-ДД)",
                                                                 group="Сроки", kind="dates"))
    workdays: tuple[str, ...] = field(default=(), metadata=_meta("Дополнительные рабочие дни (ГГГГ-ММ-ДД)",
                                                                 group="Сроки", kind="dates"))
    briefing_minute: int = field(default=0, metadata=_meta("Справка в минуту часа", group="Справка"))
    briefing_every_hours: int = field(default=1, metadata=_meta("Справка каждые, ч", group="Справка"))
    briefing_enabled: bool = field(default=True, metadata=_meta("Справка по расписанию", group="Справка"))
    theme: str = field(default="light", metadata=_meta("Тема", group="Вид", kind="theme"))
    alert_sound: bool = field(default=False, metadata=_meta("Звук при тревоге", group="Вид"))
    operator_name: str = field(default="", metadata=_meta("Имя оператора в журнале (пусто — имя пользователя ОС)",
                                                          group="Вид"))
    crisis_start: str = field(default="", metadata=_meta("Начало кризиса (UTC, ISO)", group="Кризис",
                                                         kind="moment"))
    crisis_name: str = field(default="", metadata=_meta("Название кризиса", group="Кризис"))


KEYS: tuple[str, ...] = tuple(f.name for f in fields(Settings))
_FIELDS = {f.name: f for f in fields(Settings)}


def label_of(key: str) -> str:
    """The Russian label of a settings key."""
    return str(_FIELDS[key].metadata["label"])


def meta_of(key: str) -> dict[str, str]:
    """A field's metadata: ``label``, ``group``, ``applies`` (live/restart), ``kind``, ``note``, ``pattern``."""
    return dict(_FIELDS[key].metadata)


def _url(url: str, what: str) -> list[str]:
    try:
        parsed = urlparse(url)
        parsed.port  # noqa: B018 (a bad port or IPv6 literal raises only here)
    except ValueError:
        return [f"{what}: адрес записан с ошибкой (сервер, порт или скобки IPv6), получено «{url[:200]}»"]
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return [f"{what}: нужен адрес вида https://сервер/путь, получено «{url}»"]
    if len(url) > 2000:
        return [f"{what}: адрес длиннее 2000 символов"]
    return []


def _range(value: int, low: int, high: int, what: str) -> list[str]:
    return [] if low <= value <= high else [f"{what}: допустимо от {low} до {high}, указано {value}"]


def _dates(values: tuple[str, ...], what: str) -> list[str]:
    errors = []
    for value in values:
        try:
            date.fromisoformat(value)
        except ValueError:
            errors.append(f"{what}: «{value}» не похоже на дату ГГГГ-ММ-ДД")
    return errors


def _region(code: str) -> list[str]:
    if not code:
        return []
    try:
        region(code)
    except UnknownRegionError as exc:
        return [str(exc)]
    return []


def _paths(s: Settings) -> list[str]:
    errors = []
    if s.region_pack and not Path(s.region_pack).exists():
        errors.append(f"Пакет региона не найден: {s.region_pack}")
    if s.population_file:
        errors += _population_file(Path(s.population_file))
    if s.mbtiles_path:
        try:
            open_tiles(s.mbtiles_path).close()
        except TilesError as exc:
            errors.append(str(exc))
    return errors


def _population_file(path: Path) -> list[str]:
    """A CSV whose header names at least municipality and population (read only its first line)."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            header = handle.readline(4096).lower()
    except OSError:
        return [f"Файл численности не найден или не читается: {path}"]
    if "municipality" not in header or "population" not in header:
        return [f"{path.name}: это не таблица численности (нужны столбцы municipality и population)"]
    return []


def _tiles(url: str) -> list[str]:
    if not url:
        return []
    errors = _url(url.replace("{", "").replace("}", ""), "Адрес онлайн-подложки")
    if not all(part in url for part in ("{z}", "{x}", "{y}")):
        errors.append("Адрес онлайн-подложки должен содержать {z}, {x} и {y}")
    return errors


def _crisis(s: Settings) -> list[str]:
    if not s.crisis_start:
        return []
    try:
        moment = datetime.fromisoformat(s.crisis_start)
    except ValueError:
        return [f"Начало кризиса: «{s.crisis_start}» не похоже на время ГГГГ-ММ-ДДTЧЧ:ММ"]
    return [] if moment.tzinfo is not None else ["Начало кризиса: нужно время с часовым поясом"]


def validate(s: Settings) -> list[str]:
    """Russian error messages; an empty list means the settings are usable."""
    errors = _region(s.region) + _paths(s) + _tiles(s.online_tiles_url) + _crisis(s)
    errors += _dates(s.holidays, "Выходной день") + _dates(s.workdays, "Рабочий день")
    errors += _url(s.feed_url, "Адрес ленты") if s.feed_url else []
    errors += _range(s.feed_interval_s, 5, 3600, "Период опроса ленты, с")
    errors += _range(s.feed_stale_after_s, 10, 86400, "Лента устарела через, с")
    errors += _range(s.first_answer_hours, 1, 72, "Срок первого ответа, рабочих часов")
    errors += _range(s.first_answer_hours_high, 1, 72, "Срок для важных, рабочих часов")
    if s.first_answer_hours_high > s.first_answer_hours:
        errors.append("Срок для важных не может быть больше срока первого ответа")
    errors += _range(s.final_answer_days, 1, 60, "Срок окончательного ответа, рабочих дней")
    errors += _range(s.platform_final_days, 1, 90, "«Решаем вместе»: срок окончательного ответа, календарных дней")
    errors += _range(s.work_start_hour, 0, 23, "Начало рабочего дня, ч")
    errors += _range(s.work_end_hour, 1, 24, "Конец рабочего дня, ч")
    if s.work_start_hour >= s.work_end_hour:
        errors.append("Начало рабочего дня должно быть раньше его конца")
    errors += _range(s.briefing_minute, 0, 59, "Минута формирования справки")
    errors += _range(s.briefing_every_hours, 1, 24, "Период справки, ч")
    if s.theme not in THEMES:
        errors.append(f"Неизвестная тема «{s.theme}»: допустимо {', '.join(THEMES)}")
    if len(s.operator_name) > 128 or len(s.crisis_name) > 256:
        errors.append("Имя оператора — до 128 символов, название кризиса — до 256")
    return errors


def parse_value(key: str, text: str) -> Any:
    """A field's value from the text an administrator typed (``settings set KEY VALUE``)."""
    if key not in _FIELDS:
        raise KeyError(f"Нет такой настройки «{key}». Доступны: {', '.join(KEYS)}")
    default = getattr(Settings(), key)
    if isinstance(default, bool):
        lowered = text.strip().lower()
        if lowered not in ("1", "0", "true", "false", "да", "нет", "yes", "no", "on", "off"):
            raise ValueError(f"{label_of(key)}: ожидается «да» или «нет», получено «{text}»")
        return lowered in ("1", "true", "да", "yes", "on")
    if isinstance(default, int):
        try:
            return int(text.strip())
        except ValueError as exc:
            raise ValueError(f"{label_of(key)}: ожидается целое число, получено «{text}»") from exc
    if isinstance(default, tuple):
        return tuple(part.strip() for part in text.replace(";", ",").split(",") if part.strip())
    return text.strip().upper() if key == "region" else text.strip()


def format_value(value: Any) -> str:
    """A value as ``settings get`` prints it."""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, tuple):
        return ", ".join(value)
    return str(value)


def changed_keys(old: Settings, new: Settings) -> frozenset[str]:
    """Keys whose values differ."""
    return frozenset(key for key in KEYS if getattr(old, key) != getattr(new, key))


def with_values(settings: Settings, values: dict[str, Any]) -> Settings:
    """``settings`` with known ``values`` applied (unknown keys are ignored, lists become tuples)."""
    known: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items() if k in _FIELDS}
    return replace(settings, **known)
