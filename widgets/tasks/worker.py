"""Background work off the UI thread; results come back on the main thread.

One single-thread executor serves the database (SQLite likes one writer and
ordering keeps reads after the writes they depend on). Shape borrowed from
Anki's ``QueryOp(...).success(cb).failure(cb)``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)
Callback = Callable[[Any], None]


class DbWorker(QObject):
    """Runs callables in order on one background thread."""

    _done = Signal(object, object)  # (callback, owner), value

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="opershtab-db")
        self._closed = False
        self._done.connect(self._deliver)

    def run(self, fn: Callable[[], Any], on_success: Callback | None = None,
            on_failure: Callback | None = None, owner: QObject | None = None) -> None:
        """Call ``fn()`` in the background, then ``on_success(result)`` or ``on_failure(exc)`` here.

        Callbacks are dropped when ``owner`` has been deleted meanwhile.
        """
        if self._closed:
            return
        self._executor.submit(self._job, fn, on_success, on_failure or _log_failure, owner)

    def _job(self, fn: Callable[[], Any], on_success: Callback | None, on_failure: Callback,
             owner: QObject | None) -> None:
        try:
            result = fn()
        except Exception as exc:
            self._done.emit((on_failure, owner), exc)
            return
        if on_success is not None:
            self._done.emit((on_success, owner), result)

    def _deliver(self, target: tuple[Callback, QObject | None], value: object) -> None:
        callback, owner = target
        if not self._closed and (owner is None or shiboken6.isValid(owner)):
            callback(value)

    def shutdown(self) -> None:
        """Finish the running job, drop queued ones and late callbacks."""
        self._closed = True
        self._executor.shutdown(wait=True, cancel_futures=True)


def _log_failure(exc: BaseException) -> None:
    log.error("background job failed", exc_info=exc)
