"""``sources``: the configured sources — list with health, add, remove, test, poll (one seat per source).

Credentials are never command-line arguments (they would stay in the shell's history): they
are read from an environment variable (``--secret-env``) or asked for (``--ask-secret``) and
kept in the OS keyring.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import threading
import time

from sqlalchemy.exc import DBAPIError

from app.cli.common import add_core_options, core_from, fail
from app.core import Core
from app.intake.connectors import KINDS, SourceSpec, SourceStoppedError
from app.intake.sources import (
    SECRETS,
    SourceConfigError,
    check_source,
    delete_source,
    list_sources,
    save_source,
    source_health,
    source_poller,
)
from app.intake.storage import storage_problem
from app.sync.lease import FeedLease


def register_sources(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("sources", help="источники сообщений: VK, Telegram, RSS, Open311, CAP, JSON-ленты")
    actions = parser.add_subparsers(dest="action", metavar="ДЕЙСТВИЕ", required=True, parser_class=type(parser),
                                    prog="opershtab sources")
    listing = actions.add_parser("list", help="источники и их состояние")
    add = actions.add_parser("add", help="добавить или изменить источник")
    add.add_argument("--kind", required=True, choices=list(KINDS), help="вид источника")
    add.add_argument("--name", required=True, help="название")
    add.add_argument("--address", default="", help="адрес (RSS, Open311, CAP, JSON-лента; для VK и Telegram — "
                                                    "адрес API, если не стандартный)")
    add.add_argument("--param", action="append", default=[], metavar="КЛЮЧ=ЗНАЧЕНИЕ",
                     help="параметр (значение — JSON или текст), например owners=[-1,-2], query=\"нет света\"")
    add.add_argument("--interval", type=float, default=60.0, help="интервал опроса, с")
    add.add_argument("--disabled", action="store_true", help="добавить выключенным")
    add.add_argument("--secret-env", metavar="ПЕРЕМЕННАЯ", help="взять ключ доступа из переменной окружения")
    add.add_argument("--ask-secret", action="store_true", help="спросить ключ доступа (не отображается)")
    remove = actions.add_parser("remove", help="удалить источник (сообщения остаются)")
    remove.add_argument("name")
    check = actions.add_parser("test", help="проверить связь с источником (ничего не сохраняется)")
    check.add_argument("name")
    poll = actions.add_parser("poll", help="опрашивать включённые источники")
    poll.add_argument("--name", help="только этот источник")
    poll.add_argument("--once", action="store_true", help="один опрос и выход")
    for each in (parser, listing, add, remove, check, poll):
        add_core_options(each)
    parser.set_defaults(handler="app.cli.sources:run_sources")


def _params(pairs: list[str]) -> dict[str, object]:
    values: dict[str, object] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key.strip():
            raise SourceConfigError(f"параметр «{pair}»: ожидается КЛЮЧ=ЗНАЧЕНИЕ")
        try:
            values[key.strip()] = json.loads(text)
        except ValueError:
            values[key.strip()] = text
    return values


def _secret(args: argparse.Namespace) -> str | None:
    if args.secret_env:
        value = os.environ.get(args.secret_env)
        if not value:
            raise SourceConfigError(f"переменная окружения {args.secret_env} не задана")
        return value
    return getpass.getpass("Ключ доступа: ") if args.ask_secret else None


def _by_name(core: Core, name: str) -> SourceSpec:
    for spec in list_sources(core.store, SECRETS):
        if spec.name == name:
            return spec
    raise SourceConfigError(f"источник «{name}» не найден")


def run_sources(args: argparse.Namespace) -> int:
    core = core_from(args)
    try:
        return _ACTIONS[args.action](core, args)
    except SourceConfigError as exc:
        return fail(str(exc))
    finally:
        core.close()


def _list(core: Core, _args: argparse.Namespace) -> int:
    specs = list_sources(core.store)
    if not specs:
        print("Источников нет: добавьте командой «sources add»")
    for spec in specs:
        state = "включён" if spec.enabled else "выключен"
        print(f"{spec.name} [{KINDS[spec.kind]}, {state}, раз в {spec.interval_s:g} с]: "
              f"{source_health(core.store, spec).label}")
    return 0


def _add(core: Core, args: argparse.Namespace) -> int:
    old = next((s for s in list_sources(core.store) if s.name == args.name), None)
    spec = SourceSpec(args.kind, args.name, args.address, _params(args.param), args.interval, not args.disabled,
                      old.id if old else None)
    saved = save_source(core.store, spec, _secret(args))
    where = "в системном хранилище паролей" if SECRETS.persistent else "только до конца работы программы"
    print(f"Источник «{saved.name}» сохранён" + (f"; ключ доступа хранится {where}" if saved.secret else ""))
    return 0


def _remove(core: Core, args: argparse.Namespace) -> int:
    spec = _by_name(core, args.name)
    assert spec.id is not None
    delete_source(core.store, spec.id)
    print(f"Источник «{spec.name}» удалён; его сообщения остались в базе")
    return 0


def _test(core: Core, args: argparse.Namespace) -> int:
    line = check_source(_by_name(core, args.name))
    print(line)
    return 0 if line.startswith("Соединение установлено") else 1


def _poll(core: Core, args: argparse.Namespace) -> int:
    specs = [s for s in list_sources(core.store, SECRETS) if s.enabled and (not args.name or s.name == args.name)]
    if not specs:
        raise SourceConfigError("нет включённых источников" + (f" с названием «{args.name}»" if args.name else ""))
    stop, leases = threading.Event(), {s.name: FeedLease(core.store, s.state_id) for s in specs}
    due = dict.fromkeys((s.name for s in specs), 0.0)
    failed = False
    try:
        while not stop.is_set():
            for spec in specs:
                if time.monotonic() >= due[spec.name]:
                    failed |= not _poll_one(core, spec, leases[spec.name], stop)
                    due[spec.name] = time.monotonic() + spec.interval_s
            if args.once:
                break
            stop.wait(max(0.5, min(due.values()) - time.monotonic()))
    except KeyboardInterrupt:
        stop.set()
    finally:
        for lease in leases.values():
            lease.release()
    return 1 if failed and args.once else 0


def _poll_one(core: Core, spec: SourceSpec, lease: FeedLease, stop: threading.Event) -> bool:
    """One poll of ``spec``; a database away longer than intake waits is said and tried at the next interval."""
    try:
        if not (lease.still_held() or lease.acquire()):
            print(f"{spec.name}: опрашивает другое рабочее место", flush=True)
            return True
        result = source_poller(core.store, spec, core, stop).poll_once()
    except SourceStoppedError:
        return True
    except DBAPIError as exc:
        problem = storage_problem(exc)
        if problem is None:
            raise
        print(f"{spec.name}: опрос не сохранён: {problem}", flush=True)
        return False
    core.announce_arrived(result.summary)
    extra = f", предупреждений CAP: {result.written}" if result.written else ""
    note = f"; внимание: {result.warning}" if result.warning else ""
    print(f"{spec.name}: {result.summary.line}{extra}" + (f"; ошибка: {result.error}" if result.error else "") + note,
          flush=True)
    return result.error is None


_ACTIONS = {"list": _list, "add": _add, "remove": _remove, "test": _test, "poll": _poll}
