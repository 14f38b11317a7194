"""Intake commands: ``import``, ``feed-server`` and ``poll`` (through the core's one pipeline)."""

from __future__ import annotations

import argparse
import json
import threading
from pathlib import Path

from app.cli.common import add_core_options, core_from, fail
from app.core import Core
from app.intake import FeedConfig, FeedPoller, ImportSummary, PollResult, feed_health
from app.intake.feed import poll_forever

SHOWN_REJECTIONS = 20


def register(sub: argparse._SubParsersAction) -> None:
    _register_import(sub)
    _register_feed_server(sub)
    _register_poll(sub)


def _register_import(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("import", help="импорт файлов (CSV, XLSX, JSON/JSONL, GeoJSON, экспорт Telegram)")
    add_core_options(parser)
    parser.add_argument("files", nargs="+", metavar="FILE", help="файлы для импорта")
    parser.add_argument("--mapping", metavar="JSON",
                        help='сопоставление полей, например {"text": "Комментарий", "time": "Когда"}')
    parser.set_defaults(handler="app.cli.intake:run_import")


def _register_feed_server(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("feed-server", help="локальная HTTP-лента сообщений сценария (учения, демонстрация)")
    parser.add_argument("--scenario", default="storm", metavar="НАЗВАНИЕ", help="сценарий")
    parser.add_argument("--host", default="127.0.0.1", help="адрес (по умолчанию только этот компьютер)")
    parser.add_argument("--port", type=int, default=8765, help="порт")
    parser.add_argument("--speed", type=float, default=60.0, help="скорость сценария (60 = час за минуту)")
    parser.add_argument("--seed", type=int, default=2023, help="зерно сценария")
    parser.add_argument("--hours-before", type=float, default=5.0, help="сколько часов сценария уже прошло")
    parser.add_argument("--token", help="требовать заголовок Authorization: Bearer ТОКЕН")
    parser.set_defaults(handler="app.demo.feed_server:run_feed_server")


def _register_poll(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("poll", help="опрашивать HTTP-ленту сообщений и сохранять их в базу")
    add_core_options(parser)
    parser.add_argument("--url", required=True, help="адрес ленты, например http://127.0.0.1:8765/messages")
    parser.add_argument("--once", action="store_true", help="один опрос (все доступные страницы) и выход")
    parser.add_argument("--interval", type=float, default=30.0, help="интервал опроса, с")
    parser.add_argument("--token", help="токен доступа (заголовок Authorization: Bearer)")
    parser.add_argument("--page-size", type=int, default=500, help="записей на страницу")
    parser.add_argument("--source", default="feed", help="источник для записей без поля source")
    parser.set_defaults(handler="app.cli.intake:run_poll")


def register_global(parser: argparse.ArgumentParser) -> None:
    """Window options: poll a monitoring API live (the demo uses its own local feed server)."""
    group = parser.add_argument_group("лента сообщений")
    group.add_argument("--feed-url", metavar="URL", help="опрашивать ленту сообщений (JSON API) по этому адресу")
    group.add_argument("--feed-interval", type=float, default=None, metavar="SECONDS",
                       help="период опроса ленты, с (по умолчанию из настроек)")


def _mapping(text: str | None) -> dict[str, str | None] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise ValueError('--mapping: ожидается объект JSON вида {"поле": "столбец"}')
    return value


def _missing(paths: list[Path]) -> list[str]:
    return [f"Файл не найден или не читается: {p}" for p in paths if not p.is_file()]


def _print_rejections(summary: ImportSummary) -> None:
    for rejection in summary.rejections[:SHOWN_REJECTIONS]:
        print(f"  отклонено: {rejection.location}: {rejection.reason}")
    if summary.rejected > len(summary.rejections[:SHOWN_REJECTIONS]):
        rest = summary.rejected - len(summary.rejections[:SHOWN_REJECTIONS])
        print(f"  … и ещё {rest}: все причины — в журнале карантина (таблица quarantine базы данных)")


def run_import(args: argparse.Namespace) -> int:
    """Import files through the core's pipeline and print the summary line and the reasons of rejections."""
    try:
        mapping = _mapping(args.mapping)
    except ValueError as exc:
        return fail(str(exc))
    paths = [Path(f) for f in args.files]
    missing = _missing(paths)
    readable = [p for p in paths if p.is_file()]
    core = core_from(args)
    try:
        summary = core.import_files(readable, mapping) if readable else ImportSummary()
    finally:
        core.close()
    print(summary.line)
    _print_rejections(summary)
    for line in missing:
        print(f"Ошибка: {line}")
    return 1 if missing else 0


def _print_result(result: PollResult) -> None:
    print(result.summary.line if result.error is None else f"{result.summary.line}; ошибка: {result.error}",
          flush=True)


def run_poll(args: argparse.Namespace) -> int:
    """Poll a feed once (``--once``) or every interval until Ctrl+C, through the core's pipeline."""
    config = FeedConfig(url=args.url, token=args.token, interval_s=args.interval, page_size=args.page_size,
                        source=args.source)
    core = core_from(args)
    stop = threading.Event()
    poller = core.feed_poller(config, wait=stop.wait)
    try:
        if args.once:
            return _poll_once(core, poller, config)
        poll_forever(poller, stop, lambda result: _report(core, result))
    except KeyboardInterrupt:
        stop.set()
    finally:
        poller.close()
        core.close()
    return 0


def _report(core: Core, result: PollResult) -> None:
    core.announce_arrived(result.summary)
    _print_result(result)


def _poll_once(core: Core, poller: FeedPoller, config: FeedConfig) -> int:
    result = poller.poll_once()
    _report(core, result)
    print(feed_health(core.store, config.id, config.interval_s).label)
    return 0 if result.error is None else 1
