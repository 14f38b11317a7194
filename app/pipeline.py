"""The intake pipeline: validate → normalise → [enrich] → dedupe → store.

Rows go through in batches; each batch (its messages, its rejections and
whatever the caller commits with it, such as a feed cursor) is one
transaction, so a crash or a cancel never leaves half a batch behind.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

from sqlalchemy import Connection

from app.intake import Incoming, dedupe_key, store_in
from app.quarantine import quarantine_in
from app.ru import format_int
from app.store import Store
from app.validate import RawRecord, Rejection, normalise, validate

log = logging.getLogger(__name__)
Enrich = Callable[[Incoming], Incoming]
Progress = Callable[[int], None]
AfterBatch = Callable[[Connection, "BatchResult"], None]
BATCH_SIZE = 1000


@dataclass(frozen=True)
class BatchResult:
    """What one committed batch did."""

    imported: int
    duplicates: int
    rejected: int
    new_ids: tuple[int, ...]


@dataclass(frozen=True)
class ImportSummary:
    """Totals of a run of the pipeline; ``line`` is the summary shown to the user."""

    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    new_ids: tuple[int, ...] = field(default=(), repr=False)
    cancelled: bool = False

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
        return ImportSummary(self.imported + batch.imported, self.duplicates + batch.duplicates,
                             self.rejected + batch.rejected, self.new_ids + batch.new_ids, self.cancelled)


def prepare(record: RawRecord | Rejection, enrich: Enrich | None = None) -> Incoming | Rejection:
    """One row through validation, normalisation and the optional enrichment step."""
    if isinstance(record, Rejection):
        return record
    item = validate(record)  # accepted items come back normalised
    if isinstance(item, Rejection) or enrich is None:
        return item
    return _enriched(item, enrich)


def _enriched(item: Incoming, enrich: Enrich) -> Incoming:
    """Enrichment is best effort: a failing classifier must not lose the message."""
    try:
        return normalise(enrich(item))
    except Exception:
        log.exception("enrichment failed; storing the message as received")
        return item


def dedupe(items: Iterable[Incoming]) -> tuple[list[Incoming], int]:
    """Items with repeats inside the batch dropped (the first wins), and how many were dropped."""
    unique: dict[tuple[str, str], Incoming] = {}
    count = 0
    for item in items:
        count += 1
        unique.setdefault((item.source, dedupe_key(item)), item)
    return list(unique.values()), count - len(unique)


def store_batch(conn: Connection, records: Sequence[RawRecord | Rejection],
                enrich: Enrich | None = None) -> BatchResult:
    """Run one batch through the pipeline inside the caller's transaction."""
    items: list[Incoming] = []
    rejections: list[Rejection] = []
    for record in records:
        prepared = prepare(record, enrich)
        if isinstance(prepared, Rejection):
            rejections.append(prepared)
        else:
            items.append(prepared)
    items, repeats = dedupe(items)
    stored = store_in(conn, items)
    quarantine_in(conn, rejections)
    return BatchResult(stored.inserted, stored.duplicates + repeats, len(rejections), stored.new_ids)


def run_pipeline(store: Store, records: Iterable[RawRecord | Rejection], enrich: Enrich | None = None,
                 progress: Progress | None = None, cancel: threading.Event | None = None,
                 batch_size: int = BATCH_SIZE, after_batch: AfterBatch | None = None) -> ImportSummary:
    """Import ``records`` batch by batch; ``cancel`` is honoured between batches only."""
    summary = ImportSummary()
    for batch in _batches(records, batch_size):
        if cancel is not None and cancel.is_set():
            return ImportSummary(summary.imported, summary.duplicates, summary.rejected, summary.new_ids, True)
        with store.engine.begin() as conn:
            result = store_batch(conn, batch, enrich)
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
