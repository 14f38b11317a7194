"""Generated hostile items for the poller and for every JSON-shaped file format: every good item stored once,
every bad one quarantined with a reason, the poller still advancing past them."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.intake.feed import FeedConfig, FeedPoller
from app.intake.feed_state import load_state
from app.intake.files import import_files
from app.store.engine import Store
from app.store.models import Message, Quarantine
from tests.hostile_server import HostileServer

WHEN = "2023-04-22T12:00:00Z"
DEEP = "[" * 30_000 + "]" * 30_000
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])
safe_text = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30).filter(
    lambda t: t.strip())
BAD_KINDS = ("deep", "digits", "surrogate", "future", "no_text", "not_object", "latitude", "nul_only")
entry = st.one_of(st.tuples(st.just("good"), safe_text), st.tuples(st.sampled_from(BAD_KINDS), safe_text))
pages = st.lists(st.lists(entry, min_size=1, max_size=6), min_size=1, max_size=4)
cursor_noise = st.one_of(st.text(max_size=8), st.just("\ud800"), st.just("\udfff\x00"), st.just("z" * 3000),
                         st.just("ключ 🔑"))


def render(kind: str, text: str, number: int) -> str:
    """One item as JSON text (hostile ones written by hand: json.dumps refuses some of them)."""
    key = f"i{number}"
    if kind == "good":
        return json.dumps({"id": key, "published_at": WHEN, "text": text})
    return {
        "deep": f'{{"id": "{key}", "published_at": "{WHEN}", "text": {DEEP}}}',
        "digits": f'{{"id": {"9" * 5000}, "published_at": "{WHEN}", "text": "x"}}',
        "surrogate": f'{{"id": "{key}", "published_at": "{WHEN}", "text": "\\ud800 x"}}',
        "future": json.dumps({"id": key, "published_at": "2099-01-01T00:00:00Z", "text": text}),
        "no_text": json.dumps({"id": key, "published_at": WHEN}),
        "not_object": json.dumps([key, text]),
        "latitude": json.dumps({"id": key, "published_at": WHEN, "text": text, "lat": 95.0, "lon": 1.0}),
        "nul_only": json.dumps({"id": key, "published_at": WHEN, "text": "\u0000 \u0000"}),
    }[kind]


def _counts(store: Store) -> tuple[list[str], int, int]:
    with store.session() as session:
        ids = list(session.scalars(select(Message.external_id)))
        quarantined = session.scalar(select(func.count()).select_from(Quarantine)) or 0
        empty = session.scalar(select(func.count()).select_from(Quarantine).where(Quarantine.reason == "")) or 0
    return ids, int(quarantined), int(empty)


def _fresh(template_db: Path, folder: str) -> Store:
    shutil.copy(template_db, Path(folder) / "db.sqlite3")
    return Store(f"sqlite:///{Path(folder) / 'db.sqlite3'}")


def test_poller_stores_the_good_quarantines_the_bad_and_advances(template_db):
    @SETTINGS
    @given(pages, st.lists(cursor_noise, min_size=4, max_size=4))
    def check(layout: list[list[tuple[str, str]]], noise: list[str]) -> None:
        cursors = [f"{i}{noise[i]}" for i in range(len(layout))]
        number, texts = 0, []
        for index, items in enumerate(layout):
            rendered = []
            for kind, text in items:
                rendered.append(render(kind, text, number))
                number += 1
            more = index + 1 < len(layout)
            tail = json.dumps({"next_cursor": cursors[index + 1] if more else None, "has_more": more})
            texts.append('{"items": [' + ", ".join(rendered) + "], " + tail[1:])
        good = [f"i{n}" for n, (kind, _t) in enumerate(e for items in layout for e in items) if kind == "good"]
        bad = sum(1 for items in layout for kind, _t in items if kind != "good")
        with tempfile.TemporaryDirectory() as tmp, HostileServer(texts) as server:
            server.cursor_pages = {c: i for i, c in enumerate(cursors)}
            store = _fresh(template_db, tmp)
            try:
                result = FeedPoller(store, FeedConfig(url=server.url(), max_attempts=1)).poll_once()
                ids, quarantined, empty = _counts(store)
                cursor = load_state(store, server.url()).cursor
            finally:
                store.close()
        assert result.error is None and result.pages == len(layout)
        assert sorted(ids) == sorted(good) and result.summary.rejected == bad and empty == 0
        assert quarantined == bad and cursor == (cursors[-1] if len(layout) > 1 else None)

    check()


def _jsonl(lines: list[str], path: Path) -> None:
    path.write_text("\n".join(lines), encoding="utf-8")


def _json(lines: list[str], path: Path) -> None:
    path.write_text('{"items": [' + ", ".join(lines) + "]}", encoding="utf-8")


def _geojson(lines: list[str], path: Path) -> None:
    features = ['{"type": "Feature", "geometry": null, "properties": ' + line + "}" if line.startswith("{")
                else line for line in lines]
    path.write_text('{"type": "FeatureCollection", "features": [' + ", ".join(features) + "]}", encoding="utf-8")


def _telegram(lines: list[str], path: Path) -> None:
    messages = [line.replace('"published_at"', '"date_unixtime"').replace(f'"{WHEN}"', '"1682164800"')
                .replace('"2099-01-01T00:00:00Z"', '"4070908800"')
                .replace('"lat": 95.0, "lon": 1.0', '"location_information": {"latitude": 95.0, "longitude": 1.0}')
                for line in lines]
    path.write_text('{"name": "чат", "type": "private_group", "id": 5, "messages": [' + ", ".join(messages) + "]}",
                    encoding="utf-8")


WRITERS = {"a.jsonl": _jsonl, "a.json": _json, "a.geojson": _geojson, "result.json": _telegram}


@pytest.mark.parametrize("name", list(WRITERS))
def test_every_json_format_stores_the_good_and_quarantines_the_bad(template_db, name):
    @SETTINGS
    @given(st.lists(entry, min_size=1, max_size=10))
    def check(items: list[tuple[str, str]]) -> None:
        lines = [render(kind, text, n) for n, (kind, text) in enumerate(items)]
        good = sum(1 for kind, _t in items if kind == "good")
        with tempfile.TemporaryDirectory() as tmp:
            WRITERS[name](lines, Path(tmp) / name)
            store = _fresh(template_db, tmp)
            try:
                summary = import_files(store, [Path(tmp) / name])
                ids, quarantined, empty = _counts(store)
            finally:
                store.close()
        assert summary.imported == len(ids) == good, summary.line
        assert summary.rejected == len(items) - good == quarantined and empty == 0

    check()
