"""Raster basemap tiles for offline maps: MBTiles (SQLite, TMS rows) and PMTiles v3 archives.

Both readers answer ``tile(z, x, y)`` in XYZ addressing with the tile's bytes or
None, know their image ``format`` and ``maxzoom``, and are safe to call from the
web engine's IO thread. ``open_tiles(path)`` picks the reader from the file's
first bytes, so a file named wrongly still opens; anything else is refused with
one Russian sentence (``TilesError``).
"""

from __future__ import annotations

import mmap
import sqlite3
import threading
import zlib
from pathlib import Path
from typing import BinaryIO, ClassVar, Protocol

RASTER_FORMATS = ("png", "jpg", "webp")
MAX_TILE_BYTES = 8 * 1024 * 1024  # a raster tile larger than this is a broken or hostile archive
_SQLITE_MAGIC = b"SQLite format 3\x00"
_PMTILES_MAGIC = b"PMTiles"


class TilesError(ValueError):
    """The file is not a usable raster tileset; the message is for the operator."""


MBTilesError = TilesError  # the name earlier callers knew


class TileSource(Protocol):
    """What the ``app://tiles`` handler needs from a tileset."""

    path: Path

    @property
    def format(self) -> str: ...

    @property
    def maxzoom(self) -> int: ...

    def tile(self, z: int, x: int, y: int) -> bytes | None: ...

    def close(self) -> None: ...


def _in_range(z: int, x: int, y: int) -> bool:
    return 0 <= z <= 30 and 0 <= x < 2**z and 0 <= y < 2**z


class MBTiles:
    """Read-only access to one MBTiles tileset."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise TilesError(f"Файл подложки не найден: {self.path}")
        try:
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 1").fetchall()
        except sqlite3.DatabaseError as exc:
            raise TilesError(f"{self.path.name} не является файлом MBTiles: {exc}") from exc
        self._lock = threading.Lock()
        self.metadata = self._metadata()

    def _metadata(self) -> dict[str, str]:
        try:
            return {str(k): str(v) for k, v in self._db.execute("SELECT name, value FROM metadata").fetchall()}
        except sqlite3.DatabaseError:
            return {}

    @property
    def format(self) -> str:
        value = self.metadata.get("format", "png").lower()
        return "jpg" if value == "jpeg" else value

    @property
    def maxzoom(self) -> int:
        if self.metadata.get("maxzoom", "").isdigit():
            return int(self.metadata["maxzoom"])
        with self._lock:
            return int(self._db.execute("SELECT MAX(zoom_level) FROM tiles").fetchone()[0] or 0)

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The tile at XYZ address z/x/y (MBTiles stores TMS rows: y is flipped)."""
        if not _in_range(z, x, y):
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


class PMTiles:
    """Read-only access to one PMTiles v3 archive of raster tiles (the ``pmtiles`` package's reader)."""

    _TYPES: ClassVar[dict[int, str]] = {2: "png", 3: "jpg", 4: "webp"}

    def __init__(self, path: str | Path) -> None:
        from pmtiles.reader import Reader

        self.path = Path(path)
        if not self.path.is_file():
            raise TilesError(f"Файл подложки не найден: {self.path}")
        self._lock = threading.Lock()
        self._file: BinaryIO = open(self.path, "rb")  # noqa: SIM115 (kept open for the mapping's lifetime)
        try:
            self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
            self._reader = Reader(self._get_bytes)
            self._header = self._reader.header()
        except Exception as exc:  # a truncated, empty or foreign file: the library raises many kinds
            self._file.close()
            raise TilesError(f"{self.path.name} не является архивом PMTiles версии 3") from exc
        self._check()

    def _get_bytes(self, offset: int, length: int) -> bytes:
        return self._map[offset:offset + length]

    def _check(self) -> None:
        tile_type = getattr(self._header["tile_type"], "value", 0)
        if tile_type not in self._TYPES:
            self.close()
            raise TilesError(f"{self.path.name}: в архиве не растровые плитки (нужны PNG, JPEG или WebP)")

    @property
    def format(self) -> str:
        return self._TYPES[self._header["tile_type"].value]

    @property
    def maxzoom(self) -> int:
        return int(self._header["max_zoom"])

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The tile at XYZ address z/x/y, decompressed where the archive compressed it."""
        if not _in_range(z, x, y) or z > self.maxzoom:
            return None
        try:
            with self._lock:
                data = self._reader.get(z, x, y)
        except (ValueError, OSError, EOFError, zlib.error, IndexError):
            return None  # a damaged directory answers «no tile», never an exception on the IO thread
        if data is None or len(data) > MAX_TILE_BYTES:
            return None
        return self._decompress(bytes(data))

    def _decompress(self, data: bytes) -> bytes | None:
        if getattr(self._header["tile_compression"], "value", 1) != 2:
            return data
        try:  # bounded: a small hostile tile must not unpack to gigabytes
            return zlib.decompressobj(wbits=31).decompress(data, MAX_TILE_BYTES) or None
        except zlib.error:
            return None

    def close(self) -> None:
        with self._lock:
            if not self._file.closed:
                self._map.close()
                self._file.close()


def open_tiles(path: str | Path) -> MBTiles | PMTiles:
    """The reader for ``path`` (MBTiles or PMTiles, told by the file's first bytes)."""
    target = Path(path)
    try:
        with open(target, "rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise TilesError(f"Файл подложки не найден: {target}") from exc
    if head.startswith(_PMTILES_MAGIC):
        return PMTiles(target)
    if head.startswith(_SQLITE_MAGIC):
        return MBTiles(target)
    raise TilesError(f"{target.name}: это не MBTiles и не PMTiles")


def tile_mime(source: TileSource) -> str:
    """The Content-Type of the source's tiles."""
    return {"jpg": "image/jpeg", "webp": "image/webp"}.get(source.format, "image/png")


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
