"""Hostile region packs: broken, moved, truncated, recursive, absurd — one Russian line naming the file, never a
Python error text, and a remembered pack gone bad never stops the program from starting."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from app.core import Core
from app.region.packs import RegionPackError, load_region_pack
from drills.core import Checks, drill, temp_store

ROOT = Path(__file__).resolve().parents[1]
SQUARE = [[38.0, 45.0], [38.5, 45.0], [38.5, 45.5], [38.0, 45.5], [38.0, 45.0]]
HEADER = "region,municipality,population,year,source\n"


def _collection(*features: dict) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False)


def _feature(name: str, ring: list) -> dict:
    return {"type": "Feature", "properties": {"district": name}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


GOOD = _collection(_feature("Район", SQUARE))
CASES: dict[str, tuple[str, str | None]] = {  # what is wrong → (boundaries text, population CSV or None)
    "truncated": (GOOD[: len(GOOD) // 2], None),
    "recursion 100,000 deep": ('{"type": "FeatureCollection", "features": ' + "[" * 100_000 + "]" * 100_000 + "}",
                               None),
    "invalid geometry (a ring of two points)": (_collection(_feature("Район", [[38.0, 45.0], [38.0, 45.0]])), None),
    "coordinates 1e308": (_collection(_feature("Район", [[38.0, 45.0], [1e308, 45.0], [38.5, 45.5], [38.0, 45.0]])),
                          None),
    "self-intersections everywhere": (_collection(*(_feature(f"Район {i}", [[38.0, 45.0], [38.5, 45.5], [38.5, 45.0],
                                                                           [38.0, 45.5], [38.0, 45.0]])
                                                   for i in range(50))), None),
    "coordinates NaN": (_collection(_feature("Район", [[float("nan"), 45.0], [38.5, 45.0], [38.5, 45.5],
                                                      [38.0, 45.0]])), None),
    "population 10^40": (GOOD, HEADER + "test,Район," + "1" + "0" * 40 + ",2021,x\n"),
    "non-ASCII digits in population": (GOOD, HEADER + "test,Район,١٠٠٠,2021,x\n"),
    "not UTF-8 at all": ("\xff\xfe".encode("latin-1").decode("latin-1") + GOOD, None),
}


def _write(folder: Path, text: str, population: str | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "test_municipalities.geojson"
    path.write_bytes(text.encode("utf-8", "surrogatepass") if not text.startswith("\xff") else
                     b"\xff\xfe" + text[2:].encode())
    if population is not None:
        (folder / "pop.csv").write_text(population, encoding="utf-8")
    return path


def _command(pack: Path, rows: Path, db: str) -> tuple[int, str, float]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "import", str(rows), "--db", db, "--no-classify",
                           "--region-pack", str(pack)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    return done.returncode, (done.stdout + done.stderr).strip(), time.monotonic() - started


def _load(pack: Path) -> tuple[str, str, float]:
    """(outcome, the line a user reads, seconds) of loading ``pack`` as the core does."""
    started = time.monotonic()
    try:
        load_region_pack(pack)
        outcome, line = "loaded", "загружен"
    except RegionPackError as exc:
        outcome, line = "refused", str(exc)
    except Exception as exc:  # what the drill is after: a Python error escaping the pack loader
        outcome, line = "python error", f"{exc.__class__.__name__}: {exc}"
    return outcome, line, time.monotonic() - started


@drill("hostile: broken, moved and absurd region packs", f"load {len(CASES)} hostile region packs (truncated, "
       "100,000-deep, invalid and self-intersecting geometry, NaN coordinates, 10^40 and non-ASCII populations, "
       "not UTF-8); python main.py import with one; a remembered pack broken and moved before the next start")
def hostile_packs(checks: Checks) -> None:
    with temp_store() as (store, tmp):
        for number, (name, (text, population)) in enumerate(CASES.items()):
            pack = _write(tmp / f"pack{number}", text, population)
            outcome, line, seconds = _load(pack)
            checks.note(f"{name}: {outcome} in {seconds:.1f} s: {line[:220]}")
            named = outcome == "loaded" or pack.name in line or "pop.csv" in line
            checks.check(outcome != "python error" and named and seconds < 30,
                         f"{name}: {'loads' if outcome == 'loaded' else 'one Russian line naming the file'}, "
                         "no Python error text")
        rows = tmp / "rows.csv"
        rows.write_text("id;Дата;Текст\n1;22.04.2023 12:00;Нет света\n", encoding="utf-8")
        code, said, seconds = _command(tmp / "pack0" / "test_municipalities.geojson", rows, store.url)
        checks.note(f"command line with the truncated pack: exit {code} in {seconds:.1f} s: {said[-220:]}")
        checks.check(code != 0 and "test_municipalities.geojson" in said and "Traceback" not in said,
                     "the command says it in one Russian line naming the file")
        _remembered(checks, store, tmp)


def _remembered(checks: Checks, store: object, tmp: Path) -> None:
    pack = _write(tmp / "kept", GOOD, HEADER + "test,Район,1000,2021,x\n")
    Core(store).load_pack(pack)  # type: ignore[arg-type]
    pack.write_text(CASES["truncated"][0], encoding="utf-8")
    broken = Core(store)  # type: ignore[arg-type]
    checks.note(f"remembered pack broken: {broken.pack_error}")
    checks.check(broken.pack is None and pack.name in (broken.pack_error or ""),
                 "a remembered pack broken since: the start goes on, the reason names the file")
    pack.unlink()
    moved = Core(store)  # type: ignore[arg-type]
    checks.note(f"remembered pack moved: {moved.pack_error}")
    checks.check(moved.pack is None and "не найден" in (moved.pack_error or ""),
                 "a remembered pack moved away: the start goes on, «не найден»")
