"""Sub-commands of the shared database: ``transfer`` (SQLite ⇄ PostgreSQL) and ``listen`` (debug printer)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import threading

from app.cli.common import add_core_options


def register(sub: argparse._SubParsersAction) -> None:
    move = sub.add_parser("transfer", help="скопировать базу целиком: SQLite ⇄ PostgreSQL, номера сохраняются")
    move.add_argument("--from", dest="source", required=True, metavar="URL", help="исходная база")
    move.add_argument("--to", dest="target", required=True, metavar="URL", help="целевая база (будет обновлена)")
    move.add_argument("--replace", action="store_true", help="очистить непустую целевую базу")
    move.set_defaults(handler="app.cli.sync:run_transfer")
    listen = sub.add_parser("listen", help="печатать изменения и состояние связи (JSON по строке)")
    add_core_options(listen)
    listen.add_argument("--seconds", type=float, help="завершить через N секунд")
    listen.set_defaults(handler="app.cli.sync:run_listen")


def run_transfer(args: argparse.Namespace) -> int:
    from app.store.credentials import connect_url
    from app.store.transfer import TransferError, transfer

    try:
        report = transfer(connect_url(args.source), connect_url(args.target), replace=args.replace,
                          progress=lambda table, n: print(f"{table}: {n}", flush=True))
    except TransferError as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return 2
    print(f"Скопировано строк: {report.total} за {report.seconds:.1f} с")
    return 0


def _print(kind: str, body: dict[str, object]) -> None:
    print(json.dumps({"event": kind, **body}, ensure_ascii=False), flush=True)


def run_listen(args: argparse.Namespace) -> int:
    from app.store.credentials import connect_url
    from app.store.engine import Store
    from app.sync.notify import install_notify_triggers, watch

    store = Store(connect_url(args.db) if getattr(args, "db", None) else None)
    install_notify_triggers(store)
    watcher = watch(store, lambda c: _print("change", {"kind": c.kind, "table": c.table, "ids": list(c.ids),
                                                        "count": c.count, "max_id": c.max_id}),
                    lambda s: _print("state", {"state": str(s)}))
    watcher.start()
    with contextlib.suppress(KeyboardInterrupt):
        threading.Event().wait(args.seconds)
    watcher.stop()
    store.close()
    return 0
