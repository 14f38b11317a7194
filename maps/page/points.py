"""Message points for the map page (no Qt): typed columns in one base64 block, details as JSON.

The page gets, per message, only what it draws and filters: id, time, position and
category (``PointBatch``). Public text (author, place, message text) stays in Python
and crosses only for the one popup that opens (``details_json``).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from app.queries.messages import MessageRow
from maps.page.script import script_json

_SCALE = float(1 << 30)  # supercluster 9's Int32 encoding of Web Mercator [0, 1] coordinates


@dataclass(frozen=True)
class PointBatch:
    """Messages as columns: ids, UTC milliseconds, WGS84 position, category as an index into ``codes``."""

    ids: np.ndarray
    t_ms: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    category: np.ndarray
    codes: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    @classmethod
    def from_columns(cls, ids: Sequence[int] | np.ndarray, t_ms: Sequence[float] | np.ndarray,
                     lat: Sequence[float] | np.ndarray, lon: Sequence[float] | np.ndarray,
                     categories: Sequence[str]) -> PointBatch:
        """Columns of equal length; rows without a usable position are left out."""
        codes: dict[str, int] = {}
        index = np.fromiter((codes.setdefault(str(c), len(codes)) for c in categories), np.int64, len(categories))
        batch = cls(np.asarray(ids, np.float64), np.asarray(t_ms, np.float64), np.asarray(lat, np.float64),
                    np.asarray(lon, np.float64), index, tuple(codes))
        return batch.placed()

    @classmethod
    def from_rows(cls, rows: Sequence[MessageRow]) -> PointBatch:
        """One pass per column straight into numpy (zipping a million rows into tuples took four times as long)."""
        n, nan = len(rows), float("nan")
        codes: dict[str, int] = {}
        batch = cls(np.fromiter((r.id for r in rows), np.float64, n),
                    np.fromiter((r.published_at.timestamp() for r in rows), np.float64, n) * 1000.0,
                    np.fromiter((nan if r.lat is None else r.lat for r in rows), np.float64, n),
                    np.fromiter((nan if r.lon is None else r.lon for r in rows), np.float64, n),
                    np.fromiter((codes.setdefault(str(r.category), len(codes)) for r in rows), np.int64, n),
                    tuple(codes))
        return batch.placed()

    def placed(self) -> PointBatch:
        """Only rows with finite coordinates on the globe and a finite time."""
        with np.errstate(invalid="ignore"):
            ok = (np.isfinite(self.lat) & np.isfinite(self.lon) & np.isfinite(self.t_ms) & np.isfinite(self.ids)
                  & (np.abs(self.lat) <= 90) & (np.abs(self.lon) <= 180))
        if bool(ok.all()):
            return self
        return PointBatch(self.ids[ok], self.t_ms[ok], self.lat[ok], self.lon[ok], self.category[ok], self.codes)

    def _wide_ids(self) -> bool:
        return bool(len(self) and (self.ids.min() < 0 or self.ids.max() >= 2**32 or (self.ids % 1).any()))

    def payload(self) -> tuple[dict[str, object], bytes]:
        """Meta for the page and the bytes: t f64 | id (u32 or f64) | x i32 | y i32 | category u16."""
        wide = self._wide_ids()
        x, y = mercator(self.lat, self.lon)
        codes = self.codes[:65535]  # the page keeps at most 65,535 distinct codes; more share the last
        category = np.minimum(self.category, max(len(codes) - 1, 0)).astype("<u2")
        ids = self.ids.astype("<f8" if wide else "<u4")
        parts = (self.t_ms.astype("<f8"), ids, x, y, category)
        meta: dict[str, object] = {"n": len(self), "ids": "f64" if wide else "u32", "categories": list(codes)}
        return meta, b"".join(p.tobytes() for p in parts)

    def script(self, function: str) -> str:
        """``function(meta, "base64")`` as a script; the block is plain ASCII, the meta ASCII JSON."""
        meta, data = self.payload()
        return f'{function}({script_json(meta)}, "{base64.b64encode(data).decode("ascii")}");'


def mercator(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator in supercluster 9's Int32 units (the page's index and drawing use the same)."""
    x = np.trunc(lon / 360.0 * _SCALE)
    with np.errstate(divide="ignore", invalid="ignore"):
        sin = np.sin(np.radians(lat))
        y = 0.5 - 0.25 * np.log((1 + sin) / (1 - sin)) / np.pi
    y = np.trunc((np.clip(np.nan_to_num(y, nan=0.5), 0.0, 1.0) - 0.5) * _SCALE)
    return x.astype("<i4"), y.astype("<i4")


def details_json(value: Mapping[str, object] | None) -> str:
    """A popup's details as a script literal (``null`` when unknown)."""
    return script_json(dict(value) if value is not None else None)


def point(row: MessageRow) -> dict[str, object]:
    """One message as a JSON object (the markercluster baseline of bench/bench_map.py)."""
    return {
        "id": row.id,
        "lat": row.lat,
        "lon": row.lon,
        "category": row.category,
        "t": int(row.published_at.timestamp() * 1000),
        "author": row.author,
        "settlement": row.settlement,
        "address": row.address,
        "text": row.text,
    }


def points_json(rows: Iterable[MessageRow]) -> str:
    """A JSON array to splice into a script call (JSON is a JS literal; it never goes into HTML).

    Not ASCII-escaped: Cyrillic as ``\\uXXXX`` made the 50,000-message payload 2.5 times larger.
    """
    data = [point(r) for r in rows if r.lat is not None and r.lon is not None]
    return script_json(data, ascii_only=False)
