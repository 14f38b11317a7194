"""File import: CSV, XLSX, JSON/JSONL, GeoJSON, Telegram exports and CAP alerts into the intake pipeline.

``read_table`` reads any supported file into rows keyed by its headers, as a stream;
``preview`` shows the first rows with the detected column mapping (a saved profile's when the
headers match one); ``import_files`` runs the rows through the pipeline in transactional
batches. A file's rows are deduplicated within its kind of content (its profile, or its
headers), never within its name: the same file under another name adds nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.common.files import os_reason
from app.intake.cap import CapError, parse_alert, store_alerts
from app.intake.files.csvfile import read_csv
from app.intake.files.jsonfile import read_json, read_jsonl
from app.intake.files.mapping import FIELDS, detect_mapping, merge_mapping, record_maker
from app.intake.files.profiles import Profile, find_profile, header_key, list_profiles, mapping_in, save_profile
from app.intake.files.table import SourceRow, Table, file_rejection
from app.intake.files.xlsx import read_xlsx
from app.intake.pipeline import RAW, BatchResult, ImportSummary, Pipeline, Progress, run_pipeline
from app.intake.validate import RawRecord, Rejection
from app.store.engine import Store

__all__ = ["FIELDS", "SUFFIXES", "Preview", "Profile", "Table", "import_files", "list_profiles", "preview",
           "read_table", "records", "save_profile"]
SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".tsv", ".xlsx", ".json", ".jsonl", ".ndjson", ".geojson", ".xml",
                             ".cap")
CAP_SUFFIXES = (".xml", ".cap")
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
    profile: str | None = None


def default_source(path: Path) -> str:
    """Source label of a file's rows when no column says otherwise."""
    return ("file:" + path.name)[:64]


def content_origin(table: Table, profile: Profile | None) -> str:
    """The dedupe namespace of a file's rows: its profile, else its headers (never its name)."""
    if table.origin:
        return table.origin
    import hashlib

    if profile is not None:
        key = "profile\x1f" + header_key(profile.name)
    else:
        key = "\x1f".join(sorted(header_key(h) for h in table.headers))
    return "file:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def read_table(path: Path) -> Table:
    """Any supported file as rows, read as they are iterated; a file that cannot be read is one rejection."""
    source, suffix = default_source(path), path.suffix.lower()
    try:
        if suffix == ".xlsx":
            return read_xlsx(path, source)
        if suffix in (".jsonl", ".ndjson"):
            return read_jsonl(path, source)
        if suffix in (".json", ".geojson"):
            return read_json(path, source)
        foreign = binary_kind(path)
        if foreign is not None:
            reason = f"формат файла не поддерживается: {foreign} (принимаются CSV, XLSX, JSON/JSONL, GeoJSON, CAP)"
            return Table("?", source, (), [file_rejection(source, path.name, reason, "")])
        return read_csv(path, source)
    except OSError as exc:
        return Table("?", source, (), [file_rejection(source, path.name, f"файл не читается: {os_reason(exc)}", "")])


_MAGIC = ((b"PK\x03\x04", "архив ZIP (или документ Word/Excel не в формате XLSX); архивы не импортируются"),
          (b"%PDF", "документ PDF"), (b"\xd0\xcf\x11\xe0", "старый документ Office (DOC/XLS)"),
          (b"Rar!", "архив RAR"), (b"7z\xbc\xaf", "архив 7z"), (b"\x1f\x8b", "архив gzip"),
          (b"\x89PNG", "изображение PNG"), (b"\xff\xd8\xff", "изображение JPEG"))


def binary_kind(path: Path) -> str | None:
    """What a file read as text really is when it is binary (by its magic bytes or NUL bytes), else None."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 text with its BOM
    return "двоичный файл (в нём есть нулевые байты)" if b"\x00" in head else None


def mapping_for(table: Table, override: Mapping_ | None = None, profile: Profile | None = None) -> dict[str, str]:
    """The detected column mapping of ``table`` (a profile's, when given) with the user's overrides."""
    detected = detect_mapping(table.headers)
    if profile is not None:
        detected.update(mapping_in(profile, table.headers))
    return merge_mapping(detected, override)


def records(table: Table, mapping: Mapping[str, str], origin: str = "") -> Iterator[RawRecord | Rejection]:
    """The table's rows as pipeline records."""
    make = record_maker(mapping, table.source, origin or table.origin)
    for row in table.rows:
        yield make(row) if isinstance(row, SourceRow) else row


def preview(path: Path, n: int = 20, override: Mapping_ | None = None, store: Store | None = None) -> Preview:
    """The first ``n`` rows of ``path`` (by header), the mapping the import would use and the counts."""
    path = Path(path)
    if path.suffix.lower() in CAP_SUFFIXES:
        return Preview("cap", (), (), {}, 1, 0)
    table = read_table(path)
    profile = find_profile(store, table.headers) if store is not None else None
    good: list[Mapping[str, object]] = []
    total = rejected = 0
    for row in table.rows:
        total += 1
        if isinstance(row, SourceRow):
            if len(good) < n:
                good.append(row.values)
        else:
            rejected += 1
    return Preview(table.format, table.headers, tuple(good), mapping_for(table, override, profile), total, rejected,
                   profile.name if profile else None)


def import_files(store: Store, paths: Sequence[Path], override: Mapping_ | None = None,
                 pipeline: Pipeline = RAW, progress: Progress | None = None,
                 cancel: threading.Event | None = None) -> ImportSummary:
    """Import ``paths`` one after another; ``progress`` gets the count of rows done so far."""
    total = ImportSummary()
    for path in paths:
        done = total.processed
        step = None if progress is None else (lambda n, done=done: progress(done + n))
        summary = _import_one(store, Path(path), override, pipeline, step, cancel)
        total = total.plus(BatchResult(summary.imported, summary.duplicates, summary.rejected, summary.new_ids,
                                       summary.incident_ids, summary.rejections, summary.edited_ids,
                                       summary.warnings_added))
        if summary.cancelled:
            return total.cancelled_now()
    return total


def _import_one(store: Store, path: Path, override: Mapping_ | None, pipeline: Pipeline, progress: Progress | None,
                cancel: threading.Event | None) -> ImportSummary:
    if path.suffix.lower() in CAP_SUFFIXES:
        return import_cap(store, path)
    table = read_table(path)
    profile = find_profile(store, table.headers)
    rows = records(table, mapping_for(table, override, profile), content_origin(table, profile))
    return run_pipeline(store, rows, pipeline, progress, cancel)


def import_cap(store: Store, path: Path) -> ImportSummary:
    """A CAP 1.2 alert file into the warnings table (a broken one is one rejection with its reason)."""
    from app.intake.quarantine import store_rejections

    try:
        with path.open("rb") as stream:
            alert = parse_alert(stream.read(8 * 1024 * 1024 + 1))
    except (OSError, CapError) as exc:
        rejection = file_rejection("cap", path.name, f"предупреждение CAP не принято: {exc}", "")
        store_rejections(store, [rejection])
        return ImportSummary(rejected=1, rejections=(rejection,))
    with store.engine.begin() as conn:
        added = store_alerts(conn, [alert])
    return ImportSummary(duplicates=1 - added, warnings_added=added)
