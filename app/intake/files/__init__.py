"""File import: CSV, XLSX, JSON/JSONL, GeoJSON and Telegram exports into the intake pipeline.

``read_table`` reads any supported file into rows keyed by its headers;
``preview`` shows the first rows with the detected column mapping;
``import_files`` runs the rows through the pipeline in transactional batches.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.intake.files.csvfile import read_csv
from app.intake.files.geojson import is_feature_collection, read_geojson
from app.intake.files.jsonfile import parse_json, read_json_document, read_jsonl
from app.intake.files.mapping import FIELDS, detect_mapping, merge_mapping, record_maker
from app.intake.files.table import SourceRow, Table, file_rejection
from app.intake.files.telegram import is_telegram_export, read_telegram
from app.intake.files.xlsx import read_xlsx
from app.intake.pipeline import RAW, BatchResult, ImportSummary, Pipeline, Progress, run_pipeline
from app.intake.validate import RawRecord, Rejection
from app.store.engine import Store

__all__ = ["FIELDS", "SUFFIXES", "Preview", "Table", "import_files", "preview", "read_table", "records"]
SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".tsv", ".xlsx", ".json", ".jsonl", ".ndjson", ".geojson")
Mapping_ = Mapping[str, str | None]


@dataclass(frozen=True)
class Preview:
    """The first rows of a file, its headers, the mapping that would be used and the row count."""

    format: str
    headers: tuple[str, ...]
    rows: tuple[Mapping[str, object], ...]
    mapping: Mapping[str, str]
    total: int
    rejected: int


def default_source(path: Path) -> str:
    """Source name of a file's rows when no column says otherwise (re-imports deduplicate by it)."""
    return ("file:" + path.name)[:64]


def read_table(path: Path) -> Table:
    """Any supported file as rows; a file that cannot be read at all is one rejection."""
    source = default_source(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Table("?", source, (), [file_rejection(source, path.name, f"файл не читается: {exc}", "")])
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(path, source)
    if suffix in (".jsonl", ".ndjson"):
        return read_jsonl(data, source)
    if suffix in (".json", ".geojson"):
        return _read_json(data, source, path.name)
    return read_csv(data, source)


def _read_json(data: bytes, source: str, name: str) -> Table:
    try:
        document = parse_json(data)
    except ValueError as exc:
        if b"\n{" in data.strip():
            return read_jsonl(data, source)  # JSON Lines saved as .json
        return Table("json", source, (), [file_rejection(source, name, str(exc), data.decode("utf-8", "replace"))])
    if is_feature_collection(document):
        return read_geojson(document, source)  # type: ignore[arg-type]
    if is_telegram_export(document):
        return read_telegram(document, source)  # type: ignore[arg-type]
    return read_json_document(document, source)


def mapping_for(table: Table, override: Mapping_ | None = None) -> dict[str, str]:
    """The detected column mapping of ``table`` with the user's overrides."""
    return merge_mapping(detect_mapping(table.headers), override)


def records(table: Table, mapping: Mapping[str, str]) -> Iterator[RawRecord | Rejection]:
    """The table's rows as pipeline records."""
    make = record_maker(mapping, table.source)
    for row in table.rows:
        yield make(row) if isinstance(row, SourceRow) else row


def preview(path: Path, n: int = 20, override: Mapping_ | None = None) -> Preview:
    """The first ``n`` rows of ``path`` (by header) and the mapping the import would use."""
    table = read_table(Path(path))
    good = [row.values for row in table.rows if isinstance(row, SourceRow)]
    return Preview(table.format, table.headers, tuple(good[:n]), mapping_for(table, override),
                   len(table.rows), len(table.rows) - len(good))


def import_files(store: Store, paths: Sequence[Path], override: Mapping_ | None = None,
                 pipeline: Pipeline = RAW, progress: Progress | None = None,
                 cancel: threading.Event | None = None) -> ImportSummary:
    """Import ``paths`` one after another; ``progress`` gets the count of rows done so far."""
    total = ImportSummary()
    for path in paths:
        table = read_table(Path(path))
        done = total.processed
        step = None if progress is None else (lambda n, done=done: progress(done + n))
        summary = run_pipeline(store, records(table, mapping_for(table, override)), pipeline, step, cancel)
        total = total.plus(BatchResult(summary.imported, summary.duplicates, summary.rejected, summary.new_ids,
                                       summary.incident_ids, summary.rejections))
        if summary.cancelled:
            return total.cancelled_now()
    return total
