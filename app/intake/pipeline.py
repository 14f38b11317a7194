"""The one intake pipeline: validate → normalise → classify and place → dedupe → store → group.

Every connector (HTTP feeds, file import, the demo scenario, the sources still to
come) hands ``RawRecord`` rows to ``run_pipeline`` or, inside its own transaction,
to ``store_batch``. Each batch (its messages, its rejections, its incidents and
whatever the caller commits with it, such as a feed cursor) is one transaction,
so a crash or a cancel never leaves half a batch behind.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Protocol

from sqlalchemy import Connection
from sqlalchemy.exc import DataError, IntegrityError

from app.common.ru import format_int
from app.common.timeutil import as_utc, to_local, utcnow
from app.incidents import update_incidents_in
from app.intake.enrich import NOWHERE, Placement, enrich
from app.intake.quarantine import quarantine_in
from app.intake.storage import retrying
from app.intake.validate import RawRecord, Rejection, normalise, reject, validate
from app.intake.writer import Incoming, StoreResult, identity, store_in
from app.store import Store

log = logging.getLogger(__name__)
Progress = Callable[[int], None]
AfterBatch = Callable[[Connection, "BatchResult"], None]
BATCH_SIZE = 1000
SAMPLE_REJECTIONS = 20  # reasons kept for the summary (the quarantine table has them all)
FUTURE_TOLERANCE = timedelta(minutes=10)  # clocks of sources differ a little; a 2099 item is no message


@dataclass(frozen=True)
class Pipeline:
    """How rows are prepared: placed with the centre's region and pack, classified, grouped.

    ``classify=False`` keeps what the source says (fixtures, benchmarks of the bare store path).
    ``now`` is the product's clock (the demo's runs ahead): messages dated later than it by more
    than ``FUTURE_TOLERANCE`` are rejected.
    """

    placement: Placement = NOWHERE
    classify: bool = True
    group: bool = True
    now: Callable[[], datetime] = utcnow

    @property
    def pipeline(self) -> Pipeline:
        """A pipeline is its own source (see ``PipelineSource``)."""
        return self

    def prepare(self, record: RawRecord | Rejection) -> Incoming | Rejection:
        """One row through validation, normalisation and classification with placement."""
        if isinstance(record, Rejection):
            return record
        item = validate(record)  # accepted items come back normalised
        if isinstance(item, Rejection):
            return item
        future = _from_the_future(item, self.now())
        if future is not None:
            return reject(record, future)
        if not self.classify:
            return item
        try:
            return normalise(enrich(item, self.placement))
        except Exception:  # best effort: a failing classifier must not lose the message
            log.exception("enrichment failed; storing the message as received")
            return item


RAW = Pipeline(classify=False, group=False)


def _from_the_future(item: Incoming, now: datetime) -> str | None:
    """The reason to reject an item dated (or edited) after ``now`` beyond the tolerance."""
    limit = as_utc(now) + FUTURE_TOLERANCE
    for moment in (item.published_at, item.edited_at):
        if moment is not None and moment > limit:
            shown = to_local(moment).strftime("%d.%m.%Y %H:%M")
            return f"дата в будущем: {shown} (позже текущего времени больше чем на 10 минут)"
    return None


class PipelineSource(Protocol):
    """Anything that gives the pipeline as it is now (the core: region and pack may change meanwhile)."""

    @property
    def pipeline(self) -> Pipeline: ...


@dataclass(frozen=True)
class BatchResult:
    """What one committed batch did."""

    imported: int
    duplicates: int
    rejected: int
    new_ids: tuple[int, ...]
    incident_ids: tuple[int, ...] = ()
    rejections: tuple[Rejection, ...] = ()
    edited_ids: tuple[int, ...] = ()
    warnings_added: int = 0  # official warnings (CAP) stored besides messages


@dataclass(frozen=True)
class ImportSummary:
    """Totals of a run of the pipeline; ``line`` is the summary shown to the user."""

    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    new_ids: tuple[int, ...] = field(default=(), repr=False)
    cancelled: bool = False
    incident_ids: tuple[int, ...] = field(default=(), repr=False)
    rejections: tuple[Rejection, ...] = field(default=(), repr=False)  # the first SAMPLE_REJECTIONS
    edited_ids: tuple[int, ...] = field(default=(), repr=False)
    warnings_added: int = 0

    @property
    def processed(self) -> int:
        return self.imported + self.duplicates + self.rejected

    @property
    def line(self) -> str:
        """«Импортировано N, дубликатов D, отклонено R» (plus a note when cancelled)."""
        text = (f"Импортировано {format_int(self.imported)}, дубликатов {format_int(self.duplicates)}, "
                f"отклонено {format_int(self.rejected)}")
        if self.edited_ids:
            text += f", изменено {format_int(len(self.edited_ids))}"
        if self.warnings_added:
            text += f", предупреждений CAP {format_int(self.warnings_added)}"
        return text + " (прервано пользователем)" if self.cancelled else text

    def plus(self, batch: BatchResult) -> ImportSummary:
        samples = (self.rejections + batch.rejections)[:SAMPLE_REJECTIONS]
        incidents = tuple(dict.fromkeys(self.incident_ids + batch.incident_ids))
        edited = tuple(dict.fromkeys(self.edited_ids + batch.edited_ids))
        return ImportSummary(self.imported + batch.imported, self.duplicates + batch.duplicates,
                             self.rejected + batch.rejected, self.new_ids + batch.new_ids, self.cancelled,
                             incidents, samples, edited, self.warnings_added + batch.warnings_added)

    def cancelled_now(self) -> ImportSummary:
        return ImportSummary(self.imported, self.duplicates, self.rejected, self.new_ids, True, self.incident_ids,
                             self.rejections, self.edited_ids, self.warnings_added)


def dedupe(items: Iterable[Incoming]) -> tuple[list[Incoming], int]:
    """Items with repeats inside the batch dropped (the first wins, or the latest edit), and how many were dropped."""
    unique: dict[tuple[str, str], Incoming] = {}
    count = 0
    for item in items:
        count += 1
        key = identity(item)
        kept = unique.setdefault(key, item)
        if kept is not item and item.edited_at is not None and (kept.edited_at is None
                                                                or item.edited_at > kept.edited_at):
            unique[key] = item
    return list(unique.values()), count - len(unique)


def store_batch(conn: Connection, records: Sequence[RawRecord | Rejection],
                pipeline: Pipeline = RAW) -> BatchResult:
    """Run one batch through the pipeline inside the caller's transaction.

    A value the database refuses (a constraint, a type) rejects that row alone: the batch
    is stored again row by row in savepoints and the refused rows are quarantined.
    """
    origins: dict[int, RawRecord] = {}
    items: list[Incoming] = []
    rejections: list[Rejection] = []
    for record in records:
        prepared = pipeline.prepare(record)
        if isinstance(prepared, Rejection):
            rejections.append(prepared)
        else:
            items.append(prepared)
            origins[id(prepared)] = record  # type: ignore[assignment]
    items, repeats = dedupe(items)
    try:
        with conn.begin_nested():
            stored = store_in(conn, items)
    except (IntegrityError, DataError):
        stored, refused = _store_each(conn, items, origins)
        rejections += refused
    quarantine_in(conn, rejections)
    incidents = tuple(update_incidents_in(conn, stored.new_ids)) if pipeline.group else ()
    return BatchResult(stored.inserted, stored.duplicates + repeats, len(rejections), stored.new_ids, incidents,
                       tuple(rejections[:SAMPLE_REJECTIONS]), stored.edited_ids)


def _store_each(conn: Connection, items: list[Incoming],
                origins: dict[int, RawRecord]) -> tuple[StoreResult, list[Rejection]]:
    """Store row by row, each in a savepoint; rows the database refuses become rejections."""
    new_ids: list[int] = []
    edited: list[int] = []
    refused: list[Rejection] = []
    for item in items:
        try:
            with conn.begin_nested():
                one = store_in(conn, [item])
        except (IntegrityError, DataError) as exc:
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:300] if str(exc).strip() else ""
            refused.append(reject(origins[id(item)], f"база данных не приняла запись: {reason}"))
            continue
        new_ids += one.new_ids
        edited += one.edited_ids
    stored = len(items) - len(refused)
    return StoreResult(len(new_ids), stored - len(new_ids), tuple(new_ids), tuple(edited)), refused


def run_pipeline(store: Store, records: Iterable[RawRecord | Rejection], pipeline: Pipeline = RAW,
                 progress: Progress | None = None, cancel: threading.Event | None = None,
                 batch_size: int = BATCH_SIZE, after_batch: AfterBatch | None = None) -> ImportSummary:
    """Import ``records`` batch by batch; ``cancel`` is honoured between batches only."""
    summary = ImportSummary()
    for batch in _batches(records, batch_size):
        if cancel is not None and cancel.is_set():
            return summary.cancelled_now()
        result = retrying(lambda batch=batch: _commit(store, batch, pipeline, after_batch),  # type: ignore[misc]
                          cancel.wait if cancel is not None else None)
        summary = summary.plus(result)
        if progress is not None:
            progress(summary.processed)
    return summary


def _commit(store: Store, batch: list[RawRecord | Rejection], pipeline: Pipeline,
            after_batch: AfterBatch | None) -> BatchResult:
    """One batch in one transaction (tried again whole after a lost connection)."""
    with store.engine.begin() as conn:
        result = store_batch(conn, batch, pipeline)
        if after_batch is not None:
            after_batch(conn, result)
    return result


def _batches(records: Iterable[RawRecord | Rejection], size: int) -> Iterator[list[RawRecord | Rejection]]:
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch
