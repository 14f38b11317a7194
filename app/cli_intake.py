"""Sub-commands of intake: ``import``, ``feed-server`` and ``poll``."""

from __future__ import annotations

import argparse

from app.cli import add_db_option


def register(sub: argparse._SubParsersAction) -> None:
    _register_import(sub)
    _register_feed_server(sub)
    _register_poll(sub)


def _register_import(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("import", help="импорт файлов (CSV, XLSX, JSON/JSONL, GeoJSON, экспорт Telegram)")
    add_db_option(parser)
    parser.add_argument("files", nargs="+", metavar="FILE", help="файлы для импорта")
    parser.add_argument("--mapping", metavar="JSON",
                        help='сопоставление полей, например {"text": "Комментарий", "time": "Когда"}')
    parser.set_defaults(handler="app.intake_commands:run_import")


def _register_feed_server(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("feed-server", help="локальная HTTP-лента сообщений сценария (учения, демонстрация)")
    parser.add_argument("--scenario", choices=["storm"], default="storm", help="сценарий")
    parser.add_argument("--host", default="127.0.0.1", help="адрес (по умолчанию только этот компьютер)")
    parser.add_argument("--port", type=int, default=8765, help="порт")
    parser.add_argument("--speed", type=float, default=60.0, help="скорость сценария (60 = час за минуту)")
    parser.add_argument("--seed", type=int, default=2023, help="зерно сценария")
    parser.add_argument("--hours-before", type=float, default=5.0, help="сколько часов сценария уже прошло")
    parser.add_argument("--token", help="требовать заголовок Authorization: Bearer ТОКЕН")
    parser.set_defaults(handler="app.feed_server:run_feed_server")


def _register_poll(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("poll", help="опрашивать HTTP-ленту сообщений и сохранять их в базу")
    add_db_option(parser)
    parser.add_argument("--url", required=True, help="адрес ленты, например http://127.0.0.1:8765/messages")
    parser.add_argument("--once", action="store_true", help="один опрос (все доступные страницы) и выход")
    parser.add_argument("--interval", type=float, default=30.0, help="интервал опроса, с")
    parser.add_argument("--token", help="токен доступа (заголовок Authorization: Bearer)")
    parser.add_argument("--page-size", type=int, default=500, help="записей на страницу")
    parser.add_argument("--source", default="feed", help="источник для записей без поля source")
    parser.set_defaults(handler="app.intake_commands:run_poll")


def register_global(parser: argparse.ArgumentParser) -> None:
    """Window options: poll a monitoring API live (the demo uses its own local feed server)."""
    group = parser.add_argument_group("лента сообщений")
    group.add_argument("--feed-url", metavar="URL", help="опрашивать ленту сообщений (JSON API) по этому адресу")
    group.add_argument("--feed-interval", type=float, default=30.0, metavar="SECONDS", help="период опроса ленты, с")
