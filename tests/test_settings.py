"""Settings: one typed model, validated with clear Russian errors, stored once without secrets, migrated
from the keys earlier versions wrote, edited in the dialog and from the command line."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from app.common.changes import Kind
from app.core import Core
from app.settings import KEYS, Settings, SettingsError, load_settings, parse_value, save_settings, validate
from app.store import Setting


def test_defaults_are_valid_and_round_trip(store):
    settings = replace(Settings(), feed_url="https://monitoring.example/api", holidays=("2027-01-01",),
                       region="RU-SA", workdays=("2027-12-28",))
    save_settings(store, settings)
    assert load_settings(store) == settings
    with store.engine.connect() as conn:
        stored = json.loads(conn.exec_driver_sql("SELECT value FROM settings WHERE key='settings'").scalar())
    assert stored["schema_version"] == 1 and stored["region"] == "RU-SA"


@pytest.mark.parametrize(("change", "fragment"), [
    ({"feed_url": "ftp://x"}, "Адрес ленты"),
    ({"online_tiles_url": "https://tiles.example/tile.png"}, "{z}, {x} и {y}"),
    ({"holidays": ("31.12.2026",)}, "не похоже на дату"),
    ({"work_start_hour": 19}, "Начало рабочего дня"),
    ({"first_answer_hours_high": 12}, "Срок для важных"),
    ({"region_pack": "/nonexistent/pack"}, "Пакет региона не найден"),
    ({"region": "RU-XX"}, "Неизвестный регион"),
    ({"theme": "neon"}, "Неизвестная тема"),
    ({"crisis_start": "вчера"}, "Начало кризиса"),
])
def test_invalid_settings_are_explained(change, fragment):
    errors = validate(replace(Settings(), **change))
    assert any(fragment in e for e in errors), errors


def test_save_refuses_invalid(store):
    with pytest.raises(SettingsError, match="Минута"):
        save_settings(store, replace(Settings(), briefing_minute=75))


def test_keys_of_earlier_versions_are_folded_in(store):
    legacy = {"app_config": {"feed_url": "https://old.example/feed", "work_start_hour": 8, "feed_token": "x"},
              "briefing_schedule": {"minute": 5, "every_hours": 2, "enabled": True},
              "crisis_start": "2026-11-24T10:00:00+00:00"}
    with store.session() as session:
        session.query(Setting).delete()
        for key, value in legacy.items():
            session.add(Setting(key=key, value=json.dumps(value)))
    loaded = load_settings(store)
    assert (loaded.feed_url, loaded.work_start_hour, loaded.briefing_minute, loaded.briefing_every_hours,
            loaded.crisis_start) == ("https://old.example/feed", 8, 5, 2, "2026-11-24T10:00:00+00:00")


def test_every_key_parses_from_text():
    samples = {"region": "ru-sa", "briefing_enabled": "нет", "feed_interval_s": "45",
               "holidays": "2027-01-01, 2027-01-02"}
    assert parse_value("region", samples["region"]) == "RU-SA"
    assert parse_value("briefing_enabled", samples["briefing_enabled"]) is False
    assert parse_value("feed_interval_s", samples["feed_interval_s"]) == 45
    assert parse_value("holidays", samples["holidays"]) == ("2027-01-01", "2027-01-02")
    with pytest.raises(ValueError, match="целое число"):
        parse_value("feed_interval_s", "часто")
    with pytest.raises(KeyError, match="Нет такой настройки"):
        parse_value("colour", "red")
    assert len(KEYS) == len(set(KEYS))


def test_core_announces_changed_keys_and_applies_the_region(store):
    core = Core(store)
    seen = []
    core.hub.subscribe(seen.append)
    changes = core.update_settings(region="RU-KAM", briefing_minute=5)
    assert changes.settings == {"region", "briefing_minute"} and changes.touches(Kind.REGION)
    assert core.region is not None and core.region.zone.key == "Asia/Kamchatka" and seen == [changes]
    assert core.update_settings(briefing_minute=5) == type(changes)()  # nothing changed, nothing announced
    assert Core(store).settings.briefing_minute == 5


def test_dialog_shows_errors_and_accepts_valid(qtbot):
    from widgets.shell.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.editors["feed_url"].set_value("not a url")
    dialog._on_ok_clicked()
    assert "Адрес ленты" in dialog.errors.text() and dialog.result() == 0
    dialog.editors["feed_url"].set_value("https://monitoring.example/api/messages")
    dialog.editors["work_start_hour"].spin.setValue(8)
    dialog._on_ok_clicked()
    assert dialog.errors.text() == "" and dialog.settings.work_start_hour == 8
    assert dialog.changed() == {"feed_url": "https://monitoring.example/api/messages", "work_start_hour": 8}


def test_dialog_is_built_from_the_field_metadata(qtbot):
    from PySide6.QtWidgets import QPushButton

    from app.settings import meta_of
    from widgets.shell.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings(region="RU-KDA"), token_persistent=False)
    qtbot.addWidget(dialog)
    groups = list(dict.fromkeys(meta_of(key)["group"] for key in KEYS))
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == groups
    assert set(dialog.editors) == set(KEYS)
    assert dialog.edited() == Settings(region="RU-KDA")  # every editor shows its value and gives it back
    labels = {label.text() for label in dialog.findChildren(type(dialog.errors))}
    assert "Подложка MBTiles/PMTiles *" in labels and "Тема" in labels  # restart-only fields are marked
    assert any("контур региона на карте — после перезапуска" in text for text in labels)
    region = dialog.editors["region"].picker
    assert len(region.visible_codes()) == 89 and region.code() == "RU-KDA"
    region.search.setText("Якутия")
    assert dialog.edited().region == "RU-SA"
    assert "только в памяти" in dialog.token_place.text()
    dialog.token_editor.set_value("секрет")
    assert dialog.token == "секрет"
    assert dialog.token_editor.edit.echoMode() == dialog.token_editor.edit.EchoMode.Password
    buttons = {b.text() for b in dialog.editors["region_pack"].findChildren(QPushButton)}
    assert buttons == {"Обзор…", "Папка…"}  # a pack is a file or a folder of boundaries
