"""Hostile inputs: injection payloads through import and the map page, oversized fields, invalid encodings."""

from __future__ import annotations

import json
from pathlib import Path

from app.intake.files import import_files
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
