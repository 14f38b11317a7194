"""Every command meets bad input with one Russian sentence and a non-zero exit code, never a traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEAD_PG = "postgresql+psycopg://nobody@127.0.0.1:9/nowhere"  # port 9 (discard): nothing listens
CYRILLIC = re.compile("[а-яА-ЯёЁ]")

BAD_DB = {
    "unreachable PostgreSQL": DEAD_PG,
    "unknown scheme": "mysql://root@127.0.0.1/test",
    "gibberish": "не адрес",
}


def _commands(tmp: Path) -> dict[str, list[str]]:
    csv_file = tmp / "in.csv"
    csv_file.write_text("Дата;Текст\n24.11.2026 10:00;нет света\n", encoding="utf-8")
    return {
        "import": ["import", str(csv_file)],
        "poll": ["poll", "--url", "http://127.0.0.1:9/messages", "--once"],
        "export hourly": ["export", "hourly", "--from", "2026-11-24 10:00", "--to", "2026-11-24 12:00",
                          "--out", str(tmp / "h.csv")],
        "export messages": ["export", "messages", "--out", str(tmp / "m.csv")],
        "briefing": ["briefing", "--out", str(tmp / "out")],
        "selftest": ["selftest"],
        "settings": ["settings", "list"],
        "assistance": ["assistance", "export", "--format", "geojson", "--out", str(tmp / "a.geojson")],
        "classify": ["classify", str(tmp / "in.jsonl")],
    }


def _run(args: list[str], tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPERSHTAB_DATA_DIR": str(tmp / "data"), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def _assert_one_russian_line(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and CYRILLIC.search(lines[0]), result.stderr


QT_FREE = ["import", "poll", "export hourly", "export messages", "settings", "assistance"]
# The Qt commands cost seconds per run: the unreachable server stands for every bad URL there.
GUI = pytest.mark.gui
CASES = [(c, k) for c in QT_FREE if c != "assistance" for k in sorted(BAD_DB)] + [
    pytest.param(c, k, marks=GUI) for c in ("briefing", "selftest", "assistance") for k in sorted(BAD_DB)
    if c == "assistance" or k == "unreachable PostgreSQL"]


@pytest.mark.parametrize(("command", "kind"), CASES)
def test_bad_database_url(tmp_path, command, kind):
    args = _commands(tmp_path)[command]
    _assert_one_russian_line(_run([*args, "--db", BAD_DB[kind]], tmp_path))


@pytest.mark.parametrize("command", ["export hourly", "export messages", pytest.param("briefing", marks=GUI),
                                     pytest.param("selftest", marks=GUI), pytest.param("assistance", marks=GUI)])
def test_reading_commands_refuse_a_missing_sqlite_file(tmp_path, command):
    missing = tmp_path / "no" / "such.sqlite3"
    result = _run([*_commands(tmp_path)[command], "--db", f"sqlite:///{missing}"], tmp_path)
    _assert_one_russian_line(result)
    assert "не найдена" in result.stderr and not missing.exists()


def test_missing_input_files(tmp_path):
    result = _run(["import", str(tmp_path / "nope.csv")], tmp_path)
    assert result.returncode != 0 and "Traceback" not in result.stdout + result.stderr
    assert "Файл не найден" in result.stdout + result.stderr
    _assert_one_russian_line(_run(["classify", str(tmp_path / "nope.jsonl")], tmp_path))


@pytest.mark.parametrize("command", ["export hourly", "export messages"])
def test_missing_output_folder(tmp_path, command):
    args = [a.replace(str(tmp_path), str(tmp_path / "no" / "dir")) if a.endswith((".csv",)) else a
            for a in _commands(tmp_path)[command]]
    result = _run([*args, "--region", "RU-KDA"], tmp_path)
    _assert_one_russian_line(result)
    assert "Папка" in result.stderr


def test_unknown_region_and_broken_pack(tmp_path):
    _assert_one_russian_line(_run(["settings", "list", "--region", "RU-XX"], tmp_path))
    pack = tmp_path / "pack.geojson"
    pack.write_text("{ not json", encoding="utf-8")
    result = _run(["settings", "list", "--region-pack", str(pack)], tmp_path)
    _assert_one_russian_line(result)
    assert "pack.geojson" in result.stderr


def test_bad_options_are_explained_in_russian(tmp_path):
    result = _run(["export", "hourly", "--from", "вчера"], tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "ошибка в параметрах" in result.stderr


@pytest.mark.parametrize("command", [[], ["export"], ["sources"], ["settings"], ["import"]])
def test_help_is_russian_and_names_the_usage_once(tmp_path: Path, command: list[str]) -> None:
    result = _run([*command, "--help"], tmp_path)
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("использование: opershtab") and first.count("использование") == 1, first
    for english in ("show this help", "show program's", "usage:", "options:", "positional arguments"):
        assert english not in result.stdout, english


@pytest.mark.parametrize("fmt", ["csv", "gpkg"])
def test_a_folder_under_the_output_name_is_said_in_russian(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "out").mkdir()
    result = _run(["export", "messages", "--db", f"sqlite:///{tmp_path / 'x.sqlite3'}", "--create",
                   "--format", fmt, "--out", str(tmp_path / "out")], tmp_path)
    _assert_one_russian_line(result)
    assert "на этом месте папка" in result.stderr and "Is a directory" not in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "gpkg", "shp"])
def test_an_export_never_replaces_a_pipe_and_writes_through_a_link(tmp_path: Path, fmt: str) -> None:
    import stat

    pipe = tmp_path / f"pipe.{fmt}"
    os.mkfifo(pipe)
    db = ["--db", f"sqlite:///{tmp_path / 'x.sqlite3'}", "--create", "--format", fmt]
    result = _run(["export", "messages", *db, "--out", str(pipe)], tmp_path)
    _assert_one_russian_line(result)
    assert "не обычный файл" in result.stderr and stat.S_ISFIFO(pipe.lstat().st_mode)
    real, link = tmp_path / f"real.{fmt}", tmp_path / f"link.{fmt}"
    real.write_bytes(b"old")
    link.symlink_to(real)
    result = _run(["export", "messages", *db, "--out", str(link)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and real.read_bytes() != b"old"


@pytest.mark.gui
def test_a_headless_briefing_prints_only_its_own_lines(tmp_path: Path) -> None:
    result = _run(["briefing", "--region", "RU-KDA", "--db", f"sqlite:///{tmp_path / 'x.sqlite3'}", "--create",
                   "--out", str(tmp_path)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # no Chromium GPU/D-Bus chatter
    assert result.stdout.count("Справка") == 2, result.stdout
