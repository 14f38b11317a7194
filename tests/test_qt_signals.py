"""Guard against a PySide6 regression: Signal.emit() must not leak or drop references to True."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    value = Signal(object)
    flag = Signal(bool)


def test_emit_keeps_refcount_of_true(qapp):
    emitter = Emitter()
    emitter.value.connect(lambda _v: None)
    emitter.flag.connect(lambda _v: None)
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.value.emit(1)
        emitter.flag.emit(True)
    assert abs(sys.getrefcount(True) - before) < 20
