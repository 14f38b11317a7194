"""Operator-editable configuration with validation; stored as JSON in the settings table."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import select

from app.models import Setting
from app.store import Store

CONFIG_KEY = "app_config"


@dataclass(frozen=True)
class AppConfig:
    region_pack: str = ""
    feed_url: str = ""
    feed_token: str = ""  # kept only in memory and the OS keyring, never written to the table
    feed_interval_s: int = 30
    feed_stale_after_s: int = 90
    first_answer_hours: int = 8
    first_answer_hours_high: int = 4
    final_answer_days: int = 7
    work_start_hour: int = 9
    work_end_hour: int = 18
    holidays: tuple[str, ...] = field(default_factory=tuple)  # ISO dates
    briefing_minute: int = 0
    briefing_every_hours: int = 1
    theme: str = "light"  # light | dark
    mbtiles_path: str = ""
    online_tiles_url: str = ""


def _check_url(url: str, what: str) -> list[str]:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return [f"{what}: нужен адрес вида https://сервер/путь, получено «{url}»"]
    return []


def _range(value: int, low: int, high: int, what: str) -> list[str]:
    return [] if low <= value <= high else [f"{what}: допустимо от {low} до {high}, указано {value}"]


def _dates(values: tuple[str, ...]) -> list[str]:
    errors = []
    for value in values:
        try:
            date.fromisoformat(value)
        except ValueError:
            errors.append(f"Праздничный день «{value}» не похож на дату ГГГГ-ММ-ДД")
    return errors


def _paths(config: AppConfig) -> list[str]:
    errors = []
    if config.region_pack and not Path(config.region_pack).exists():
        errors.append(f"Пакет региона не найден: {config.region_pack}")
    if config.mbtiles_path and not Path(config.mbtiles_path).is_file():
        errors.append(f"Файл подложки MBTiles не найден: {config.mbtiles_path}")
    return errors


def validate(config: AppConfig) -> list[str]:
    """Russian error messages; an empty list means the configuration is usable."""
    errors = _paths(config) + _dates(config.holidays)
    if config.feed_url:
        errors += _check_url(config.feed_url, "Адрес ленты")
    if config.online_tiles_url:
        errors += _check_url(config.online_tiles_url.replace("{", "").replace("}", ""), "Адрес онлайн-подложки")
        if not all(part in config.online_tiles_url for part in ("{z}", "{x}", "{y}")):
            errors.append("Адрес онлайн-подложки должен содержать {z}, {x} и {y}")
    errors += _range(config.feed_interval_s, 5, 3600, "Период опроса ленты, с")
    errors += _range(config.first_answer_hours, 1, 72, "Срок первого ответа, рабочих часов")
    errors += _range(config.first_answer_hours_high, 1, config.first_answer_hours, "Срок для важных, рабочих часов")
    errors += _range(config.final_answer_days, 1, 60, "Срок окончательного ответа, рабочих дней")
    errors += _range(config.work_start_hour, 0, config.work_end_hour - 1, "Начало рабочего дня, ч")
    errors += _range(config.work_end_hour, config.work_start_hour + 1, 24, "Конец рабочего дня, ч")
    errors += _range(config.briefing_minute, 0, 59, "Минута формирования справки")
    errors += _range(config.briefing_every_hours, 1, 24, "Период справки, ч")
    if config.theme not in ("light", "dark"):
        errors.append(f"Неизвестная тема «{config.theme}»")
    return errors


def load_config(store: Store) -> AppConfig:
    """The stored configuration; unknown keys are ignored, missing ones take defaults."""
    with store.engine.connect() as conn:
        raw = conn.execute(select(Setting.value).where(Setting.key == CONFIG_KEY)).scalar()
    if not raw:
        return AppConfig()
    data = json.loads(raw)
    known = {f.name for f in fields(AppConfig)}
    values: dict[str, Any] = {k: tuple(v) if k == "holidays" else v for k, v in data.items() if k in known}
    return replace(AppConfig(), **values)


def save_config(store: Store, config: AppConfig) -> None:
    """Validate and store; raises ValueError with all messages when invalid."""
    errors = validate(config)
    if errors:
        raise ValueError("\n".join(errors))
    data = asdict(config)
    data.pop("feed_token")  # secrets never go to the database or settings files
    with store.session() as session:
        session.merge(Setting(key=CONFIG_KEY, value=json.dumps(data, ensure_ascii=False)))
