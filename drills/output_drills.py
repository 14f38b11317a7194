"""Outputs: a full disk leaves the previous exports and briefing whole; public text is inert in every output;
overlay files beyond the limits are refused quickly within bounded memory (real processes, real files)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.intake.writer import Incoming, store_incoming
from drills.core import Checks, SkipDrillError, drill, temp_store
from drills.storage_drills import _mount_tmpfs

ROOT = Path(__file__).resolve().parents[1]
START = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
HOSTILE = "=cmd|' /C calc'!A0 <img src=x onerror=alert(1)>\x01\x0b Света нет"
EXPORTS = ("gpkg", "shp", "kmz", "kml", "geojson", "csv", "xlsx")


def _messages(n: int, text: str = "Нет света на улице Ленина") -> list[Incoming]:
    return [Incoming(source="drill", text=f"{text} {i}", published_at=START + timedelta(minutes=i % 180),
                     external_id=f"d{i}", lat=45.0 + i * 1e-4, lon=39.0, settlement="Краснодар",
                     region="Краснодарский край", category="power") for i in range(n)]


def _main(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPERSHTAB_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def _fill(folder: Path) -> None:
    with open(folder / "filler", "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError:
            pass


def _said(output: str) -> str:
    """What the command told the operator (its Russian lines), without Qt's and Chromium's own chatter."""
    return " / ".join(line for line in output.splitlines() if line.startswith(("Ошибка", "Справка")))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != "filler"}


@drill("output: full disk keeps the previous exports and briefing", "export messages (GeoPackage, Shapefile, KMZ, "
       "KML, GeoJSON, CSV, XLSX) and a DOCX briefing onto a 3 MB tmpfs, fill it, export again as real processes")
def full_disk(checks: Checks) -> None:
    if os.geteuid() != 0:
        raise SkipDrillError("mounting a small tmpfs needs root")
    with temp_store() as (store, tmp):
        store_incoming(store, _messages(400))
        mount = Path(tempfile.mkdtemp(prefix="opershtab-out-"))
        if not _mount_tmpfs(mount, 3072):
            raise SkipDrillError("tmpfs mount not permitted here")
        try:
            _exports_on_full_disk(checks, store.url, mount, tmp)
        finally:
            subprocess.run(["umount", str(mount)], check=False)
            shutil.rmtree(mount, ignore_errors=True)


def _exports_on_full_disk(checks: Checks, url: str, mount: Path, tmp: Path) -> None:
    for fmt in EXPORTS:
        done = _main("export", "messages", "--db", url, "--region", "RU-KDA", "--format", fmt,
                     "--out", str(mount / f"m.{fmt}"), data=tmp / "data")
        checks.check(done.returncode == 0, f"first {fmt} export written ({done.stdout.strip() or done.stderr[-200:]})")
    briefing = _main("briefing", "--db", url, "--region", "RU-KDA", "--format", "docx", "--out", str(mount),
                     "--at", "2026-11-24 17:00", data=tmp / "data")
    checks.check(briefing.returncode == 0, f"first DOCX briefing written ({_said(briefing.stdout)})")
    before = _snapshot(mount)
    _fill(mount)
    for fmt in EXPORTS:
        started = time.monotonic()
        done = _main("export", "messages", "--db", url, "--region", "RU-KDA", "--format", fmt,
                     "--out", str(mount / f"m.{fmt}"), data=tmp / "data")
        line = done.stderr.strip()
        checks.note(f"{fmt}: exit {done.returncode} in {time.monotonic() - started:.1f} s: {line}")
        checks.check(done.returncode == 2 and line == f"Ошибка: Нет места на диске: m.{fmt} не записан, прежний файл "
                     "сохранён", f"{fmt} on a full disk: one Russian sentence, exit code 2")
    briefing = _main("briefing", "--db", url, "--region", "RU-KDA", "--format", "docx", "--out", str(mount),
                     "--at", "2026-11-24 17:00", data=tmp / "data")
    checks.note(f"docx: exit {briefing.returncode}: {_said(briefing.stderr)}")
    checks.check(briefing.returncode != 0 and "Нет места на диске" in briefing.stderr
                 and "Traceback" not in briefing.stderr, "DOCX briefing on a full disk: says the disk is full")
    (mount / "filler").unlink()
    after = _snapshot(mount)
    checks.check(after == before, f"all {len(before)} previous files byte for byte, no temporary files left "
                 f"({sorted(set(after) ^ set(before)) or 'none differ'})")


@drill("output: hostile public text is inert", "messages with U+0001, a formula and markup exported to XLSX, "
       "GeoPackage, KML and a DOCX briefing; read back with openpyxl, GDAL and python-docx")
def hostile_text(checks: Checks) -> None:
    from docx import Document
    from openpyxl import load_workbook
    from pyogrio.raw import read

    with temp_store() as (store, tmp):
        store_incoming(store, _messages(30, HOSTILE))
        out = tmp / "out"
        out.mkdir()
        for fmt in ("xlsx", "gpkg", "kml"):
            done = _main("export", "messages", "--db", store.url, "--region", "RU-KDA", "--format", fmt,
                         "--out", str(out / f"m.{fmt}"), data=tmp / "data")
            checks.check(done.returncode == 0, f"{fmt} export of hostile text succeeds")
        sheet = load_workbook(out / "m.xlsx", read_only=True).active
        texts = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
        checks.check(len(texts) == 30 and all(t.startswith("'=cmd") and "\x01" not in t for t in texts),
                     "XLSX: 30 cells start with an apostrophe, no control characters")
        meta, _f, _g, values = read(str(out / "m.gpkg"))[:4]
        gpkg = list(values[list(meta["fields"]).index("text")])
        checks.check(all(t.startswith("'=cmd") for t in gpkg), "GeoPackage: the formula is defused")
        kml = (out / "m.kml").read_bytes()
        checks.check(b"<img" not in kml and b"\x01" not in kml, "KML: markup escaped, control characters gone")
        done = _main("briefing", "--db", store.url, "--region", "RU-KDA", "--format", "docx", "--out", str(out),
                     "--at", "2026-11-24 15:00", data=tmp / "data")
        docx = next(out.glob("*.docx"), None)
        text = "\n".join(p.text for p in Document(str(docx)).paragraphs) if docx else ""
        checks.check(done.returncode == 0 and "Света нет" in text and "\x01" not in text,
                     f"DOCX briefing with U+0001 in quotes renders and reads back ({_said(done.stdout + done.stderr)})")


CHILD = """
import json, sys, time
from app.ops.overlay_files import OverlayError, read_overlay
def peak_mb():  # this process's own high-water mark (ru_maxrss would include the parent's, kept across exec)
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'):
            return int(line.split()[1]) / 1024
    return 0.0
started = time.monotonic()
try:
    read_overlay(sys.argv[1]); reason = None
except OverlayError as exc:
    reason = str(exc)
print(json.dumps({"reason": reason, "seconds": round(time.monotonic() - started, 3), "peak_mb": round(peak_mb())}))
"""


@drill("output: overlay files beyond the limits are refused", "import a KMZ declaring 1 GB, a 30,000-feature "
       "GeoJSON and a 60 MB GeoPackage as overlays, each in its own process; measure seconds and peak memory")
def overlay_limits(checks: Checks) -> None:
    folder = Path(tempfile.mkdtemp(prefix="opershtab-overlay-"))
    try:
        for path, expected in ((_bomb(folder / "bomb.kmz"), "распаковывается"),
                               (_many(folder / "many.geojson"), "объектов"), (_big(folder / "big.gpkg"), "МБ")):
            done = subprocess.run([sys.executable, "-c", CHILD, str(path)], cwd=ROOT, capture_output=True, text=True,
                                  timeout=120, check=False)
            result = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else {}
            checks.note(f"{path.name} ({path.stat().st_size / 2**20:.1f} MB on disk): {result}")
            checks.check(expected in (result.get("reason") or "") and result.get("seconds", 99) < 10
                         and result.get("peak_mb", 9999) < 500, f"{path.name}: refused with a reason, < 10 s, < 500 MB")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("doc.kml", "w", force_zip64=True) as entry:
        chunk = b" " * (1 << 22)
        for _ in range(256):  # 1 GB of spaces, about 1 MB compressed
            entry.write(chunk)
    return path


def _many(path: Path) -> Path:
    features = ",".join('{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[39,45]}}'
                        for _ in range(30000))
    path.write_text('{"type":"FeatureCollection","features":[' + features + "]}", encoding="utf-8")
    return path


def _big(path: Path) -> Path:
    with open(path, "wb") as handle:
        handle.truncate(60 * 2**20)
    return path
