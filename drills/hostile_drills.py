"""Hostile inputs: injection payloads through import and the map page, oversized fields, invalid encodings."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.intake.files import import_files
from app.intake.writer import Incoming, store_incoming
from app.queries.messages import messages_after
from drills.core import Checks, counts, drill, integrity, temp_store
from tests.test_injection import PAYLOADS


def _payload_csv(path: Path) -> Path:
    rows = [{"id": f"h{n}", "Дата": "22.04.2023 12:00", "Текст": p, "Автор": p[:60], "Адрес": p,
             "Широта": 45.0 + n * 0.01, "Долгота": 39.0} for n, p in enumerate(PAYLOADS)]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def _map_check(rows: list, checks: Checks) -> None:
    from maps.qt.view import MapView
    from maps.qt.web import WebContext
    from widgets.shell.qtapp import create_application, spin_until, teardown

    create_application(headless=True)
    context = WebContext()
    view = MapView(context)
    view.resize(1200, 800)
    view.show()
    spin_until(lambda: view.is_ready, 60)
    view.add_messages(rows)
    view.set_filter(None)
    stats: dict = {}
    spin_until(lambda: view.stats(lambda s: stats.update(s or {})) or stats.get("markers") == len(rows), 30)
    for row in rows:
        view.show_popup(row.id)
    box: dict = {}
    spin_until(lambda: view.evaluate("String(window.__pwned)", lambda v: box.update(v=v)) or "v" in box, 10)
    spin_until(lambda: view.stats(lambda s: stats.update(s or {})) or stats.get("popups", 0) >= 1, 10)
    checks.note(f"page stats: markers {stats.get('markers')}, popups {stats.get('popups')}, "
                f"dialogs {stats.get('dialogs')}, errors {stats.get('errors')}; blocked requests "
                f"{context.guard.blocked_count}")
    checks.check(stats.get("markers") == len(rows), f"all {len(rows)} hostile messages shown on the map")
    checks.check(box.get("v") == "undefined" and not stats.get("dialogs"),
                 "no payload executed (no __pwned, no dialog)")
    checks.check(context.guard.blocked_count == 0, "OfflineGuard: 0 requests tried to leave (payload URLs are text)")
    teardown(context, view)


@drill("hostile: injection payloads", f"import {len(PAYLOADS)} XSS/template/URL payloads (JSONL: text, author, "
       "address), show them on the map, open every popup")
def injection(checks: Checks) -> None:
    with temp_store() as (store, tmp):
        summary = import_files(store, [_payload_csv(tmp / "hostile.jsonl")])
        rows = messages_after(store, 0)
        checks.note(f"import: {summary.line}")
        checks.check(summary.imported == len(PAYLOADS), "every payload message imported")
        same = sorted(" ".join(r.text.split()) for r in rows) == sorted(" ".join(p.split()) for p in PAYLOADS)
        checks.check(same, "texts stored verbatim (up to the pipeline's whitespace normalisation)")
        _map_check(rows, checks)


@drill("hostile: oversized fields and invalid encodings", "import JSONL with a 2 MB text and a 1.5 MB author, "
       "and a CSV with invalid UTF-8 bytes, NULs and a cp1251 row")
def oversized(checks: Checks) -> None:
    with temp_store() as (store, tmp):
        big = tmp / "big.jsonl"
        big.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (
            {"id": "ok1", "Дата": "22.04.2023 12:00", "Текст": "Нет света"},
            {"id": "big1", "Дата": "22.04.2023 12:00", "Текст": "я" * 1_100_000},
            {"id": "big2", "Дата": "22.04.2023 12:00", "Текст": "Нет воды", "Автор": "x" * 1_500_000})), "utf-8")
        summary = import_files(store, [big])
        checks.note(f"oversized: {summary.line}")
        checks.check(summary.imported == 1 and summary.rejected == 2, "huge fields rejected with a reason, rest kept")
        bad = tmp / "bad.csv"
        bad.write_bytes("id;Дата;Текст\n".encode() + b"e1;22.04.2023 12:00;\xff\xfe\xfa broken\n"
                        + b"e2;22.04.2023 12:00;nul\x00inside\n" + "e3;22.04.2023 12:00;Нет газа\n".encode("cp1251"))
        try:
            enc = import_files(store, [bad])
            checks.note(f"invalid encodings: {enc.line}")
            checks.check(enc.processed == 3, "every row of the broken file accounted for (imported or rejected)")
        except Exception as exc:
            checks.note(f"invalid encodings: {exc.__class__.__name__}: {exc}")
            checks.check("кодиров" in str(exc) or "UTF" in str(exc), "the broken file is refused with a clear reason")
        checks.check(integrity(store) == "ok" and counts(store)[0] >= 1, "database intact")


KEY_NAMES = ["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "length",
             "__defineGetter__", "isPrototypeOf", "then"]


def _key_named(store: object) -> list:
    start = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    items = [Incoming("hostile", f"Нет света, дом {n}", start + timedelta(minutes=n), external_id=f"n{n}",
                      lat=45.033 + (n % 10) * 0.001, lon=38.975 + (n // 10) * 0.0015, category="power")
             for n in range(50)]
    items += [Incoming(code, f"категория {i}", start + timedelta(minutes=i), external_id=f"c{i}", lat=45.037,
                       lon=38.978, category=code, author=code, settlement=code)
              for i, code in enumerate(KEY_NAMES)]
    store_incoming(store, items)  # type: ignore[arg-type]
    return messages_after(store, 0)  # type: ignore[arg-type]


def _page(view: object, expression: str) -> object:
    from widgets.shell.qtapp import spin_until

    box: list = []
    view.evaluate(expression, box.append)  # type: ignore[attr-defined]
    spin_until(lambda: bool(box), 10)
    return box[0] if box else None


@drill("hostile: categories named like JavaScript object keys", f"50 messages and {len(KEY_NAMES)} more whose "
       "category, source, author and settlement are __proto__, constructor, …; the map at street zoom next to them")
def key_names(checks: Checks) -> None:
    from maps.qt.view import MapView
    from maps.qt.web import WebContext
    from widgets.shell.qtapp import create_application, spin_until, teardown

    with temp_store() as (store, _tmp):
        rows = _key_named(store)
        create_application(headless=True)
        context = WebContext()
        view = MapView(context)
        view.resize(1000, 700)
        view.show()
        spin_until(lambda: view.is_ready, 60)
        view.add_messages(rows)
        view.set_filter(None)
        stats: dict = {}
        spin_until(lambda: view.stats(lambda s: stats.update(s or {})) or stats.get("markers") == len(rows), 30)
        lat, lon, zoom = 45.0375, 38.978, 16
        frame: list = []

        def there() -> bool:
            view.run_script(f"opershtab.setView({lat}, {lon}, {zoom});")
            shown = _page(view, "opershtab.stats()") or {}
            centre = shown.get("frame_center") or [0, 0]  # type: ignore[union-attr]
            return shown.get("frame_zoom") == zoom and abs(centre[0] - lat) < 1e-6  # type: ignore[union-attr]

        spin_until(there, 20)
        frame = list(_page(view, "opershtab.frame()") or [])  # type: ignore[call-overload]
        drawn, singles = sum(i["count"] for i in frame), sum(1 for i in frame if i["id"] is not None)
        categories = [_page(view, f"opershtab.categoryOf({r.id})") for r in rows if r.text.startswith("категория")]
        checks.note(f"street zoom {zoom}: {drawn} of {len(rows)} messages drawn, {singles} as single icons; "
                    f"categories read back: {categories[:4]}…")
        checks.check(drawn == len(rows), f"every message drawn at street zoom ({drawn} of {len(rows)})")
        checks.check(singles >= 45, f"the 50 neighbours stand apart as single icons ({singles})")
        checks.check(categories == KEY_NAMES, "each key-named category is kept as data, not looked up as a key")
        teardown(context, view)
