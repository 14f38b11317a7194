"""QSettings in the data directory (so tests and portable installs never touch the user's)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from app.common.paths import data_dir


def app_settings() -> QSettings:
    return QSettings(str(data_dir() / "opershtab.ini"), QSettings.Format.IniFormat)
