"""``main.py export hourly`` as a user runs it: CSV and XLSX read back."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.categories import CODES, label
from app.intake.writer import store_incoming
from app.store.engine import open_store
from tests.analytics_helpers import add
from tests.fixtures import FIXTURE_COUNTS, fixture_messages

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPERSHTAB_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args, "--region", "RU-KDA"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'export.sqlite3'}"
    store = open_store(url)
    store_incoming(store, fixture_messages())  # 14:00-17:00 Moscow on 24.11.2026
    midnight = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)  # 00:00 on 25.11 in Moscow
    add(store, [midnight - timedelta(seconds=1)], "gas", "Армавир")
    add(store, [midnight, midnight + timedelta(minutes=5)], "gas", "Туапсе")
    store.close()
    return url


def test_csv_by_category(db_url, tmp_path):
    out = tmp_path / "hourly.csv"
    result = _run("export", "hourly", "--db", db_url, "--from", "2026-11-24 13:00", "--to", "2026-11-25 01:00",
                  "--by", "category", "--format", "csv", "--out", str(out), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "12 часов" in result.stdout
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["Час", *(f"{label(c)} ({c})" for c in CODES), "Всего"]
    rows = [{("hour" if k == "Час" else "total" if k == "Всего" else k.rsplit("(", 1)[-1].rstrip(")")): v
             for k, v in row.items()} for row in rows]
    assert [r["hour"] for r in rows[:2]] == ["2026-11-24 13:00", "2026-11-24 14:00"]
    assert [int(r["power"]) for r in rows[1:5]] == FIXTURE_COUNTS["power"]
    assert rows[-1]["hour"] == "2026-11-25 00:00" and rows[-1]["gas"] == "2"
    assert rows[-2]["hour"] == "2026-11-24 23:00" and rows[-2]["gas"] == "1"
    assert all(int(r["total"]) == sum(int(r[c]) for c in CODES) for r in rows)


def test_xlsx_by_municipality(db_url, tmp_path):
    out = tmp_path / "hourly.xlsx"
    result = _run("export", "hourly", "--db", db_url, "--from", "2026-11-24 23:00", "--to", "2026-11-25 02:00",
                  "--by", "municipality", "--format", "xlsx", "--out", str(out), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    sheet = load_workbook(out).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["Час", "Туапсе", "Армавир", "Всего"]
    assert values[1:] == [["2026-11-24 23:00", 0, 1, 1], ["2026-11-25 00:00", 2, 0, 2], ["2026-11-25 01:00", 0, 0, 0]]


def test_bad_window_is_refused(tmp_path):
    result = _run("export", "hourly", "--from", "2026-11-24 13:00", "--to", "2027-01-24 13:00",
                  "--out", str(tmp_path / "x.csv"), data_dir=tmp_path)
    assert result.returncode == 2 and "30 суток" in result.stderr
    result = _run("export", "hourly", "--from", "24.11.2026", "--to", "2027-01-24 13:00",
                  "--out", str(tmp_path / "x.csv"), data_dir=tmp_path)
    assert result.returncode == 2 and "ГГГГ-ММ-ДД" in result.stderr
