"""Copy a whole database between SQLite and PostgreSQL (either way), ids preserved.

Moving a standalone installation to the shared server: the target is migrated
to head, must be empty (or ``replace=True`` empties it), then every table is
copied in foreign-key order in chunks, in one transaction. On PostgreSQL the id
sequences are moved past the copied ids so new rows do not collide.
The source is only read; it must be at the same migration revision as head.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, MetaData, Table, delete, func, insert, select, text

from app.store.engine import Store, open_store

CHUNK = 5000
SKIPPED = frozenset({"alembic_version"})


class TransferError(RuntimeError):
    """The copy cannot start or its result does not match the source."""


@dataclass(frozen=True)
class TransferReport:
    rows: dict[str, int]
    seconds: float

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _revision(conn: Connection) -> str | None:
    try:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
    except Exception as exc:
        raise TransferError(f"в исходной базе нет схемы Оперштаба: {exc}") from exc


def _tables(conn: Connection) -> list[Table]:
    meta = MetaData()
    meta.reflect(conn)
    return [table for table in meta.sorted_tables if table.name not in SKIPPED]


def _chunks(conn: Connection, table: Table, columns: list[str]) -> Iterator[list[dict[str, object]]]:
    order = list(table.primary_key.columns) or [table.c[columns[0]]]
    result = conn.execution_options(yield_per=CHUNK).execute(select(*(table.c[c] for c in columns)).order_by(*order))
    for part in result.partitions(CHUNK):
        yield [dict(row._mapping) for row in part]


def _copy_table(src: Connection, dst: Connection, source: Table, target: Table) -> int:
    columns = [c.name for c in target.columns if c.name in source.c]
    copied = 0
    for rows in _chunks(src, source, columns):
        dst.execute(insert(target), rows)
        copied += len(rows)
    return copied


def reset_sequences(conn: Connection, tables: list[Table]) -> None:
    """PostgreSQL: set each serial sequence past the largest id present."""
    for table in tables:
        for column in table.primary_key.columns:
            sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                    {"t": table.name, "c": column.name}).scalar_one_or_none()
            if sequence:
                top = conn.execute(select(func.coalesce(func.max(column), 0))).scalar_one()
                conn.execute(text("SELECT setval(:s, :v, :called)"),
                             {"s": sequence, "v": max(int(top), 1), "called": int(top) > 0})


def _check_empty(dst: Connection, tables: list[Table], replace: bool) -> None:
    filled = [t.name for t in tables if dst.execute(select(func.count()).select_from(t)).scalar_one()]
    if filled and not replace:
        raise TransferError(f"целевая база не пуста ({', '.join(filled)}); укажите --replace, чтобы заменить данные")
    for table in reversed(tables):
        if table.name in filled:
            dst.execute(delete(table))


def transfer(source_url: str, target_url: str, replace: bool = False,
             progress: Callable[[str, int], None] | None = None) -> TransferReport:
    """Copy every table of ``source_url`` into ``target_url`` (migrated to head first)."""
    started = time.perf_counter()
    source, target = Store(source_url), open_store(target_url)
    try:
        with source.engine.connect() as src, target.engine.begin() as dst:
            if _revision(src) != _revision(dst):
                raise TransferError(f"версии схемы различаются: {_revision(src)} → {_revision(dst)}; "
                                    "сначала откройте исходную базу этой версией программы")
            rows = _copy_all(src, dst, replace, progress)
        _verify(target, rows)
    finally:
        source.close()
        target.close()
    return TransferReport(rows, time.perf_counter() - started)


def _copy_all(src: Connection, dst: Connection, replace: bool,
              progress: Callable[[str, int], None] | None) -> dict[str, int]:
    sources = {t.name: t for t in _tables(src)}
    targets = _tables(dst)
    _check_empty(dst, targets, replace)
    rows: dict[str, int] = {}
    for table in targets:
        rows[table.name] = _copy_table(src, dst, sources[table.name], table) if table.name in sources else 0
        if progress:
            progress(table.name, rows[table.name])
    if dst.dialect.name == "postgresql":
        reset_sequences(dst, targets)
    return rows


def _verify(target: Store, rows: dict[str, int]) -> None:
    with target.engine.connect() as dst:
        for table in _tables(dst):
            found = dst.execute(select(func.count()).select_from(table)).scalar_one()
            if found != rows.get(table.name, 0):
                raise TransferError(f"таблица {table.name}: скопировано {rows.get(table.name)}, в базе {found}")
