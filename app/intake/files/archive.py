"""Zip archives (XLSX, KMZ) checked by their declared sizes before anything is unpacked.

``zipfile`` never unpacks more than an entry declares, so refusing on the declared sizes
bounds what a bomb can cost: a few milliseconds to read the directory.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from app.common.ru import format_int

MB = 1 << 20


@dataclass(frozen=True)
class ZipLimits:
    """The most an archive may unpack to, per entry and in all, and the most it may be compressed."""

    total: int = 1024 * MB
    entry: int = 512 * MB
    ratio: int = 200  # a spreadsheet compresses 5 to 20 times; a bomb thousands of times
    ratio_from: int = 16 * MB  # small entries may compress well without harm
    entries: int = 10_000


def zip_problem(path: Path, limits: ZipLimits = ZipLimits()) -> str | None:
    """Why ``path`` must not be unpacked (Russian), or None when its declared sizes are within ``limits``."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        return f"файл повреждён или не является архивом: {exc}"
    if len(infos) > limits.entries:
        return f"в архиве {format_int(len(infos))} файлов (предел {format_int(limits.entries)})"
    total = sum(info.file_size for info in infos)
    if total > limits.total:
        return f"архив распаковывается в {format_int(-(-total // MB))} МБ — больше предела " \
               f"{format_int(limits.total // MB)} МБ"
    for info in infos:
        if info.file_size > limits.entry:
            return f"«{info.filename[:100]}» в архиве — {format_int(-(-info.file_size // MB))} МБ, больше предела " \
                   f"{format_int(limits.entry // MB)} МБ"
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > limits.ratio_from and ratio > limits.ratio:
            return f"«{info.filename[:100]}» сжат в {format_int(int(ratio))} раз: похоже на архивную бомбу"
    return None
