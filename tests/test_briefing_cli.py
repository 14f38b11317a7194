"""``main.py briefing`` in a child process: no system fonts, and one failing format."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from app.intake.writer import store_incoming
from app.store.engine import open_store
from tests.fixtures import fixture_messages, fixture_total
from tests.test_briefing import _pdf_text, embedded_fonts

pytestmark = pytest.mark.gui  # the commands here open Qt (map, PDF)

ROOT = Path(__file__).resolve().parents[1]
EMPTY_FONTCONFIG = '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n'


def _database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    store = open_store(url)
    store_incoming(store, fixture_messages())
    store.close()
    return url


def _run(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    child_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "OPERSHTAB_DATA_DIR": str(tmp_path / "data"),
                 **(env or {})}
    return subprocess.run([sys.executable, "main.py", *args, "--region", "RU-KDA"], cwd=ROOT, env=child_env,
                          capture_output=True,
                          text=True, timeout=180, check=False)


def test_pdf_renders_with_an_empty_fontconfig(tmp_path):
    conf = tmp_path / "fonts.conf"
    conf.write_text(EMPTY_FONTCONFIG)
    env = {"FONTCONFIG_FILE": str(conf), "FONTCONFIG_PATH": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    probe = subprocess.run(["fc-list"], env={**os.environ, **env}, capture_output=True, text=True, check=False)
    assert probe.stdout.strip() == ""  # the child really sees no fonts
    result = _run(tmp_path, "briefing", "--db", _database(tmp_path), "--at", "2026-11-24 17:00", "--format", "pdf",
                  "--out", str(tmp_path / "out"), env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    pdf = tmp_path / "out" / "spravka_2026-11-24_1700.pdf"
    text = _pdf_text(str(pdf))
    assert "Справка оперативного штаба: Краснодарский край" in text and "с 16:00 до 17:00 24.11.2026" in text
    assert f"{fixture_total(2)} сообщений за час" in text and "Электроснабжение" in text
    assert {"PTSans-Regular", "PTSans-Bold"} <= {name.split("+")[-1] for name in embedded_fonts(str(pdf))}
    assert not (tmp_path / "out" / "spravka_2026-11-24_1700.docx").exists()  # only the format asked for


def test_a_failing_docx_keeps_the_pdf_and_exits_non_zero(tmp_path):
    out = tmp_path / "out"
    (out / "spravka_2026-11-24_1700.docx").mkdir(parents=True)  # python-docx cannot write there
    result = _run(tmp_path, "briefing", "--db", _database(tmp_path), "--at", "2026-11-24 17:00",
                  "--format", "pdf,docx", "--out", str(out))
    assert result.returncode == 1
    assert "Ошибка справки DOCX" in result.stderr and "Справка PDF сохранена" in result.stdout
    assert PdfReader(out / "spravka_2026-11-24_1700.pdf").pages


def test_unknown_format_is_refused(tmp_path):
    result = _run(tmp_path, "briefing", "--db", _database(tmp_path), "--format", "pdf,odt", "--out", str(tmp_path))
    assert result.returncode == 2 and "odt" in result.stderr


def test_default_hour_and_both_formats(tmp_path):
    out = tmp_path / "out"
    result = _run(tmp_path, "briefing", "--db", _database(tmp_path), "--out", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    # the last full hour of the data: the fixture's last message is at 17:28 local → 17:00
    assert sorted(p.name for p in out.iterdir()) == ["spravka_2026-11-24_1700.docx", "spravka_2026-11-24_1700.pdf"]
    assert Document(out / "spravka_2026-11-24_1700.docx").tables
