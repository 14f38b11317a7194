"""``main.py classify FILE.jsonl`` as a subprocess: one JSON line per input line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIELDS = ["id", "category", "secondary", "confidence", "is_complaint", "settlement", "municipality", "region",
          "lat", "lon"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "classify", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_classify_writes_one_line_per_input(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.jsonl", [
        {"id": 1, "text": "В Горячем Ключе нет света"},
        {"id": "b", "text": "ЮМР батареи ледяные"},
        {"id": 3, "text": "свет дали, спасибо"},
        {"id": 4, "text": "кто знает, где купить дрова?"},
    ])
    result = _run(str(source))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [list(line) for line in lines] == [FIELDS] * 4
    assert (lines[0]["category"], lines[0]["settlement"], lines[0]["region"]) == ("power", "Горячий Ключ",
                                                                                  "Краснодарский край")
    assert (lines[1]["category"], lines[1]["settlement"]) == ("heating", "Краснодар")
    assert (lines[2]["category"], lines[2]["is_complaint"]) == ("other", False)
    assert lines[3]["settlement"] is None and lines[3]["region"] is None and lines[3]["lat"] is None
    assert lines[0]["municipality"] is None  # no region pack given


def test_classify_with_region_pack_and_out_file(tmp_path: Path, shared_data: Path) -> None:
    source = _write(tmp_path / "in.jsonl", [{"id": 1, "text": "Армавир, нет воды"},
                                             {"id": 2, "text": "нет света", "lat": 45.04, "lon": 38.98}])
    target = tmp_path / "out.jsonl"
    result = _run(str(source), "--out", str(target), "--region-pack", str(shared_data))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["municipality"] == "Армавир"
    assert (lines[1]["municipality"], lines[1]["region"], lines[1]["lat"]) == ("Краснодар", "Краснодарский край",
                                                                              45.04)


def test_classify_reports_bad_lines_and_bad_pack(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "нет газа"}\nnot json\n', encoding="utf-8")
    result = _run(str(source))
    assert result.returncode == 1 and len(result.stdout.splitlines()) == 1 and "строка 2" in result.stderr
    missing = _run(str(source), "--region-pack", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "Пакет региона не найден" in missing.stderr


def test_classify_writes_official_region_names(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.jsonl", [
        {"id": 1, "text": "в Якутске котельная встала, дома +12"},
        {"id": 2, "text": "Новокузнецк, батареи холодные"},
        {"id": 3, "text": "в Грозном нет света"},
        {"id": 4, "text": "Дагестан, Кизляр — канализация разлилась"},
        {"id": 5, "text": "нет воды", "lat": 55.35, "lon": 86.09},
    ])
    result = _run(str(source), "--region", "RU-SA")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["region"] for line in lines] == [
        "Республика Саха (Якутия)", "Кемеровская область — Кузбасс", "Чеченская Республика", "Республика Дагестан",
        "Кемеровская область — Кузбасс"]
    assert (lines[0]["category"], lines[0]["settlement"]) == ("heating", "Якутск")
