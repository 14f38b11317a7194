"""Hostile inputs to intake found by an outside tester: real files, the real pipeline and real commands."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from app.intake import Pipeline
from app.intake.files import import_files
from app.store.models import Message

ROOT = Path(__file__).resolve().parents[1]
CLASSIFYING = Pipeline()


def run_main(*args: str, data: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "OPERSHTAB_DATA_DIR": str(data)}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows(rows)
    return path


def messages(store) -> list[Message]:
    with store.session() as session:
        return list(session.scalars(select(Message).order_by(Message.id)))


# 1. Classifying and placing a huge text reads a bounded start of it.

def test_megabyte_text_imports_and_classifies_in_seconds(store, tmp_path: Path) -> None:
    text = "нет света " * 55_000  # 990 KB of UTF-8 (was minutes of CPU: quadratic windows)
    path = write_csv(tmp_path / "long.csv", [["id", "text", "time"], ["1", text[:-1], "2026-12-03 10:00"]])
    started = time.perf_counter()
    summary = import_files(store, [path], pipeline=CLASSIFYING)
    assert time.perf_counter() - started < 5
    assert summary.imported == 1
    stored = messages(store)[0]
    assert stored.category == "power" and len(stored.text) == len(text) - 1  # the stored text stays whole


def test_classify_refuses_a_text_over_the_import_limit_and_is_quick(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": 1, "text": "нет света " * 200_000}, ensure_ascii=False) + "\n"
                      + json.dumps({"id": 2, "text": "нет света " * 50_000}, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    started = time.perf_counter()
    result = run_main("classify", str(source), data=tmp_path / "data")
    assert time.perf_counter() - started < 30
    assert result.returncode == 1
    assert "строка 1 пропущена: текст больше 1 МБ" in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [2]


# 2. A spreadsheet's declared dimension is no promise.

def _sheet_xlsx(path: Path, sheet_data: str, dimension: str = "A1:XFD1048576") -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["text"])
    book.save(path)
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>').encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def test_xlsx_declaring_the_whole_sheet_with_a_far_cell_reads_in_seconds(store, tmp_path: Path) -> None:
    rows = (f'<row r="1">{_cell("A1", "text")}{_cell("B1", "published_at")}</row>'
            f'<row r="2">{_cell("A2", "нет света Краснодар")}{_cell("B2", "2026-12-03 10:00")}</row>'
            f'<row r="1048576">{_cell("XFD1048576", "x")}</row>')
    path = _sheet_xlsx(tmp_path / "far.xlsx", rows)
    assert path.stat().st_size < 10_000
    started = time.perf_counter()
    summary = import_files(store, [path])
    assert time.perf_counter() - started < 10
    assert summary.imported == 1  # the far cell lies outside the header's columns: a blank row
    assert [m.text for m in messages(store)] == ["нет света Краснодар"]


# 3. Grouping into one huge incident costs the same per batch however big the incident is.

def test_growing_incident_is_refreshed_without_loading_its_members(store, tmp_path: Path) -> None:
    from sqlalchemy import event

    rows = [["id", "text", "time", "settlement", "category"]]
    rows += [[str(i), f"нет света {i}", "2026-12-03 10:00", "Краснодар", "power"] for i in range(3001)]
    path = write_csv(tmp_path / "one_town.csv", rows)
    loaded: list[int] = []

    def count(_target: object, _context: object) -> None:
        loaded.append(1)

    event.listen(Message, "load", count)
    try:
        summary = import_files(store, [path], pipeline=Pipeline(classify=False, group=True))
    finally:
        event.remove(Message, "load", count)
    assert summary.imported == 3001 and len(set(summary.incident_ids)) == 1
    # each batch loads its own new messages once; refreshing the incident loads none of the older ones
    assert len(loaded) <= 3001


# 6. A file refused whole fails the command, in Russian.

LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lololololololololol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + ']><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">&lol9;</alert>')


def test_import_of_an_entity_bomb_fails_with_a_russian_reason(tmp_path: Path) -> None:
    bomb = tmp_path / "warning.xml"
    bomb.write_text(LAUGHS, encoding="utf-8")
    good = write_csv(tmp_path / "ok.csv", [["id", "text", "time"], ["1", "нет воды", "2026-12-03 10:00"]])
    result = run_main("import", str(bomb), str(good), "--no-classify", data=tmp_path / "data")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Импортировано 1" in result.stdout
    assert "warning.xml: предупреждение CAP не принято: XML раздувается сущностями" in result.stdout
    assert "amplification" not in result.stdout


def test_zip_over_the_limit_says_more_than_the_limit(tmp_path: Path) -> None:
    import zipfile

    from app.intake.files.archive import MB, ZipLimits, zip_problem

    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.bin", b"\0" * (MB + 1))
    assert zip_problem(path, ZipLimits(total=MB)) == "архив распаковывается в 2 МБ — больше предела 1 МБ"


# 7, 8. Bad arguments and inputs give one Russian line, never a traceback.

def test_bad_arguments_of_import_poll_and_classify_are_one_russian_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    good = write_csv(tmp_path / "ok.csv", [["id", "text", "time"], ["1", "нет воды", "2026-12-03 10:00"]])
    cp1251 = tmp_path / "in.jsonl"
    cp1251.write_bytes('{"id": 1, "text": "нет света"}\n'.encode("cp1251"))
    bad_json = tmp_path / "gold.jsonl"
    bad_json.write_text('{"id": 1, "text": "обрыв\n', encoding="utf-8")
    cases = [
        (("import", str(good), "--mapping", '{"text": ["a"]}'), "--mapping: ожидается объект JSON"),
        (("import", str(good), "--mapping", '{"text": "nosuchcol"}'), "в файле ok.csv нет столбца «nosuchcol»"),
        (("poll", "--url", "http://[::1", "--once"), "--url: адрес не разбирается"),
        (("poll", "--url", "http://127.0.0.1:9/x", "--once", "--token", "a\r\nX-Evil: 1"), "управляющие символы"),
        (("poll", "--url", "http://127.0.0.1:9/x", "--once", "--page-size", "0"), "от 1 до 1000"),
        (("poll", "--url", "http://127.0.0.1:9/x", "--once", "--interval", "0"), "больше 0"),
        (("classify", str(cp1251)), "не в кодировке UTF-8"),
        (("classify", str(bad_json), "--evaluate"), "размеченный файл не читается"),
        (("classify", str(good), "--out", str(tmp_path / "missing" / "o.jsonl")), "missing"),
    ]
    for args, expected in cases:
        result = run_main(*args, data=data)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert expected in result.stderr and "Traceback" not in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)
        assert "Внутренняя ошибка" not in result.stderr and "No such file" not in result.stderr, args


def test_failed_poll_prints_one_line_on_stderr(tmp_path: Path) -> None:
    result = run_main("poll", "--url", "http://127.0.0.1:9/x", "--once", data=tmp_path / "data")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("Ошибка: опрос не удался: ")


# 4. The encoding of a CSV is decided robustly.

def _encoded_csv(path: Path, encoding: str, tail: bytes = b"") -> Path:
    text = "id,text,time\n1,нет света в Краснодаре,2026-12-03 10:00\n2,и воды нет в Армавире,2026-12-03 10:05\n"
    path.write_bytes(text.encode(encoding) + tail)
    return path


def test_utf8_with_one_stray_byte_stays_utf8(store, tmp_path: Path) -> None:
    path = tmp_path / "u.csv"  # half the non-ASCII lines carry a stray byte (was: the whole file read as cp1251)
    path.write_bytes("id,text,time\n1,нет света в Краснодаре,2026-12-03 10:00\n".encode()
                     + "2,нет воды ".encode() + b"\xff,2026-12-03 10:06\n")
    summary = import_files(store, [path])
    assert summary.imported == 1 and summary.rejected == 1  # the stray row is named, not the file garbled
    assert [m.text for m in messages(store)] == ["нет света в Краснодаре"]


def test_koi8r_and_utf16_with_bom_are_read(store, tmp_path: Path) -> None:
    koi8 = _encoded_csv(tmp_path / "k.csv", "koi8-r")
    utf16 = _encoded_csv(tmp_path / "w.csv", "utf-16")  # Python writes the BOM
    assert import_files(store, [koi8]).imported == 2
    assert import_files(store, [utf16]).duplicates == 2  # the same rows, read alike
    assert [m.text for m in messages(store)] == ["нет света в Краснодаре", "и воды нет в Армавире"]


# 5. Binary files are refused whole, not read as text rows.

def test_zip_pdf_and_binary_files_are_refused_whole(tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "rows.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        packed.writestr("a.csv", "id,text,time\n" + "".join(f"{i},нет света,2026-12-03 10:00\n" for i in range(500)))
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 200)
    blob = tmp_path / "dump.csv"
    blob.write_bytes(b"id,text\n" + b"\x00\x01\n" * 5000)
    result = run_main("import", "--no-classify", str(archive), str(pdf), str(blob), data=tmp_path / "data")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "Импортировано 0, дубликатов 0, отклонено 3"
    for name in ("rows.zip", "report.pdf", "dump.csv"):
        assert any(line.startswith(f"  отклонено: {name}: формат файла не поддерживается: ") for line in lines), name


# 9. A file never poses as another source.

def test_a_file_row_claiming_vk_keeps_the_file_as_its_source(store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "claim.csv", [["id", "text", "time", "source"],
                                              ["1", "нет воды", "2026-12-03 10:00", "vk"]])
    assert import_files(store, [path]).imported == 1
    [row] = messages(store)
    assert row.source == "file:claim.csv (vk)"
