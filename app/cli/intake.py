"""Intake commands: ``import``, ``feed-server``, ``poll`` and ``sources`` (through the core's one pipeline).

A full disk or a database server that stays away longer than the intake waits for it
(``app.intake.storage``) ends a command with one Russian line; what was stored stays whole.
"""

from __future__ import annotations

import argparse
import json
import threading
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.exc import DBAPIError

from app.cli.common import add_core_options, core_from, fail
from app.core import Core
from app.demo import DEFAULT_SCENARIO, scenario_names
from app.intake import RAW, FeedConfig, FeedPoller, ImportSummary, PollResult, feed_health
from app.intake import import_files as import_raw
from app.intake.feed import FeedStoppedError
from app.intake.files import preview, read_table, save_profile
from app.intake.storage import storage_problem

SHOWN_REJECTIONS = 20


def register(sub: argparse._SubParsersAction) -> None:
    _register_import(sub)
    _register_feed_server(sub)
    _register_poll(sub)
    from app.cli.sources import register_sources

    register_sources(sub)


def _register_import(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("import", help="импорт файлов (CSV, XLSX, JSON/JSONL, GeoJSON, экспорт Telegram, CAP)")
    add_core_options(parser)
    parser.add_argument("files", nargs="+", metavar="FILE", help="файлы для импорта")
    parser.add_argument("--mapping", metavar="JSON",
                        help='сопоставление полей, например {"text": "Комментарий", "time": "Когда"}')
    parser.add_argument("--save-profile", metavar="НАЗВАНИЕ",
                        help="запомнить сопоставление столбцов первого файла под этим названием "
                             "(следующий файл с теми же заголовками узнаётся сам)")
    parser.add_argument("--no-classify", action="store_true",
                        help="не классифицировать и не размещать: категории и места — как в файле (быстрый импорт "
                             "архивов)")
    parser.set_defaults(handler="app.cli.intake:run_import")


def _register_feed_server(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("feed-server", help="локальная HTTP-лента сообщений сценария (учения, демонстрация)")
    parser.add_argument("--scenario", default=DEFAULT_SCENARIO, choices=scenario_names(), metavar="НАЗВАНИЕ",
                        help=f"сценарий: {', '.join(scenario_names())}")
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
    parser.add_argument("--interval", type=_interval, default=30.0, help="интервал опроса, с (больше 0)")
    parser.add_argument("--token", type=_token, help="токен доступа (заголовок Authorization: Bearer)")
    parser.add_argument("--page-size", type=_page_size, default=500, help="записей на страницу (1–1000)")
    parser.add_argument("--source", default="feed", help="источник для записей без поля source")
    parser.add_argument("--follow-redirects", action="store_true",
                        help="следовать перенаправлениям на другой адрес (в состоянии ленты будет отмечено)")
    parser.set_defaults(handler="app.cli.intake:run_poll")


def _page_size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"размер страницы — целое число от 1 до 1000, а не «{text[:40]}»")
    return value


def _interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"интервал — число секунд больше 0, а не «{text[:40]}»")
    return value


def _token(text: str) -> str:
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise argparse.ArgumentTypeError("в токене есть управляющие символы (перевод строки, табуляция): "
                                         "он не может быть заголовком HTTP")
    return text


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
    if not isinstance(value, dict) or not all(isinstance(k, str) and (v is None or isinstance(v, str))
                                              for k, v in value.items()):
        raise ValueError('--mapping: ожидается объект JSON вида {"поле": "столбец"} (столбец — строка или null)')
    return value


def _absent_columns(paths: list[Path], mapping: dict[str, str | None] | None) -> str | None:
    """Why ``--mapping`` cannot apply: a column it names that a table (CSV, XLSX) does not have."""
    for path in paths if mapping else ():
        table = read_table(path)
        close = getattr(table.rows, "close", None)
        if table.format in ("csv", "xlsx") and table.headers:
            absent = [c for c in (mapping or {}).values() if c and c not in table.headers]
            if close is not None:
                close()
            if absent:
                shown = ", ".join(f"«{c[:80]}»" for c in absent)
                return f"--mapping: в файле {path.name} нет столбца {shown}; есть: " + \
                    ", ".join(f"«{h[:40]}»" for h in table.headers[:20])
        elif close is not None:
            close()
    return None


def _missing(paths: list[Path]) -> list[str]:
    return [f"Файл не найден или не читается: {p}" for p in paths if not p.is_file()]


def print_rejections(summary: ImportSummary) -> None:
    for rejection in summary.rejections[:SHOWN_REJECTIONS]:
        print(f"  отклонено: {rejection.location}: {rejection.reason}")
    if summary.rejected > len(summary.rejections[:SHOWN_REJECTIONS]):
        rest = summary.rejected - len(summary.rejections[:SHOWN_REJECTIONS])
        print(f"  … и ещё {rest}: все причины — в журнале карантина (таблица quarantine базы данных)")


def _import(core: Core, paths: list[Path], mapping: dict[str, str | None] | None, raw: bool) -> ImportSummary:
    if not raw:
        return core.import_files(paths, mapping)
    return core.announce_arrived(import_raw(core.store, paths, mapping, RAW))


def _save_profile(core: Core, name: str, path: Path, mapping: dict[str, str | None] | None) -> str:
    shown = preview(path, 1, mapping, core.store)
    saved = save_profile(core.store, name, shown.headers, shown.mapping)
    return f"Профиль «{saved.name}» сохранён: {', '.join(f'{k} ← {v}' for k, v in saved.mapping.items())}"


def run_import(args: argparse.Namespace) -> int:
    """Import files through the core's pipeline and print the summary line and the reasons of rejections."""
    try:
        mapping = _mapping(args.mapping)
    except ValueError as exc:
        return fail(str(exc))
    paths = [Path(f) for f in args.files]
    missing = _missing(paths)
    readable = [p for p in paths if p.is_file()]
    absent = _absent_columns(readable, mapping)
    if absent:
        return fail(absent)
    core = core_from(args)
    try:
        if getattr(args, "save_profile", None) and readable:
            print(_save_profile(core, args.save_profile, readable[0], mapping))
        summary = _import(core, readable, mapping, getattr(args, "no_classify", False)) if readable \
            else ImportSummary()
    except (DBAPIError, ValueError) as exc:
        problem = storage_problem(exc) if isinstance(exc, DBAPIError) else str(exc)
        if problem is None:
            raise
        return fail(f"Импорт остановлен: {problem}", 1)
    finally:
        core.close()
    print(summary.line)
    print_rejections(summary)
    for line in missing:
        print(f"Ошибка: {line}")
    return 1 if missing or _unread(summary, readable) else 0


def _unread(summary: ImportSummary, paths: list[Path]) -> list[str]:
    """Files refused whole (a bomb, a broken or foreign file): their rejection is located at the file itself."""
    names = {p.name for p in paths}
    return [r.location for r in summary.rejections if r.location in names]


def _print_result(result: PollResult) -> None:
    print(result.summary.line if result.error is None else f"{result.summary.line}; ошибка: {result.error}",
          flush=True)


def run_poll(args: argparse.Namespace) -> int:
    """Poll a feed once (``--once``) or every interval until Ctrl+C, through the core's pipeline."""
    problem = _url_problem(args.url)
    if problem is not None:
        return fail(f"--url: {problem}")
    config = FeedConfig(url=args.url, token=args.token, interval_s=args.interval, page_size=args.page_size,
                        source=args.source, follow_elsewhere=getattr(args, "follow_redirects", False))
    core = core_from(args)
    stop = threading.Event()
    poller = core.feed_poller(config, wait=stop.wait)
    try:
        if args.once:
            return _poll_once(core, poller, config)
        _poll_forever(core, poller, stop)
    except KeyboardInterrupt:
        stop.set()
    finally:
        poller.close()
        core.close()
    return 0


def _url_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError:
        return f"адрес не разбирается: «{url[:200]}»"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"нужен адрес http:// или https:// с именем сервера, а не «{url[:200]}»"
    return None


def _poll_forever(core: Core, poller: FeedPoller, stop: threading.Event) -> None:
    """Poll every interval; a storage failure is reported and the next poll tries again from the cursor."""
    while not stop.is_set():
        try:
            _report(core, poller.poll_once())
        except FeedStoppedError:
            return
        except DBAPIError as exc:
            problem = storage_problem(exc)
            if problem is None:
                raise
            print(f"Ошибка: опрос не сохранён: {problem}", flush=True)
        stop.wait(poller.config.interval_s)


def _report(core: Core, result: PollResult) -> None:
    core.announce_arrived(result.summary)
    _print_result(result)


def _poll_once(core: Core, poller: FeedPoller, config: FeedConfig) -> int:
    try:
        result = poller.poll_once()
    except DBAPIError as exc:
        problem = storage_problem(exc)
        if problem is None:
            raise
        return fail(f"Опрос не сохранён: {problem}", 1)
    if result.error is not None:
        core.announce_arrived(result.summary)
        return fail(f"опрос не удался: {result.error} ({result.summary.line})", 1)
    _report(core, result)
    print(feed_health(core.store, config.id, config.interval_s).label)
    return 0
