"""The one settings model everything reads: typed, validated, stored once with a schema version."""

from app.settings.model import (
    KEYS,
    SCHEMA_VERSION,
    THEMES,
    Settings,
    changed_keys,
    format_value,
    label_of,
    meta_of,
    parse_value,
    validate,
    with_values,
)
from app.settings.storage import SettingsError, load_settings, save_settings

__all__ = [
    "KEYS", "SCHEMA_VERSION", "THEMES", "Settings", "SettingsError", "changed_keys", "format_value", "label_of",
    "load_settings", "meta_of", "parse_value", "save_settings", "validate", "with_values",
]
