"""Real file shapes: the whole Telegram export, spreadsheet profiles, one message across routes, hostile files,
and the same result through ``python main.py import`` as through ``core.import_files`` (the dialog and the drop)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app.core import Core
from app.intake.connectors import SourceSpec
from app.intake.files import import_files, preview, save_profile
from app.intake.quarantine import list_quarantine
from app.intake.routes import routes_of, versions_of
from app.intake.sources import source_poller
from app.store.engine import Store, open_store
from app.store.models import Message
from bench.bench_memory import write_bomb
from tests.source_servers import BOT_TOKEN, TOKEN, TelegramServer, VkServer, tg_update, vk_post
from tests.test_sources_feeds import _cap

ROOT = Path(__file__).resolve().parents[1]


def rows(store: Store) -> list[tuple]:
    with store.session() as session:
        found = session.scalars(select(Message).order_by(Message.external_id, Message.text))
        return [(m.external_id, m.text, m.published_at, m.author, m.source, m.lat, m.lon, m.url) for m in found]


def full_export() -> dict:
    chat = {"name": "Подслушано Армавир", "type": "public_supergroup", "id": 1234, "messages": [
        {"id": 1, "type": "service", "date": "2024-01-10T08:00:00", "action": "pin_message"},
        {"id": 2, "type": "message", "date": "2024-01-10T08:01:00", "date_unixtime": "1704862860", "from": "Ольга",
         "text": ["Нет воды на ", {"type": "bold", "text": "ул. Кирова"}, " с утра"],
         "edited": "2024-01-10T08:05:00", "edited_unixtime": "1704863100"},
        {"id": 3, "type": "message", "date": "2024-01-10T08:02:00", "date_unixtime": "1704862920", "from": "Олег",
         "text": "", "location_information": {"latitude": 44.99, "longitude": 41.12}},
        {"id": 4, "type": "message", "date_unixtime": "1704862980", "from": "Олег", "text": "И у нас",
         "reply_to_message_id": 2}]}
    left = {"name": "Старый чат", "type": "private_group", "id": 55, "messages": [
        {"id": 9, "type": "message", "date_unixtime": "1704863000", "from": "Ира", "text": "Дерево упало на провода"}]}
    return {"about": "Here is the data you requested.", "personal_information": {"first_name": "Центр"},
            "chats": {"about": "This page lists all chats", "list": [chat]},
            "left_chats": {"about": "Chats you left", "list": [left]}}


def test_whole_telegram_export_with_locations_edits_and_threads(store, tmp_path):
    path = tmp_path / "result.json"
    path.write_text(json.dumps(full_export(), ensure_ascii=False), encoding="utf-8")
    summary = import_files(store, [path])
    found = {r[0]: r for r in rows(store)}
    assert summary.line == "Импортировано 4, дубликатов 0, отклонено 0"
    assert found["-1001234:2"][1:5] == ("Нет воды на ул. Кирова с утра", datetime(2024, 1, 10, 5, 1, tzinfo=UTC),
                                        "Ольга", "telegram")
    assert found["-1001234:3"][5:7] == (44.99, 41.12) and found["-1001234:3"][1] == "Геопозиция"
    assert "-55:9" in found
    with store.session() as session:
        assert session.scalar(select(Message.thread_key).where(Message.external_id == "-1001234:4")) == "-1001234:2"


def test_an_export_and_the_bot_give_one_message_and_the_bots_edit_applies(store, tmp_path):
    path = tmp_path / "result.json"
    path.write_text(json.dumps(full_export(), ensure_ascii=False), encoding="utf-8")
    import_files(store, [path])
    edit = tg_update(7, "edited_message", -1001234, 2, 1704862860, "Воду дали", edit_date=1704870000)
    with TelegramServer([edit]) as bot:
        spec = SourceSpec("telegram_bot", "Бот", bot.url, {"backoff_base": 0.01}, 30.0, True, 3, BOT_TOKEN)
        result = source_poller(store, spec).poll_once()
    assert result.summary.imported == 0 and len(result.summary.edited_ids) == 1
    with store.engine.connect() as conn:
        message_id = result.summary.edited_ids[0]
        assert [text for text, _ in versions_of(conn, message_id)] == ["Нет воды на ул. Кирова с утра"]


def test_profile_saved_once_is_recognised_by_headers_and_files_dedupe_by_content(store, tmp_path):
    header = "Номер обращения;Поступило;Суть обращения;Заявитель;Адрес проблемы"
    body = "\n".join(f"ИМ-{i};22.04.2023 1{i}:00;Не вывозят мусор, двор {i};житель {i};Армавир, ул. Мира, {i}"
                     for i in range(5))
    first = tmp_path / "im_export_april.csv"
    first.write_text(f"{header}\n{body}\n", encoding="utf-8")
    mapping = {"id": "Номер обращения", "time": "Поступило", "text": "Суть обращения", "author": "Заявитель",
               "address": "Адрес проблемы"}
    save_profile(store, "Инцидент Менеджмент", preview(first).headers, mapping)
    later = tmp_path / "выгрузка_май.csv"  # another name, columns in another order, one more row
    reordered = "Суть обращения;Номер обращения;Адрес проблемы;Поступило;Заявитель"
    lines = [f"Не вывозят мусор, двор {i};ИМ-{i};Армавир, ул. Мира, {i};22.04.2023 1{i}:00;житель {i}"
             for i in range(6)]
    later.write_text(reordered + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    assert preview(later, store=store).profile == "Инцидент Менеджмент"
    a, b = import_files(store, [first]), import_files(store, [later])
    assert (a.imported, b.imported, b.duplicates) == (5, 1, 5)
    assert rows(store)[0][:4] == ("ИМ-0", "Не вывозят мусор, двор 0", datetime(2023, 4, 22, 7, 0, tzinfo=UTC),
                                  "житель 0")


def test_the_same_post_from_vk_and_a_platform_spreadsheet_is_one_message_with_both_sources(store, tmp_path):
    now = int(time.time())
    text = "Третий день нет горячей воды в доме 12 по улице Ленина"
    with VkServer({-77: [vk_post(-77, 501, now - 600, text)]}) as server:
        spec = SourceSpec("vk_wall", "Паблик", server.url, {"owners": [-77], "comments": False}, 60.0, True, 5, TOKEN)
        source_poller(store, spec).poll_once()
    sheet = tmp_path / "rv.csv"
    when = datetime.fromtimestamp(now - 600, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    sheet.write_text(f"№;Дата;Текст;Ссылка;Площадка\n9001;{when};{text};https://m.vk.com/wall-77_501?utm_source=x;"
                     "Решаем вместе\n", encoding="utf-8")
    summary = import_files(store, [sheet])
    assert summary.imported == 0 and summary.duplicates == 1
    with store.engine.connect() as conn:
        [message] = conn.execute(select(Message.id)).scalars().all()
        # a file row keeps the file as its source; the platform it names stays visible beside it
        assert [source for source, _ in routes_of(conn, message)] == ["vk", "file:rv.csv (Решаем вместе)"]


def test_hostile_files_reject_the_bad_row_alone(store, tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    good = '{"id": "a", "time": "2023-04-22T12:00:00Z", "text": "Нет света"}'
    (tmp_path / "a.json").write_text('{"items": [' + good + ', {"id": "b", "text": ' + deep + '}, {"id": '
                                     + "7" * 5000 + ', "text": "x"}, ' + good.replace('"a"', '"c"') + "]}",
                                     encoding="utf-8")
    (tmp_path / "b.csv").write_text("id;Дата;Текст\n1;22.04.2023 12:00;ok\n2;22.04.2023 12:00;" + "x" * (17 << 20)
                                    + "\n3;22.04.2023 12:00;Нет газа\n", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(good + "\n" + '{"id": "z", "text": "' + "я" * (9 << 20) + '"}\n'
                                      + good.replace('"a"', '"d"') + "\n" + '{"id": "y", "time": 1682164800, '
                                      '"text": "' + "ж" * (3 << 20) + '"}\n', encoding="utf-8")
    summary = import_files(store, [tmp_path / "a.json", tmp_path / "b.csv", tmp_path / "c.jsonl"])
    reasons = sorted(q.reason for q in list_quarantine(store))
    assert (summary.imported, summary.duplicates, summary.rejected) == (5, 1, 5), (summary.line, reasons)
    assert any("вложена" in r for r in reasons) and any("цифр" in r for r in reasons)
    assert "поле длиннее 16 МБ" in reasons and "строка длиннее 16 МБ" in reasons
    assert "поле «Текст» слишком большое: 6,0 МБ (предел 1 МБ)" in reasons


def test_an_xlsx_bomb_is_refused_by_its_declared_sizes(store, tmp_path):
    path = tmp_path / "bomb.xlsx"
    write_bomb(path, megabytes=300)
    started = time.monotonic()
    summary = import_files(store, [path])
    assert summary.rejected == 1 and time.monotonic() - started < 2.0
    assert "похоже на архивную бомбу" in list_quarantine(store)[0].reason


def _every_kind(folder: Path) -> list[Path]:
    now = "2023-04-22T12:00:00+03:00"
    (folder / "a.csv").write_text(f"id;Дата;Текст;Широта;Долгота\nc1;{now};Нет света;45.1;39.2\n", encoding="utf-8")
    (folder / "b.jsonl").write_text(json.dumps({"id": "j1", "time": now, "text": "Нет воды"}) + "\n", "utf-8")
    (folder / "c.json").write_text(json.dumps([{"id": "k1", "time": now, "text": "Нет газа"}]), "utf-8")
    (folder / "d.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [39.0, 45.0]},
         "properties": {"id": "g1", "date": now, "text": "Подтопление"}}]}), "utf-8")
    (folder / "result.json").write_text(json.dumps(full_export(), ensure_ascii=False), "utf-8")
    book = Workbook()
    book.active.append(["id", "Дата", "Текст"])
    book.active.append(["x1", datetime(2023, 4, 22, 12, 0), "Упало дерево"])
    book.save(folder / "e.xlsx")
    (folder / "f.xml").write_bytes(_cap("W1"))
    return sorted(folder.iterdir())


@pytest.mark.parametrize("kind", ["a.csv", "b.jsonl", "c.json", "d.geojson", "result.json", "e.xlsx", "f.xml"])
def test_command_line_and_the_core_door_import_alike(tmp_path, kind):
    files = {p.name: p for p in _every_kind(tmp_path)}
    cli_db, core_db = tmp_path / "cli.sqlite3", tmp_path / "core.sqlite3"
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "import", str(files[kind]), "--db",
                           f"sqlite:///{cli_db}", "--region", "RU-KDA"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    core = Core(open_store(f"sqlite:///{core_db}"))
    core.use_region("RU-KDA")
    summary = core.import_files([files[kind]])  # what the import dialog and drag-and-drop call
    cli, door = Store(f"sqlite:///{cli_db}"), core.store
    try:
        assert done.stdout.splitlines()[0] == summary.line
        assert rows(cli) == rows(door) and (rows(door) or summary.warnings_added == 1)
    finally:
        cli.close()
        core.close()


@pytest.mark.parametrize("kind", ["a.csv", "b.jsonl", "c.json", "d.geojson", "result.json", "e.xlsx", "f.xml"])
def test_a_dropped_file_through_the_dialog_imports_as_the_core_door(qtbot, tmp_path, kind):
    """Drag-and-drop (the window's ``importable_paths``) opens the import dialog: the same rows as the core's door."""
    from PySide6.QtCore import QMimeData, QUrl

    from widgets.intake.import_dialog import ImportDialog, importable_paths
    from widgets.tasks.worker import DbWorker

    files = {p.name: p for p in _every_kind(tmp_path)}
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(files[kind])), QUrl.fromLocalFile(str(tmp_path / "notes.docx"))])
    dropped = importable_paths(mime)
    assert dropped == [files[kind]]  # what the import does not read is not offered
    dialog_core = Core(open_store(f"sqlite:///{tmp_path / 'dialog.sqlite3'}"))
    core = Core(open_store(f"sqlite:///{tmp_path / 'core.sqlite3'}"))
    for each in (dialog_core, core):
        each.use_region("RU-KDA")
    worker = DbWorker()
    try:
        dialog = ImportDialog(dialog_core, worker, dropped)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=30000)
        with qtbot.waitSignal(dialog.imported, timeout=60000) as signal:
            dialog.import_button.click()
        summary = core.import_files([files[kind]])
        assert signal.args[0].line == summary.line
        assert rows(dialog_core.store) == rows(core.store) and (rows(core.store) or summary.warnings_added == 1)
    finally:
        worker.shutdown()
        dialog_core.close()
        core.close()
