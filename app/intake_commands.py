"""Handlers of the intake commands (``import``, ``poll``); the parsers are in app/cli_intake.py."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path

from app.feed import FeedConfig, FeedPoller, PollResult, poll_forever
from app.feed_health import feed_health
from app.fileimport import import_files
from app.store import open_store


def _mapping(text: str | None) -> dict[str, str | None] | None:
    if not text:
        return None
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("--mapping: ожидается объект JSON {\"поле\": \"столбец\"}")
    return value


def run_import(args: argparse.Namespace) -> int:
    """Import files into the database and print the summary line."""
    try:
        mapping = _mapping(args.mapping)
    except ValueError as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return 2
    store = open_store(getattr(args, "db", None))
    try:
        summary = import_files(store, [Path(f) for f in args.files], mapping)
    finally:
        store.close()
    print(summary.line)
    return 0


def _print_result(result: PollResult) -> None:
    print(result.summary.line if result.error is None else f"{result.summary.line}; ошибка: {result.error}",
          flush=True)


def run_poll(args: argparse.Namespace) -> int:
    """Poll a feed once (``--once``) or every interval until Ctrl+C."""
    config = FeedConfig(url=args.url, token=args.token, interval_s=args.interval, page_size=args.page_size,
                        source=args.source)
    store = open_store(getattr(args, "db", None))
    stop = threading.Event()
    poller = FeedPoller(store, config, wait=stop.wait)
    try:
        if args.once:
            result = poller.poll_once()
            _print_result(result)
            print(feed_health(store, config.id, config.interval_s).label)
            return 0 if result.error is None else 1
        poll_forever(poller, stop, _print_result)
    except KeyboardInterrupt:
        stop.set()
    finally:
        poller.close()
        store.close()
    return 0
