"""Files the product writes (briefings, exports, archives) appear whole or not at all.

``atomic_target`` yields a temporary path beside the target; the target is
replaced only when the writer finished, so a crash or a full disk leaves the
previous file in place and no partial file under the final name.
"""

from __future__ import annotations

import errno
import os
import stat
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class OutputError(OSError):
    """A file could not be written; ``str()`` is one Russian sentence."""


def output_path(path: str | Path) -> Path:
    """Where a file for ``path`` may be written: a link is followed to its file; a folder, a device,
    a pipe or a socket under that name is refused (an export must never replace ``/dev/null``)."""
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    if not target.parent.is_dir():
        raise OutputError(f"Папка для файла не существует: {target.parent}")
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise OutputError(_sentence(exc, target)) from exc
    if stat.S_ISDIR(mode):
        raise OutputError(f"Файл {target} не записан: на этом месте папка")
    if not stat.S_ISREG(mode):
        raise OutputError(f"Файл {target} не записан: на этом месте не обычный файл (устройство, канал или сокет)")
    return target


@contextmanager
def atomic_target(path: str | Path) -> Iterator[Path]:
    """A temporary path to write to; renamed over ``path`` when the block completes."""
    target = output_path(path)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        yield temporary
        _fsync(temporary)
        os.replace(temporary, target)
    except OSError as exc:
        raise OutputError(_sentence(exc, target)) from exc
    finally:
        temporary.unlink(missing_ok=True)


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) so readers see the old or the new file, never a part."""
    with atomic_target(path) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="\n")
    return Path(path)


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    with atomic_target(path) as temporary:
        temporary.write_bytes(data)
    return Path(path)


def _fsync(path: Path) -> None:
    if path.exists():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())


_REASONS = {
    errno.EISDIR: "на этом месте папка", errno.ENOTDIR: "часть пути — не папка", errno.ENOENT: "папки нет",
    errno.EROFS: "диск только для чтения", errno.ENAMETOOLONG: "слишком длинное имя",
    errno.EDQUOT: "исчерпана квота на диске", errno.EIO: "ошибка ввода-вывода диска",
    errno.EBUSY: "файл занят другой программой", errno.EEXIST: "файл уже существует",
}


def _sentence(exc: OSError, target: Path) -> str:
    if isinstance(exc, OutputError):
        return str(exc)
    if exc.errno == errno.ENOSPC:
        return f"Нет места на диске: {target.name} не записан, прежний файл сохранён"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"Нет прав на запись: {target}"
    return f"Файл {target} не записан: {os_reason(exc)}"


def os_reason(exc: OSError) -> str:
    """The operating system's reason in Russian (its own text is English on most desks)."""
    if exc.errno == errno.ENOSPC:
        return "нет места на диске"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "нет прав доступа"
    return _REASONS.get(exc.errno or -1, f"ошибка системы (код {exc.errno})" if exc.errno else "ошибка системы")
