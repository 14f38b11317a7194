"""The command line as a user runs it: real processes, offscreen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.intake.writer import store_incoming
from app.store.engine import open_store
from tests.fixtures import FIXTURE_START, fixture_messages

pytestmark = pytest.mark.gui  # the commands here open Qt (map, PDF)

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, data_dir: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPERSHTAB_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def test_help_lists_commands(tmp_path):
    result = _run("--help", data_dir=tmp_path)
    assert result.returncode == 0
    for word in ("selftest", "briefing", "--db", "--demo"):
        assert word in result.stdout


def test_selftest_reports_working_offline_map(tmp_path):
    result = _run("selftest", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["leaflet_loaded"] is True
    assert report["blocked_requests"] == 0
    assert report["markers_rendered"] == report["markers_expected"] > 50


def test_selftest_uses_given_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'given.sqlite3'}"
    store = open_store(url)
    store_incoming(store, fixture_messages())
    store.close()
    result = _run("selftest", "--db", url, data_dir=tmp_path)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["markers_rendered"] == len(fixture_messages())


def test_briefing_command_writes_pdf(tmp_path):
    url = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    store = open_store(url)
    store_incoming(store, fixture_messages())
    store.close()
    result = _run("--db", url, "--region", "RU-KDA", "briefing", "--out", str(tmp_path / "out"),
                  "--at", "2026-11-24 17:00", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    pdfs = list((tmp_path / "out").glob("*.pdf"))
    assert [p.name for p in pdfs] == ["spravka_2026-11-24_1700.pdf"]
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdfs[0]).pages).split())
    assert "16:00 до 17:00 24.11.2026" in text
    assert FIXTURE_START.year == 2026


def test_demo_window_starts_and_exits_cleanly(tmp_path):
    shot = tmp_path / "window.png"
    result = _run("--demo", "--speed", "600", "--exit-after", "6", "--screenshot", str(shot), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Fatal" not in result.stderr and "Segmentation" not in result.stderr
    assert shot.stat().st_size > 50_000
    assert (tmp_path / "demo.sqlite3").exists()
