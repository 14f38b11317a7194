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
from itertools import islice
from typing import Protocol

from sqlalchemy import Connection

from app.common.ru import format_int
from app.incidents import update_incidents_in
from app.intake.enrich import NOWHERE, Placement, enrich
from app.intake.quarantine import quarantine_in
from app.intake.validate import RawRecord, Rejection, normalise, validate
from app.intake.writer import Incoming, dedupe_key, store_in
from app.store import Store

log = logging.getLogger(__name__)
Progress = Callable[[int], None]
AfterBatch = Callable[[Connection, "BatchResult"], None]
BATCH_SIZE = 1000
SAMPLE_REJECTIONS = 20  # reasons kept for the summary (the quarantine table has them all)


@dataclass(frozen=True)
class Pipeline:
    """How rows are prepared: placed with the centre's region and pack, classified, grouped.

    ``classify=False`` keeps what the source says (fixtures, benchmarks of the bare store path).
    """

    placement: Placement = NOWHERE
    classify: bool = True
    group: bool = True

    @property
    def pipeline(self) -> Pipeline:
        """A pipeline is its own source (see ``PipelineSource``)."""
        return self

    def prepare(self, record: RawRecord | Rejection) -> Incoming | Rejection:
        """One row through validation, normalisation and classification with placement."""
        if isinstance(record, Rejection):
            return record
        item = validate(record)  # accepted items come back normalised
        if isinstance(item, Rejection) or not self.classify:
            return item
        try:
            return normalise(enrich(item, self.placement))
        except Exception:  # best effort: a failing classifier must not lose the message
            log.exception("enrichment failed; storing the message as received")
            return item


RAW = Pipeline(classify=False, group=False)


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

    @property
    def processed(self) -> int:
        return self.imported + self.duplicates + self.rejected

    @property
    def line(self) -> str:
        """«Импортировано N, дубликатов D, отклонено R» (plus a note when cancelled)."""
        text = (f"Импортировано {format_int(self.imported)}, дубликатов {format_int(self.duplicates)}, "
                f"отклонено {format_int(self.rejected)}")
        return text + " (прервано пользователем)" if self.cancelled else text

    def plus(self, batch: BatchResult) -> ImportSummary:
        samples = (self.rejections + batch.rejections)[:SAMPLE_REJECTIONS]
        incidents = tuple(dict.fromkeys(self.incident_ids + batch.incident_ids))
        return ImportSummary(self.imported + batch.imported, self.duplicates + batch.duplicates,
                             self.rejected + batch.rejected, self.new_ids + batch.new_ids, self.cancelled,
                             incidents, samples)

    def cancelled_now(self) -> ImportSummary:
        return ImportSummary(self.imported, self.duplicates, self.rejected, self.new_ids, True, self.incident_ids,
                             self.rejections)


def dedupe(items: Iterable[Incoming]) -> tuple[list[Incoming], int]:
    """Items with repeats inside the batch dropped (the first wins), and how many were dropped."""
    unique: dict[tuple[str, str], Incoming] = {}
    count = 0
    for item in items:
        count += 1
        unique.setdefault((item.source, dedupe_key(item)), item)
    return list(unique.values()), count - len(unique)


def store_batch(conn: Connection, records: Sequence[RawRecord | Rejection],
                pipeline: Pipeline = RAW) -> BatchResult:
    """Run one batch through the pipeline inside the caller's transaction."""
    items: list[Incoming] = []
    rejections: list[Rejection] = []
    for record in records:
        prepared = pipeline.prepare(record)
        if isinstance(prepared, Rejection):
            rejections.append(prepared)
        else:
            items.append(prepared)
    items, repeats = dedupe(items)
    stored = store_in(conn, items)
    quarantine_in(conn, rejections)
    incidents = tuple(update_incidents_in(conn, stored.new_ids)) if pipeline.group else ()
    return BatchResult(stored.inserted, stored.duplicates + repeats, len(rejections), stored.new_ids, incidents,
                       tuple(rejections[:SAMPLE_REJECTIONS]))


def run_pipeline(store: Store, records: Iterable[RawRecord | Rejection], pipeline: Pipeline = RAW,
                 progress: Progress | None = None, cancel: threading.Event | None = None,
                 batch_size: int = BATCH_SIZE, after_batch: AfterBatch | None = None) -> ImportSummary:
    """Import ``records`` batch by batch; ``cancel`` is honoured between batches only."""
    summary = ImportSummary()
    for batch in _batches(records, batch_size):
        if cancel is not None and cancel.is_set():
            return summary.cancelled_now()
        with store.engine.begin() as conn:
            result = store_batch(conn, batch, pipeline)
            if after_batch is not None:
                after_batch(conn, result)
        summary = summary.plus(result)
        if progress is not None:
            progress(summary.processed)
    return summary


def _batches(records: Iterable[RawRecord | Rejection], size: int) -> Iterator[list[RawRecord | Rejection]]:
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch
