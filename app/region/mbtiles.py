"""Raster basemap tiles from an MBTiles file (SQLite, TMS row order)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class MBTilesError(ValueError):
    """The file is not a usable MBTiles tileset; the message is for the operator."""


class MBTiles:
    """Read-only access to one tileset; safe to call from the web engine's IO thread."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise MBTilesError(f"Файл подложки не найден: {self.path}")
        try:
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 1").fetchall()
        except sqlite3.DatabaseError as exc:
            raise MBTilesError(f"{self.path.name} не является файлом MBTiles: {exc}") from exc
        self._lock = threading.Lock()
        self.metadata = self._metadata()

    def _metadata(self) -> dict[str, str]:
        try:
            return dict(self._db.execute("SELECT name, value FROM metadata").fetchall())
        except sqlite3.DatabaseError:
            return {}

    @property
    def format(self) -> str:
        return self.metadata.get("format", "png")

    @property
    def maxzoom(self) -> int:
        if "maxzoom" in self.metadata:
            return int(self.metadata["maxzoom"])
        with self._lock:
            return int(self._db.execute("SELECT MAX(zoom_level) FROM tiles").fetchone()[0] or 0)

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The tile at XYZ address z/x/y (MBTiles stores TMS rows: y is flipped)."""
        if z < 0 or not (0 <= x < 2**z and 0 <= y < 2**z):
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                (z, x, (2**z - 1) - y),
            ).fetchone()
        return bytes(row[0]) if row else None

    def close(self) -> None:
        with self._lock:
            self._db.close()


def parse_tile_path(path: str) -> tuple[int, int, int] | None:
    """``/z/x/y.png`` → (z, x, y), or None."""
    parts = path.strip("/").split("/")
    if len(parts) != 3:
        return None
    stem = parts[2].split(".", 1)[0]
    try:
        return int(parts[0]), int(parts[1]), int(stem)
    except ValueError:
        return None
