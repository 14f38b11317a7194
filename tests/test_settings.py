"""Settings: validation with clear Russian errors, stored without secrets, edited in the dialog."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.config import AppConfig, load_config, save_config, validate


def test_defaults_are_valid_and_round_trip(store):
    config = replace(AppConfig(), feed_url="https://monitoring.example/api", holidays=("2027-01-01",),
                     feed_token="secret-token")
    save_config(store, config)
    loaded = load_config(store)
    assert loaded == replace(config, feed_token="")
    with store.engine.connect() as conn:
        assert "secret-token" not in str(conn.exec_driver_sql("SELECT value FROM settings").all())


@pytest.mark.parametrize(("change", "fragment"), [
    ({"feed_url": "ftp://x"}, "Адрес ленты"),
    ({"online_tiles_url": "https://tiles.example/tile.png"}, "{z}, {x} и {y}"),
    ({"holidays": ("31.12.2026",)}, "не похож на дату"),
    ({"work_start_hour": 19}, "Начало рабочего дня"),
    ({"first_answer_hours_high": 12}, "Срок для важных"),
    ({"region_pack": "/nonexistent/pack"}, "Пакет региона не найден"),
])
def test_invalid_settings_are_explained(change, fragment):
    errors = validate(replace(AppConfig(), **change))
    assert any(fragment in e for e in errors), errors


def test_save_refuses_invalid(store):
    with pytest.raises(ValueError, match="Минута"):
        save_config(store, replace(AppConfig(), briefing_minute=75))


def test_dialog_shows_errors_and_accepts_valid(qtbot):
    from widgets.settings_dialog import SettingsDialog

    dialog = SettingsDialog(AppConfig())
    qtbot.addWidget(dialog)
    dialog.feed_url.setText("not a url")
    dialog._on_ok_clicked()
    assert "Адрес ленты" in dialog.errors.text() and dialog.result() == 0
    dialog.feed_url.setText("https://monitoring.example/api/messages")
    dialog.work_start.setValue(8)
    dialog._on_ok_clicked()
    assert dialog.errors.text() == "" and dialog.config.work_start_hour == 8
