"""Random malformed rows in every format: no exception escapes, every row is stored or quarantined."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, select

from app.intake.files import import_files
from app.store.engine import Store
from app.store.models import Message, Quarantine

junk = st.one_of(st.none(), st.text(max_size=30), st.integers(), st.floats(allow_nan=True),
                 st.booleans(), st.lists(st.integers(), max_size=2))
dates = st.one_of(junk, st.sampled_from(["2023-04-22T15:00:00+03:00", "22.04.2023 15:00", "1682164800",
                                         "31.02.2023", "2023-13-01", ""]))
coords = st.one_of(junk, st.floats(-200, 200), st.sampled_from(["45,1", "сорок", "1e400", ""]))
texts = st.one_of(junk, st.text(min_size=1, max_size=40), st.just("\ud800 одинокий суррогат"), st.just("   "))
row = st.fixed_dictionaries({"id": st.one_of(st.none(), st.text(max_size=140), st.integers()), "date": dates,
                             "text": texts, "lat": coords, "lon": coords, "author": junk})
rows = st.lists(row, min_size=1, max_size=12)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _csv(items: list[dict], path: Path) -> int:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["id", "Дата", "Текст", "Широта", "Долгота", "Автор"])
    for item in items:
        writer.writerow(["" if v is None else str(v) for v in item.values()])
    path.write_bytes(out.getvalue().encode("utf-8", "surrogatepass"))
    return sum(1 for item in items if any(str(v).strip() for v in item.values() if v is not None))


def _jsonl(items: list[dict], path: Path) -> int:
    path.write_text("\n".join(json.dumps(i) for i in items), encoding="utf-8")
    return len(items)


def _json(items: list[dict], path: Path) -> int:
    path.write_text(json.dumps({"items": items}), encoding="utf-8")
    return len(items)


def _geojson(items: list[dict], path: Path) -> int:
    features = [{"type": "Feature", "properties": i, "geometry": {"type": "Point", "coordinates": [i["lon"], i["lat"]]}}
                for i in items]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return len(items)


def _telegram(items: list[dict], path: Path) -> int:
    messages = [{"id": n, "type": "message", "date": i["date"], "from": i["author"], "text": i["text"]}
                for n, i in enumerate(items)]
    path.write_text(json.dumps({"name": "чат", "type": "private_group", "id": 5, "messages": messages}),
                    encoding="utf-8")
    return len(items)


def _xlsx(items: list[dict], path: Path) -> int:
    book = Workbook()
    book.active.append(["id", "Дата", "Текст", "Широта", "Долгота", "Автор"])
    for item in items:
        book.active.append([_cell(v) for v in item.values()])
    book.save(path)
    return sum(1 for item in items if any(_cell(v) not in (None, "") for v in item.values()))


def _cell(value: object) -> object:
    if isinstance(value, list) or (isinstance(value, float) and value != value):
        return str(value)
    if isinstance(value, str):
        return "".join(c for c in value if c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF) or None
    return value


WRITERS = {"a.csv": _csv, "a.jsonl": _jsonl, "a.json": _json, "a.geojson": _geojson, "result.json": _telegram,
           "a.xlsx": _xlsx}


def _counts(store: Store) -> tuple[int, int]:
    with store.session() as session:
        messages = session.scalar(select(func.count()).select_from(Message)) or 0
        empty_reasons = session.scalar(select(func.count()).select_from(Quarantine).where(Quarantine.reason == ""))
        quarantined = session.scalar(select(func.count()).select_from(Quarantine)) or 0
    assert empty_reasons == 0
    return messages, quarantined


@pytest.mark.parametrize("name", list(WRITERS))
def test_every_row_is_stored_or_quarantined(template_db, name):
    @SETTINGS
    @given(rows)
    def check(items: list[dict]) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(template_db, Path(tmp) / "db.sqlite3")
            store = Store(f"sqlite:///{Path(tmp) / 'db.sqlite3'}")
            try:
                expected = WRITERS[name](items, Path(tmp) / name)
                summary = import_files(store, [Path(tmp) / name])
                messages, quarantined = _counts(store)
            finally:
                store.close()
        assert summary.processed == expected
        assert messages == summary.imported
        assert (quarantined > 0) == (summary.rejected > 0) and quarantined <= summary.rejected

    check()
