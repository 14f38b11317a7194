"""The federal view: messages per federal subject, each in its own local time, per 1,000 residents.

A federal centre, or a headquarters that covers its neighbours (as after the 2023
storm across Crimea, Krasnodar, Rostov and Sevastopol), sees every subject the
store holds messages for. A subject's population is the sum of its municipalities
in the loaded region pack, and only when the pack knows every one of them: a
partial sum would make the rate look lower than it is, so the rate is missing
rather than wrong.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.common.timeutil import as_utc, to_local
from app.region import region, region_by_name
from app.region.packs import Municipality, RegionPack
from app.store.engine import Store
from app.store.models import Message

UNPLACED = "регион не определён"


@dataclass(frozen=True)
class RegionRow:
    """One federal subject's messages in a period; ``code`` is None for messages placed in no subject."""

    code: str | None
    name: str
    count: int
    population: int | None
    last_at: datetime | None  # the subject's local time of its latest message
    zone: str | None

    @property
    def per_1000(self) -> float | None:
        return self.count * 1000 / self.population if self.population else None


def region_table(store: Store, start: datetime, end: datetime, pack: RegionPack | None = None) -> list[RegionRow]:
    """Subjects with messages published in [start, end), most messages first; unplaced messages last."""
    stmt = (select(Message.region, func.count(), func.max(Message.published_at))
            .where(Message.published_at >= as_utc(start), Message.published_at < as_utc(end))
            .group_by(Message.region))
    with store.engine.connect() as conn:
        found = [(name, int(n), last) for name, n, last in conn.execute(stmt)]
    populations = pack_populations(pack.municipalities if pack else ())
    merged: dict[str | None, tuple[int, datetime | None]] = {}
    for name, n, last in found:
        subject = region_by_name(name)
        key = subject.code if subject else None
        count, latest = merged.get(key, (0, None))
        merged[key] = count + n, max((t for t in (latest, as_utc(last) if last else None) if t), default=None)
    rows = [_row(key, count, last, populations) for key, (count, last) in merged.items()]
    return sorted(rows, key=lambda r: (r.code is None, -r.count, r.name))


def _row(code: str | None, count: int, last: datetime | None, populations: dict[str, int]) -> RegionRow:
    if code is None:
        return RegionRow(None, UNPLACED, count, None, to_local(last) if last else None, None)  # the centre's time
    subject = region(code)
    zone = subject.zone
    return RegionRow(code, subject.name, count, populations.get(code), to_local(last, zone) if last else None,
                     zone.key)


def pack_populations(municipalities: Iterable[Municipality]) -> dict[str, int]:
    """Subject code → population, for the subjects whose every municipality in the pack has one."""
    totals: dict[str, int] = defaultdict(int)
    incomplete: set[str] = set()
    for m in municipalities:
        subject = region_by_name(m.region)
        if subject is None:
            continue
        if m.population is None:
            incomplete.add(subject.code)
        else:
            totals[subject.code] += m.population
    return {code: total for code, total in totals.items() if code not in incomplete}
