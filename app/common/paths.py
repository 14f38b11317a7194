"""Where things live: bundled resources, generated data and the user's data directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "opershtab"


def project_root() -> Path:
    """Repository root, or the unpacked bundle root when frozen by PyInstaller."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    return Path(frozen_root) if frozen_root else Path(__file__).resolve().parents[2]


def resources_dir() -> Path:
    return project_root() / "resources"


def web_modules_dir() -> Path:
    """npm packages installed at setup from resources/web/package.json."""
    return resources_dir() / "web" / "node_modules"


def generated_dir() -> Path:
    """Data built at setup (e.g. the Russia regions extract)."""
    return resources_dir() / "generated"


def data_dir() -> Path:
    """The user's data directory; OPERSHTAB_DATA_DIR overrides (tests, portable installs)."""
    override = os.environ.get("OPERSHTAB_DATA_DIR")
    path = Path(override) if override else user_data_path(APP_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


# Files built at setup into generated_dir() (app.region.build, app.gazetteer.build).
REGIONS_FILE = "regions_ru.geojson"
BASEMAP_FILE = "basemap_ru.json"
GAZETTEER_FILE = "gazetteer.json"


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'opershtab.sqlite3'}"
