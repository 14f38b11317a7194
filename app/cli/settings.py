"""``settings list|get KEY|set KEY VALUE``: the one settings model, for administrators."""

from __future__ import annotations

import argparse

from app.cli.common import add_core_options, core_from, fail
from app.settings import KEYS, SettingsError, format_value, label_of, parse_value


def register(sub: argparse._SubParsersAction) -> None:
    settings = sub.add_parser("settings", help="настройки центра: показать и изменить")
    add_core_options(settings)
    actions = settings.add_subparsers(dest="settings_action", metavar="ДЕЙСТВИЕ", required=True)
    listing = actions.add_parser("list", help="все настройки с их значениями")
    add_core_options(listing)
    get = actions.add_parser("get", help="значение одной настройки")
    add_core_options(get)
    get.add_argument("key", metavar="КЛЮЧ", choices=KEYS, help="ключ настройки (см. settings list)")
    put = actions.add_parser("set", help="изменить настройку (проверяется, как в окне настроек)")
    add_core_options(put)
    put.add_argument("key", metavar="КЛЮЧ", choices=KEYS, help="ключ настройки (см. settings list)")
    put.add_argument("value", metavar="ЗНАЧЕНИЕ", help="новое значение (списки — через запятую)")
    settings.set_defaults(handler="app.cli.settings:run_settings")


def run_settings(args: argparse.Namespace) -> int:
    core = core_from(args, create=args.settings_action == "set")
    try:
        if args.settings_action == "set":
            return _set(core, args.key, args.value)
        keys = KEYS if args.settings_action == "list" else (args.key,)
        for key in keys:
            value = format_value(getattr(core.settings, key))
            print(f"{key} = {value}    # {label_of(key)}" if args.settings_action == "list" else value)
        if core.pack_error and args.settings_action == "list":
            print(f"# {core.pack_error}")
        return 0
    finally:
        core.close()


def _set(core: object, key: str, text: str) -> int:
    try:
        value = parse_value(key, text)
        core.update_settings(**{key: value})  # type: ignore[attr-defined]
    except (KeyError, ValueError, SettingsError) as exc:
        return fail(str(exc).replace("\n", "; "))
    print(f"{key} = {format_value(value)}")
    return 0
