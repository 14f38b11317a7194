"""Extra self-test checks for the packaged application: migrations, the briefing PDF, a GeoPackage export.

Each check returns a dict to merge into the ``selftest`` JSON line; its ``ok``
key is renamed by the caller (``{"pdf_ok": ...}`` style keys are used here so
a plain ``dict.update`` is enough).
"""

from __future__ import annotations

import re
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from app.analytics.hourly import hourly_counts, last_hours_window
from app.common.timeutil import floor_hour, utcnow
from app.core import Core, open_core
from app.demo import DEMO_REGION, demo_scenario, play
from app.queries.messages import latest_time, messages_in
from app.store.engine import Store, open_store, table_names
from app.store.upgrade import current_revision, head_revision

EXPECTED_FONTS = ("PTSans",)  # the briefing's body font, from @fontsource/pt-sans


def check_migrations(tmp: Path) -> dict:
    """An empty SQLite file migrates to the shipped head revision."""
    path = tmp / "migrate.sqlite3"
    store = open_store(f"sqlite:///{path}")
    try:
        tables = table_names(store.engine)
    finally:
        store.close()
    revision, head = current_revision(path), head_revision()
    return {"db_revision": revision, "db_head": head, "db_tables": len(tables),
            "db_ok": bool(revision and revision == head and "messages" in tables)}


def check_briefing(tmp: Path, timeout: float = 60.0) -> dict:
    """A briefing PDF renders from a demo storm hour and embeds the bundled fonts."""
    from widgets.briefing.headless import make_briefing

    core = _demo_core(tmp / "briefing.sqlite3")
    store = core.store
    try:
        period_end = store_period_end(store)
        start, end = last_hours_window(period_end - timedelta(seconds=1))
        region = core.region.name if core.region else ""
        path, ok = make_briefing(store, period_end, messages_in(store, start, end),
                                 hourly_counts(store, start, end), tmp / "briefing", region, timeout=timeout)
    finally:
        core.close()
    fonts = embedded_fonts(Path(path)) if ok else []
    has_expected = all(any(name in font for font in fonts) for name in EXPECTED_FONTS)
    return {"pdf_rendered": ok, "pdf_fonts": fonts, "pdf_ok": bool(ok and fonts and has_expected)}


GPKG_PLACES = (("Краснодар", 45.0355, 38.9753), ("Новороссийск", 44.7235, 37.7687), ("Сочи", 43.5855, 39.7231))


def check_geopackage(tmp: Path) -> dict:
    """Messages exported as a GeoPackage through the bundled GDAL read back whole, Cyrillic intact."""
    from pyogrio import read_info
    from pyogrio.raw import read

    from app.export import export_messages
    from app.intake.writer import Incoming, store_incoming

    store = open_store(f"sqlite:///{tmp / 'gpkg.sqlite3'}")
    try:
        store_incoming(store, [Incoming(source="selftest", text=f"{name}: нет света", published_at=utcnow(),
                                        external_id=name, lat=lat, lon=lon, settlement=name, category="power")
                               for name, lat, lon in GPKG_PLACES])
        path = tmp / "сообщения.gpkg"
        written = export_messages(store, "gpkg", path)
    finally:
        store.close()
    meta, _fids, _geometry, values = read(str(path))[:4]
    settlements = sorted(values[list(meta["fields"]).index("settlement")])
    features = int(read_info(str(path))["features"])
    return {"gpkg_features": features, "gpkg_ok": bool(written == features == len(GPKG_PLACES)
                                                       and settlements == sorted(p[0] for p in GPKG_PLACES))}


def run_bundle_checks(timeout: float = 60.0) -> dict:
    """The checks in a throw-away directory; ``bundle_ok`` sums them up."""
    with tempfile.TemporaryDirectory(prefix="opershtab-bundle-") as tmp:
        result = check_migrations(Path(tmp)) | check_briefing(Path(tmp), timeout) | check_geopackage(Path(tmp))
    result["bundle_ok"] = bool(result["db_ok"] and result["pdf_ok"] and result["gpkg_ok"])
    return result


def _demo_core(path: Path) -> Core:
    core = open_core(f"sqlite:///{path}", region=DEMO_REGION)
    scenario = demo_scenario(utcnow(), hours_before=6)
    peak = scenario.start + timedelta(hours=4)
    core.announce_arrived(play(core.store, scenario, peak, peak + timedelta(hours=2), core.pipeline))
    return core


def store_period_end(store: Store) -> datetime:
    """End of the last full hour with data (the hour a briefing is made for)."""
    latest = latest_time(store)
    return floor_hour(latest) if latest else floor_hour(utcnow())


def embedded_fonts(pdf: Path) -> list[str]:
    """Names of the fonts embedded in ``pdf`` (those with a FontFile stream)."""
    try:
        from pypdf import PdfReader
    except ImportError:  # pypdf is a development dependency; fall back to the raw bytes
        return _embedded_fonts_raw(pdf.read_bytes())
    names: set[str] = set()
    for page in PdfReader(pdf).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            for desc_font in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
                descriptor = desc_font.get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(descriptor.get("/FontName", "")).lstrip("/"))
    return sorted(names)


def _embedded_fonts_raw(data: bytes) -> list[str]:
    if b"/FontFile" not in data:
        return []
    return sorted({m.decode("latin-1") for m in re.findall(rb"/FontName\s*/([A-Za-z0-9+\-_]+)", data)})
