"""File import: every format, encodings, separators, header detection, rejects and the summary line."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from app.intake.files import import_files, preview
from app.intake.quarantine import list_quarantine
from app.store.models import Message

ROOT = Path(__file__).resolve().parents[1]
CSV_RU = (
    "Дата;Текст;Источник;Автор;Адрес;Широта;Долгота;Ссылка\n"
    "22.04.2023 15:00;Нет света на улице Красной;vk;Иван;Краснодар, ул. Красная, 5;45,035;38,975;https://vk.com/1\n"
    "22.04.2023 15:05;;vk;Пётр;;;;\n"
    "31.02.2023 10:00;Дата неверная;vk;;;;;\n"
    "22.04.2023 15:07;Координата вне диапазона;vk;;;95;38;\n"
    "22.04.2023 15:08;Координата кривая;vk;;;сорок пять;38;\n"
    "22.04.2023 15:09;Лишнее поле;vk;;;;;;x\n"
)


def messages(store) -> list[Message]:
    with store.session() as session:
        return list(session.scalars(select(Message).order_by(Message.id)))


def reasons(store) -> list[str]:
    return sorted(q.reason for q in list_quarantine(store))


def test_cp1251_semicolon_csv_with_russian_headers(store, tmp_path):
    path = tmp_path / "выгрузка.csv"
    path.write_bytes(CSV_RU.encode("cp1251"))
    summary = import_files(store, [path])
    assert summary.line == "Импортировано 1, дубликатов 0, отклонено 5"
    [row] = messages(store)
    assert (row.text, row.author, row.lat, row.lon) == ("Нет света на улице Красной", "Иван", 45.035, 38.975)
    assert row.source == "file:выгрузка.csv (vk)"  # the file's claim kept, the file stays the source
    assert row.published_at == datetime(2023, 4, 22, 12, 0, tzinfo=UTC)  # 15:00 Moscow, no zone given
    got = reasons(store)
    assert "пустой текст сообщения" in got and "неверная дата: «31.02.2023 10:00»" in got
    assert "координата «Широта» вне диапазона −90…90: 95" in got
    assert "неверная координата «Широта»: «сорок пять»" in got
    assert "неверное число полей: 9 вместо 8" in got
    assert any("Пётр" in q.raw for q in list_quarantine(store))


def test_reimport_adds_nothing(store, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(CSV_RU, encoding="utf-8")
    import_files(store, [path])
    again = import_files(store, [path])
    assert again.line == "Импортировано 0, дубликатов 1, отклонено 5"
    assert len(messages(store)) == 1 and len(list_quarantine(store)) == 5


def test_comma_utf8_csv_english_headers_and_bad_utf8_line(store, tmp_path):
    body = ("id,date,message,author,lat,lon\n"
            "1,2023-04-22T15:00:00+03:00,\"Упало дерево, перекрыта дорога\",anna,45.1,39.0\n").encode()
    body += "2,2023-04-22T15:01:00+03:00,Плохая строка ".encode() + b"\xff\xfe,bob,,\n"
    body += "3,2023-04-22T15:02:00Z,Нет воды,carl,,\n".encode()
    path = tmp_path / "en.csv"
    path.write_bytes(body)
    assert preview(path).mapping == {"id": "id", "time": "date", "text": "message", "author": "author",
                                     "lat": "lat", "lon": "lon"}
    assert import_files(store, [path]).line == "Импортировано 2, дубликатов 0, отклонено 1"
    assert [m.external_id for m in messages(store)] == ["1", "3"]
    assert reasons(store) == ["поле «Текст»: недопустимые символы (не UTF-8)"]


def test_mapping_override_and_oversized_field(store, tmp_path):
    path = tmp_path / "custom.csv"
    path.write_text("Когда,Комментарий\n2023-04-22 10:00,Нет газа\n2023-04-22 10:01," + "я" * 3_000_000 + "\n",
                    encoding="utf-8")
    assert "text" not in preview(path).mapping
    summary = import_files(store, [path], {"time": "Когда", "text": "Комментарий"})
    assert summary.line == "Импортировано 1, дубликатов 0, отклонено 1"
    [reject] = list_quarantine(store)
    assert reject.reason == "поле «Текст» слишком большое: 5,7 МБ (предел 1 МБ)"
    assert len(reject.raw) < 70_000 and "обрезано" in reject.raw


def test_xlsx(store, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Текст", "Дата", "Источник", "Населённый пункт"])
    sheet.append(["Нет света", datetime(2023, 4, 22, 15, 0), "ok", "Анапа"])
    sheet.append(["Без даты", None, "ok", None])
    path = tmp_path / "book.xlsx"
    book.save(path)
    assert import_files(store, [path]).line == "Импортировано 1, дубликатов 0, отклонено 1"
    [row] = messages(store)
    assert row.settlement == "Анапа" and row.published_at == datetime(2023, 4, 22, 12, 0, tzinfo=UTC)
    assert reasons(store) == ["не указана дата"]


def test_json_and_jsonl(store, tmp_path):
    doc = {"items": [{"id": 7, "published_at": "2023-04-22T12:00:00Z", "text": "Подтопление", "geo": {"lat": 45}},
                     {"id": 8, "published_at": "2023-04-22T12:01:00Z", "text": ["список"]}, "строка"]}
    (tmp_path / "a.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    lines = ['{"id": "x1", "time": 1682164800, "text": "Обрыв провода"}', '{"id": "x2", "time": "вчера"',
             '{"id": "x3", "time": 1682164801, "text": "Нет тепла", "lat": 45, "lon": 39}']
    (tmp_path / "b.jsonl").write_text("\n".join(lines), encoding="utf-8")
    summary = import_files(store, [tmp_path / "a.json", tmp_path / "b.jsonl"])
    assert summary.line == "Импортировано 3, дубликатов 0, отклонено 3"
    got = reasons(store)
    assert "запись не является объектом JSON" in got and "поле «Текст»: ожидался текст, получено list" in got
    assert any(r.startswith("повреждённый JSON") for r in got)
    assert {m.external_id for m in messages(store)} == {"7", "x1", "x3"}


def test_geojson_feature_collection(store, tmp_path):
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [38.97, 45.03]},
         "properties": {"text": "Нет света", "date": "2023-04-22T15:00:00+03:00"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [238.0, 45.0]},
         "properties": {"text": "Плохая долгота", "date": "2023-04-22T15:00:00+03:00"}},
    ]
    path = tmp_path / "points.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    assert import_files(store, [path]).line == "Импортировано 1, дубликатов 0, отклонено 1"
    [row] = messages(store)
    assert (row.lat, row.lon) == (45.03, 38.97)
    assert reasons(store) == ["координата «Долгота» вне диапазона −180…180: 238"]


def test_telegram_desktop_export(store, tmp_path):
    export = {"name": "Подслушано Армавир", "type": "public_supergroup", "id": 1001, "messages": [
        {"id": 1, "type": "service", "date": "2024-01-10T08:00:00", "action": "pin_message"},
        {"id": 2, "type": "message", "date": "2024-01-10T08:01:00", "date_unixtime": "1704862860",
         "from": "Ольга", "text": ["Нет воды на ", {"type": "bold", "text": "ул. Кирова"}, " с утра"]},
        {"id": 3, "type": "message", "date": "2024-01-10T08:02:00", "from": "Олег", "text": "",
         "photo": "photos/1.jpg"},
    ]}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    assert import_files(store, [path]).line == "Импортировано 1, дубликатов 0, отклонено 1"
    [row] = messages(store)
    assert (row.text, row.author, row.source, row.external_id) == ("Нет воды на ул. Кирова с утра", "Ольга",
                                                                   "telegram", "-1001001:2")
    assert row.published_at == datetime(2024, 1, 10, 5, 1, tzinfo=UTC)
    assert reasons(store) == ["пустой текст сообщения"]


def test_unreadable_json_file_is_one_reject(store, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"items": [{"text": "обрыв', encoding="utf-8")
    assert import_files(store, [path]).line == "Импортировано 0, дубликатов 0, отклонено 1"
    assert reasons(store)[0].startswith("повреждённый JSON")


def test_cli_import_prints_summary(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(CSV_RU, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "import", str(path), "--db", db],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "Импортировано 1, дубликатов 0, отклонено 5"
    assert len([line for line in lines if line.startswith("  отклонено: строка")]) == 5  # each with its reason
