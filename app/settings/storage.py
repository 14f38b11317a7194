"""Settings in the database: one JSON row (key ``settings``) with its schema version.

Earlier versions kept pieces under their own keys (``app_config``, ``briefing_schedule``,
``region_pack``, ``crisis_start``, ``work_calendar``); ``load_settings`` folds them in once,
so an upgraded database keeps what the centre configured.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import select

from app.settings.model import SCHEMA_VERSION, Settings, validate, with_values
from app.store import Setting, Store

log = logging.getLogger(__name__)
KEY = "settings"
LEGACY_KEYS = ("app_config", "briefing_schedule", "region_pack", "crisis_start", "work_calendar")


class SettingsError(ValueError):
    """Settings that cannot be saved; the message lists every problem in Russian."""


def _read(store: Store, keys: tuple[str, ...]) -> dict[str, Any]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(Setting.key, Setting.value).where(Setting.key.in_(keys))).all()
    found = {}
    for key, raw in rows:
        try:
            found[key] = json.loads(raw)
        except ValueError:
            log.warning("setting %s is not JSON; ignored", key)
    return found


def _legacy(values: dict[str, Any]) -> dict[str, Any]:
    """Fields of the single model from the keys earlier versions wrote."""
    merged: dict[str, Any] = {}
    config = values.get("app_config")
    if isinstance(config, dict):
        merged.update(config)
    schedule = values.get("briefing_schedule")
    if isinstance(schedule, dict):
        merged.update(briefing_minute=schedule.get("minute", 0), briefing_every_hours=schedule.get("every_hours", 1),
                      briefing_enabled=schedule.get("enabled", True))
    pack = values.get("region_pack")
    if isinstance(pack, dict):
        merged.update(region_pack=pack.get("boundaries") or "", population_file=pack.get("population") or "")
    if isinstance(values.get("crisis_start"), str):
        merged["crisis_start"] = values["crisis_start"]
    return merged


def load_settings(store: Store) -> Settings:
    """The stored settings; unknown keys are ignored, missing ones take defaults."""
    values = _read(store, (KEY, *LEGACY_KEYS))
    current = values.get(KEY)
    data = current if isinstance(current, dict) else _legacy(values)
    return with_values(Settings(), data)


def save_settings(store: Store, settings: Settings) -> None:
    """Validate and store; raises ``SettingsError`` with every problem."""
    errors = validate(settings)
    if errors:
        raise SettingsError("\n".join(errors))
    data = {"schema_version": SCHEMA_VERSION, **_as_json(settings)}
    with store.session() as session:
        session.merge(Setting(key=KEY, value=json.dumps(data, ensure_ascii=False)))


def _as_json(settings: Settings) -> dict[str, Any]:
    from dataclasses import asdict

    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(settings).items()}
