"""The import's fast paths give exactly what the plain paths give.

Each shortcut taken for throughput (bench/bench_ingest.py) is compared here
with the general code it replaces, on random input.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from app.intake import validate as v
from app.intake.files.csvfile import _unparse
from app.intake.writer import sqlite_time
from app.store.models import Message

REGION_TZ = ZoneInfo("Europe/Moscow")  # the fixtures' region

EXAMPLES = settings(max_examples=300, deadline=None)
offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timedelta(minutes=m))
moments = st.datetimes(datetime(2000, 1, 1), datetime(2100, 12, 31), timezones=offsets.map(timezone))


@EXAMPLES
@given(moments)
def test_sqlite_time_is_what_sqlalchemy_writes(moment: datetime) -> None:
    processor = Message.__table__.c.published_at.type._cached_bind_processor(sqlite.dialect())
    assert sqlite_time(moment) == processor(moment)


@EXAMPLES
@given(st.lists(st.text(alphabet=st.sampled_from('ab д;,\t"\n\r '), max_size=6), min_size=1, max_size=6),
       st.sampled_from(",;\t"))
def test_quarantined_row_is_the_row_as_csv_writes_it(cells: list[str], delimiter: str) -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="").writerow(cells)
    assert _unparse(cells, delimiter.join(cells), delimiter) == out.getvalue()


@EXAMPLES
@given(st.datetimes(datetime(2000, 1, 1), datetime(2100, 12, 31)))
def test_local_times_convert_as_zoneinfo_does(naive: datetime) -> None:
    naive = naive.replace(second=0, microsecond=0)
    expected = naive.replace(tzinfo=REGION_TZ).astimezone(UTC)
    assert v.parse_time(naive.strftime("%d.%m.%Y %H:%M")) == expected


def test_local_times_across_moscow_zone_changes() -> None:
    """DST until 2011, UTC+4 in 2011–2014, UTC+3 since: every hour of those years."""
    hour = datetime(2010, 1, 1)
    while hour < datetime(2015, 1, 1):
        assert v.parse_time(hour) == hour.replace(tzinfo=REGION_TZ).astimezone(UTC), hour
        hour += timedelta(hours=1)


text_values = st.one_of(st.none(), st.text(max_size=20),
                        st.sampled_from(["  два  пробела ", "e\u0301", "\u00e9", "a\x00b", "\ud800x", "\tтаб\n"]))
records = st.fixed_dictionaries({
    "id": st.one_of(st.none(), st.text(max_size=10), st.integers()), "time": st.just("22.04.2023 15:00"),
    "text": text_values, "author": text_values, "address": text_values, "source": text_values,
    "url": text_values, "settlement": text_values, "region": text_values, "category": text_values,
})


@settings(max_examples=500, deadline=None)
@given(records)
def test_clean_row_shortcut_equals_field_by_field(fields: dict) -> None:
    record = v.RawRecord(fields, "строка 2", "raw", "file.csv")
    fast = v.validate(record)
    try:
        v._check_sizes(fields)
        slow: object = v._build(record, clean=False)
    except v.InvalidFieldError as exc:
        slow = v.reject(record, str(exc))
    assert fast == slow
    if v._clean_strings(fields):  # the shortcut only ever sees NFC, NUL-free, encodable text
        for value in fields.values():
            if isinstance(value, str):
                assert "\x00" not in value and unicodedata.is_normalized("NFC", value)
