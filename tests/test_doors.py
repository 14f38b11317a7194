"""One core for every door: the same 500 realistic messages through every way in give the same stored rows.

Doors: ``python main.py import`` (CSV), the import dialog (which drag-and-drop opens too), ``python main.py
poll`` against a local feed serving the same rows, and the demo scenario's player. Each door's database is
read back with ``python main.py export messages``; category, secondary category, settlement, municipality,
region and the grouping into incidents must be identical, and classification must have run on every door.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.core import open_core
from app.demo.play import play
from app.demo.simulator import SimMessage
from tests.faulty_server import FaultyServer

ROOT = Path(__file__).resolve().parents[1]
START = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
COMPARED = ("Текст", "Опубликовано (местное время)", "Код категории", "Код второй категории", "Населённый пункт",
            "Муниципалитет", "Регион")


def _messages() -> list[dict]:
    """500 messages written by people (the labelled sets), spread over six hours."""
    records = []
    for name in ("unseen_a.jsonl", "holdout_messages.jsonl"):
        lines = (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines()
        records += [json.loads(line) for line in lines if line.strip()]
    return [{"id": f"d-{i:04d}", "text": r["text"], "author": f"житель {i % 37}",
             "time": START + timedelta(seconds=43 * i)} for i, r in enumerate(records[:500])]


def _run(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPERSHTAB_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result


def _csv(path: Path, messages: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["ID", "Дата", "Автор", "Текст"])
        for m in messages:
            writer.writerow([m["id"], m["time"].isoformat(), m["author"], m["text"]])
    return path


def _exported(db: str, tmp: Path, pack: Path) -> list[dict]:
    out = tmp / f"export-{abs(hash(db))}.csv"
    _run("export", "messages", "--db", db, "--region", "RU-KDA", "--region-pack", str(pack), "--out", str(out),
         data=tmp / "data")
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return sorted(rows, key=lambda r: (r["Опубликовано (местное время)"], r["Текст"]))


def _incident_groups(rows: list[dict]) -> list[tuple[int, ...]]:
    """Which messages share an incident, as positions (incident numbers differ between doors)."""
    groups: dict[str, list[int]] = {}
    for position, row in enumerate(rows):
        if row["Происшествие"]:
            groups.setdefault(row["Происшествие"], []).append(position)
    return sorted(tuple(g) for g in groups.values())


def _dialog_door(qtbot, db: str, path: Path, pack: Path) -> None:
    from widgets.intake.import_dialog import ImportDialog
    from widgets.tasks.worker import DbWorker

    core = open_core(db, region="RU-KDA", region_pack=str(pack))
    worker = DbWorker()
    dialog = ImportDialog(core, worker, [path])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=30000)
    with qtbot.waitSignal(dialog.imported, timeout=120000):
        dialog.import_button.click()
    worker.shutdown()
    core.close()


def _demo_door(db: str, messages: list[dict], pack: Path) -> None:
    class Scenario:
        def messages_between(self, start: datetime, end: datetime) -> list[SimMessage]:
            return [SimMessage(m["id"], "demo", m["time"], m["author"], "", m["text"], None, "", None, None, None,
                               "other") for m in messages if start <= m["time"] < end]

    core = open_core(db, region="RU-KDA", region_pack=str(pack))
    play(core.store, Scenario(), START, START + timedelta(days=1), core.pipeline)  # type: ignore[arg-type]
    core.close()


def test_every_door_stores_the_same_rows(qtbot, tmp_path, shared_data):
    pack = shared_data / "boundaries" / "krasnodar_krai_municipalities.geojson"
    messages = _messages()
    source = _csv(tmp_path / "messages.csv", messages)
    dbs = {door: f"sqlite:///{tmp_path / (door + '.sqlite3')}" for door in ("cli", "dialog", "poll", "demo")}
    common = ("--region", "RU-KDA", "--region-pack", str(pack))
    _run("import", str(source), "--db", dbs["cli"], *common, data=tmp_path / "data")
    _dialog_door(qtbot, dbs["dialog"], source, pack)
    items = [{"id": m["id"], "source": "feed", "published_at": m["time"].isoformat(), "author": m["author"],
              "text": m["text"]} for m in messages]
    with FaultyServer(items, []) as server:
        _run("poll", "--url", server.url, "--once", "--db", dbs["poll"], *common, data=tmp_path / "data")
    _demo_door(dbs["demo"], messages, pack)

    exported = {door: _exported(db, tmp_path, pack) for door, db in dbs.items()}
    reference = exported["cli"]
    assert len(reference) == 500
    assert {r["Код категории"] for r in reference} > {"other"}  # classified, not all «Прочее»
    assert sum(1 for r in reference if r["Населённый пункт"]) > 250 and any(r["Муниципалитет"] for r in reference)
    assert _incident_groups(reference), "messages were grouped into incidents"
    for door, rows in exported.items():
        assert [tuple(r[c] for c in COMPARED) for r in rows] == [tuple(r[c] for c in COMPARED) for r in reference], door
        assert _incident_groups(rows) == _incident_groups(reference), door


@pytest.fixture
def shared_data() -> Path:
    path = ROOT.parent / "shared" / "data"
    if not path.is_dir():
        pytest.skip(f"shared region data not found at {path} (checkout without ../shared)")
    return path
