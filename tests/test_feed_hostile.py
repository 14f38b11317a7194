"""A hostile feed: poison items, unstorable cursors, endless and slow bodies, ignored limits, redirects, forgery."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.common.ru import format_int
from app.intake.feed import FeedConfig, FeedPoller, FeedStoppedError
from app.intake.feed_state import feed_health, load_state
from app.intake.files import import_files
from app.intake.quarantine import list_quarantine
from app.store.models import Message
from tests.hostile_server import HostileServer

GOOD = {"published_at": "2023-04-22T12:00:00Z", "author": "житель"}


def item(number: int, **extra: object) -> dict:
    return {"id": f"ok-{number}", "text": f"Нет света, дом {number}", **GOOD, **extra}


def page(items: list, next_cursor: str | None, has_more: bool = True) -> str:
    """A page as JSON text (ASCII: a lone surrogate travels as its escape «\\ud800», as JSON writes it)."""
    return json.dumps({"items": items, "next_cursor": next_cursor, "has_more": has_more})


def config(url: str, **extra: object) -> FeedConfig:
    values = {"feed_id": url, "page_size": 50, "max_attempts": 2, "backoff_base": 0.01, "backoff_cap": 0.02,
              "read_timeout": 2.0, "connect_timeout": 1.0, "total_timeout": 3.0, **extra}
    return FeedConfig(url=url, **values)  # type: ignore[arg-type]


def stored(store) -> list[str]:
    with store.session() as session:
        return sorted(session.scalars(select(Message.external_id)))


def test_poison_items_are_quarantined_and_every_later_page_arrives(store):
    deep = "[" * 100_000 + "]" * 100_000
    first = page([item(1), item(2)], "\ud800c")  # a lone surrogate in the cursor
    poison = ('{"items": [' + json.dumps(item(3)) + ', {"id": "deep", "text": ' + deep + '}, {"id": '
              + "9" * 5000 + ', "text": "число"}, ' + json.dumps(item(4, text="NUL\u0000внутри")) + ", "
              + json.dumps(item(5, published_at="2099-01-01T00:00:00Z")) + ', {"id": "ok-6", "text": "Нет воды", '
              '"published_at": "2023-04-22T12:00:00Z"}], "next_cursor": "' + "c" * 10_000 + '", "has_more": true}')
    last = page([item(7)], None, has_more=False)
    with HostileServer([first, poison, last]) as server:
        server.cursor_pages = {"\ud800c": 1, "c" * 10_000: 2}
        url = server.url() + "?x=" + "q" * 200  # a feed address longer than 128 characters
        result = FeedPoller(store, config(url)).poll_once()
        again = FeedPoller(store, config(url)).poll_once()
    reasons = sorted(q.reason for q in list_quarantine(store))
    assert result.error is None and result.pages == 3
    assert stored(store) == ["ok-1", "ok-2", "ok-3", "ok-4", "ok-6", "ok-7"]
    assert any("вложена слишком глубоко" in r for r in reasons)
    assert any(f"{format_int(4300)} цифр" in r for r in reasons)
    assert any(r.startswith("дата в будущем") for r in reasons) and len(reasons) == 3
    assert load_state(store, url).cursor == "c" * 10_000 and again.error is None
    with store.session() as session:
        assert session.scalar(select(Message.text).where(Message.external_id == "ok-4")) == "NULвнутри"


def test_etag_and_cursor_the_database_would_refuse_are_kept(store):
    with HostileServer([page([item(1)], "nul\u0000cursor"), page([item(2)], None, has_more=False)]) as server:
        server.cursor_pages, server.etag = {"nul\u0000cursor": 1}, '"' + "e" * 5000 + '"'
        result = FeedPoller(store, config(server.url())).poll_once()
        assert load_state(store, server.url()).cursor == "nul\u0000cursor"
        again = FeedPoller(store, config(server.url())).poll_once()
    assert result.error is None and again.error is None and stored(store) == ["ok-1", "ok-2"]


@pytest.mark.parametrize("path, words", [("endless", "больше 1 МБ"), ("trickle", "за 3 с"), ("huge", "больше 1 МБ"),
                                         ("hang", "за 3 с")])
def test_bodies_without_end_stop_within_bounds(store, path, words):
    with HostileServer() as server:
        started = time.monotonic()
        result = FeedPoller(store, config(server.url(path), max_bytes=1 << 20, max_attempts=1,
                                          read_timeout=10.0)).poll_once()
        took = time.monotonic() - started
    assert words in (result.error or "") and took < 5.0, (result.error, took)
    assert feed_health(store, server.url(path), 30.0).state == "error"


def test_a_server_ignoring_limit_is_refused(store):
    with HostileServer() as server:
        result = FeedPoller(store, config(server.url("greedy"))).poll_once()
    assert f"не соблюдает ограничение страницы: {format_int(10_000)} записей" in (result.error or "")
    assert stored(store) == []


def test_stopping_does_not_wait_for_a_hanging_read(store):
    stop = threading.Event()
    box: dict[str, object] = {}
    with HostileServer() as server:
        poller = FeedPoller(store, config(server.url("hang"), total_timeout=60.0, read_timeout=60.0), wait=stop.wait)

        def run() -> None:
            try:
                box["result"] = poller.poll_once()
            except FeedStoppedError:
                box["stopped"] = True

        thread = threading.Thread(target=run)
        thread.start()
        time.sleep(0.3)  # the request is in flight, its read blocked
        stopped_at = time.monotonic()
        stop.set()
        thread.join(5)
        took = time.monotonic() - stopped_at
    assert box.get("stopped") and took < 1.0


def test_redirects_elsewhere_are_not_followed_silently(store):
    with HostileServer([page([item(1)], None, has_more=False)]) as target, HostileServer() as server:
        server.redirect_to = target.url()
        refused = FeedPoller(store, config(server.url("moved"), feed_id="moved")).poll_once()
        allowed = FeedPoller(store, config(server.url("moved"), feed_id="moved", follow_elsewhere=True)).poll_once()
    assert "перенаправляет на другой адрес" in (refused.error or "") and allowed.error is None
    health = feed_health(store, "moved", 30.0)
    assert health.is_warning and f"127.0.0.1:{target.server_address[1]}" in health.label
    assert stored(store) == ["ok-1"]


def test_a_value_the_database_refuses_rejects_that_item_alone(store):
    with store.engine.begin() as conn:
        if store.engine.dialect.name == "sqlite":
            conn.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN NEW.text LIKE '%ОТКАЗ%' "
                              "BEGIN SELECT RAISE(ABORT, 'refused by the database'); END"))
        else:
            conn.execute(text("ALTER TABLE messages ADD CONSTRAINT refuse CHECK (text NOT LIKE '%ОТКАЗ%')"))
    items = [item(1), item(2, text="ОТКАЗ базы"), item(3)]
    with HostileServer([page(items, "1"), page([item(4)], None, has_more=False)]) as server:
        result = FeedPoller(store, config(server.url())).poll_once()
    assert result.error is None and stored(store) == ["ok-1", "ok-3", "ok-4"]
    assert [q.reason[:30] for q in list_quarantine(store)] == ["база данных не приняла запись:"]


def test_a_feed_cannot_claim_a_files_key_and_a_renamed_file_adds_nothing(store, tmp_path):
    csv = "id;Дата;Текст;Источник\nr1;22.04.2023 12:00;Нет газа в доме 1;vk\nr2;22.04.2023 12:05;Нет газа в доме 2;vk\n"
    forged = [{"id": "r1", "source": "vk", "text": "Подделка", **GOOD},
              {"id": "r2", "source": "file:a.csv", "text": "Подделка 2", **GOOD}]
    with HostileServer([page(forged, None, has_more=False)]) as server:
        FeedPoller(store, config(server.url())).poll_once()  # the feed comes first and claims the file's keys
    (tmp_path / "a.csv").write_text(csv, encoding="utf-8")
    (tmp_path / "копия выгрузки.csv").write_text(csv, encoding="utf-8")
    first = import_files(store, [tmp_path / "a.csv"])
    renamed = import_files(store, [Path(tmp_path / "копия выгрузки.csv")])
    assert first.imported == 2 and (renamed.imported, renamed.duplicates) == (0, 2)
    with store.session() as session:
        texts = sorted(session.scalars(select(Message.text)))
    assert texts == ["Нет газа в доме 1", "Нет газа в доме 2", "Подделка", "Подделка 2"]
