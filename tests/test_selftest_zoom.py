"""The selftest zooms in: a map that counts its markers but draws none at street zoom is not «ok»."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.queries.messages import MessageRow

AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _rows(category: str) -> list[MessageRow]:
    return [MessageRow(i, AT, "vk", None, f"сообщение {i}", "Краснодар", "Краснодарский край", None, category,
                       45.0375 + i * 1e-4, 38.978) for i in range(1, 21)]


@pytest.mark.parametrize("category", ["power", "__proto__", "constructor"])
def test_selftest_map_draws_messages_at_street_zoom(qapp, category: str) -> None:
    from widgets.selftest.selftest import check_map

    result = check_map(_rows(category), timeout=60)
    assert result["markers_rendered"] == 20 and result["street_zoom_drawn"] == 20, result
    assert result["ok"], result
