"""Helpers for tests that talk to the map page."""

from __future__ import annotations

from typing import Any


def page_value(qtbot: Any, view: Any, expression: str, timeout: int = 10000) -> Any:
    """Evaluate a JS expression in the page and wait for its JSON value."""
    box: list[Any] = []
    view.evaluate(expression, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=timeout)
    return box[0]


def wait_markers(qtbot: Any, view: Any, expected: int, timeout: int = 20000) -> dict:
    """Wait until the page reports ``expected`` markers; returns the page stats."""
    latest: dict = {}

    def check() -> None:
        view.stats(lambda s: latest.update(s or {}))
        assert latest.get("markers") == expected, latest

    qtbot.waitUntil(check, timeout=timeout)
    return latest


def ready_map(qtbot: Any, web_context: Any, size: tuple[int, int] = (900, 600)) -> Any:
    from maps.qt.view import MapView

    view = MapView(web_context)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitUntil(lambda: view.is_ready, timeout=20000)
    return view
