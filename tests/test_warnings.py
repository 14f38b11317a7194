"""Official warnings (CAP) in force at a moment, one line each in the briefing (HTML and DOCX); the DOCX
survives control characters in public text; a full disk keeps the previous briefing and export files."""

from __future__ import annotations

import os
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from docx import Document

from app.briefing.docx import write_docx
from app.briefing.figures import compute_figures, render_html
from app.common.files import OutputError
from app.export import export_messages
from app.intake.writer import Incoming, store_incoming
from app.queries.warnings import active_warnings, severity_style, warning_line
from tests.fixtures import FIXTURE_START, fixture_messages
from tests.overlay_files import add_warning

END = FIXTURE_START + timedelta(hours=3)  # 17:00 local on 24.11.2026, the fixture's third hour ends


def test_only_actual_alerts_in_force_count(store):
    in_force = add_warning(store, "a1", effective=END - timedelta(hours=2), expires=END + timedelta(hours=6))
    add_warning(store, "expired", effective=END - timedelta(hours=5), expires=END - timedelta(minutes=1))
    add_warning(store, "future", effective=END + timedelta(hours=1), expires=END + timedelta(hours=9))
    add_warning(store, "exercise", status="Exercise", effective=END - timedelta(hours=1), expires=END + timedelta(1))
    add_warning(store, "cancel", msg_type="Cancel", effective=END - timedelta(hours=1), expires=END + timedelta(1))
    no_end = add_warning(store, "no-expires", severity="Extreme", event="Ливень", sent=END - timedelta(hours=3))
    add_warning(store, "stale", sent=END - timedelta(hours=30))  # no expiry: in force 24 hours, then gone
    rows = active_warnings(store, END)
    assert [r.id for r in rows] == [no_end, in_force]  # the most severe first
    assert rows[0].ends == END + timedelta(hours=21) and rows[0].severity_label == "чрезвычайная опасность"
    assert warning_line(rows[1]) == "Сильный ветер (сильная опасность) — до 24.11.2026 23:00; Черноморское побережье"


def test_hostile_severity_and_geometry_are_harmless(store):
    add_warning(store, "x", severity="__proto__", effective=END - timedelta(hours=1), expires=END + timedelta(1),
                geometry={"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]})
    with store.session() as session:
        from app.store import OfficialWarning

        row = session.query(OfficialWarning).one()
        row.geometry = '{"type": "Polygon", "coordinates": [[[NaN, 1]]]}'
    (warning,) = active_warnings(store, END)
    assert (warning.severity, warning.color) == severity_style("Unknown")[0:1] + severity_style("Unknown")[2:]
    assert warning.geometry is None


def _figures(store):
    return compute_figures(store, END, "Краснодарский край")


def test_briefing_has_one_line_per_warning_in_html_and_docx(store, tmp_path):
    store_incoming(store, fixture_messages())
    add_warning(store, "w1", effective=END - timedelta(hours=2), expires=END + timedelta(hours=6))
    add_warning(store, "w2", severity="Moderate", event="Сильный дождь", area="Туапсинский район",
                effective=END - timedelta(hours=1), expires=END + timedelta(hours=3))
    figures = _figures(store)
    assert figures.warnings == (
        "Сильный ветер (сильная опасность) — до 24.11.2026 23:00; Черноморское побережье",
        "Сильный дождь (умеренная опасность) — до 24.11.2026 20:00; Туапсинский район")
    html = render_html(figures, None, None, font_base="app://assets/")
    assert "Действующие официальные предупреждения" in html and all(line in html for line in figures.warnings)
    path = write_docx(figures, None, None, tmp_path / "spravka.docx")
    paragraphs = [p.text for p in Document(str(path)).paragraphs]
    assert "Действующие официальные предупреждения" in paragraphs
    assert all(line in paragraphs for line in figures.warnings)


CONTROL = "Света нет\x01\x02\x0b\x1f с утра, <w:t>звоните</w:t>"


def test_docx_survives_control_characters_in_public_text(store, tmp_path):
    store_incoming(store, [Incoming(source="vk", text=CONTROL, published_at=END - timedelta(minutes=30),
                                    external_id=f"c{n}", settlement="Туапсе\x01", lat=44.1, lon=39.08,
                                    municipality="Туапсинский\x02 район", category="power") for n in range(3)])
    add_warning(store, "w1", event="Ветер\x01", area="Побережье\x0b", effective=END - timedelta(hours=1),
                expires=END + timedelta(hours=1))
    figures = _figures(store)
    assert any("\x01" in q for t in figures.topics for q in t.quotes)  # the hostile text did reach the figures
    path = write_docx(figures, None, None, tmp_path / "spravka.docx")
    document = Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Света нет с утра, <w:t>звоните</w:t>" in text and "Туапсинский район" in text and "Ветер" in text
    assert not any(ch in text for ch in "\x01\x02\x0b\x1f")


def test_xml_safe_drops_lone_surrogates_too(store):
    figures = _figures(store)
    from dataclasses import replace

    from app.briefing.docx import build_docx

    hostile = replace(figures, region="Край\ud800\x01", warnings=("Ветер\udfff",), notes=("a\x00b",))
    document = build_docx(hostile, None, None)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Край" in text and "Ветер" in text and "ab" in text


# --- a full disk: the previous file stays, one Russian sentence says so -----------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs (root only); unmounted after the test."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"tmpfs mount not allowed here: {result.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> None:
    with open(folder / "filler", "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass


@pytest.mark.parametrize("fmt", ["gpkg", "shp", "kmz", "csv"])
def test_full_disk_keeps_the_previous_export(store, small_disk, fmt):
    store_incoming(store, fixture_messages())
    out = small_disk / f"messages.{fmt}"
    export_messages(store, fmt, out)
    before = {p.name: p.read_bytes() for p in small_disk.iterdir()}
    store_incoming(store, [Incoming(source="big", text="Нет света " + "ж" * 4000, published_at=FIXTURE_START,
                                    external_id=str(n), lat=45.0, lon=39.0, category="power") for n in range(300)])
    _fill(small_disk)
    with pytest.raises(OutputError) as caught:
        export_messages(store, fmt, out)
    assert str(caught.value) == f"Нет места на диске: {out.name} не записан, прежний файл сохранён"
    (small_disk / "filler").unlink()
    after = {p.name: p.read_bytes() for p in small_disk.iterdir()}
    assert after == before  # the previous files, byte for byte, and no temporary leftovers


def test_full_disk_keeps_the_previous_docx(store, small_disk):
    store_incoming(store, fixture_messages())
    figures = _figures(store)
    path = write_docx(figures, None, None, small_disk / "spravka.docx")
    before = path.read_bytes()
    _fill(small_disk)
    with pytest.raises(OutputError, match=r"^Нет места на диске: spravka\.docx не записан, прежний файл сохранён$"):
        write_docx(figures, None, None, path)
    (small_disk / "filler").unlink()
    assert path.read_bytes() == before and sorted(p.name for p in small_disk.iterdir()) == ["spravka.docx"]
