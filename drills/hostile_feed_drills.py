"""A hostile feed server: poison items, bodies without end, ignored limits, hanging reads, forged keys, redirects.

Every poll that could run away runs in a child process whose peak memory the kernel reports
(VmHWM) and whose wall time is measured; the bounds are asserted.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid

from sqlalchemy import create_engine, select, text

from app.intake.feed import FeedConfig, FeedPoller, FeedStoppedError
from app.intake.feed_state import feed_health
from app.intake.files import import_files
from app.intake.quarantine import list_quarantine
from app.store.engine import Store, open_store
from app.store.models import Message
from drills.core import Checks, drill, temp_store
from drills.measure import run_measured
from tests.hostile_server import HostileServer
from tests.test_feed_hostile import item, page

PG_ADMIN = os.environ.get("OPERSHTAB_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
POLL_CHILD = """
import json, sys, time
from app.intake.feed import FeedConfig, FeedPoller
from app.store.engine import Store
for url in sys.argv[3:]:
    config = FeedConfig(url=url, feed_id=url, max_attempts=1, total_timeout=float(sys.argv[2]), read_timeout=30.0,
                        max_bytes=16 << 20, page_size=50)
    started = time.monotonic()
    result = FeedPoller(Store(sys.argv[1]), config).poll_once()
    print(json.dumps({"url": url, "error": result.error, "seconds": time.monotonic() - started}, ensure_ascii=False))
"""


def _poison_pages() -> list[str]:
    deep = "[" * 100_000 + "]" * 100_000
    poison = ('{"items": [' + json.dumps(item(3)) + ', {"id": "deep", "text": ' + deep + '}, {"id": ' + "9" * 5000
              + ', "text": "x"}, ' + json.dumps(item(4, text="NUL\u0000внутри")) + ", "
              + json.dumps(item(5, published_at="2099-01-01T00:00:00Z")) + '], "next_cursor": "' + "c" * 10_000
              + '", "has_more": true}')
    return [page([item(1), item(2)], "\ud800c"), poison, page([item(6)], None, has_more=False)]


def _poison_run(store: Store, checks: Checks, where: str) -> None:
    with HostileServer(_poison_pages()) as server:
        server.cursor_pages = {"\ud800c": 1, "c" * 10_000: 2}
        url = server.url() + "?feed=" + "q" * 300
        config = FeedConfig(url=url, page_size=50, max_attempts=2, backoff_base=0.01)
        result = FeedPoller(store, config).poll_once()
        again = FeedPoller(store, config).poll_once()
    with store.session() as session:
        ids = sorted(session.scalars(select(Message.external_id)))
    reasons = [q.reason for q in list_quarantine(store)]
    checks.note(f"{where}: poll: {result.summary.line}, {result.pages} pages; reasons: {reasons}")
    checks.check(ids == ["ok-1", "ok-2", "ok-3", "ok-4", "ok-6"], f"{where}: every good item stored once ({ids})")
    checks.check(len(reasons) == 3 and all(reasons), f"{where}: 3 poison items quarantined, each with its reason")
    checks.check(result.pages == 3 and again.error is None and result.error is None,
                 f"{where}: the poller went on past the poison (3 pages; a URL of {len(url)} characters, "
                 "a lone surrogate and a 10,000-character cursor stored and resumed)")


@drill("hostile: poison items in a feed (SQLite and PostgreSQL)", "a page with an item nested 100,000 deep, a "
       "5,000-digit number, a NUL, a 2099 date; a lone surrogate and a 10 KB cursor; a 340-character feed URL")
def poison(checks: Checks) -> None:
    with temp_store() as (store, _):
        _poison_run(store, checks, "SQLite")
    try:
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        admin.connect().close()
    except Exception as exc:
        checks.note(f"PostgreSQL part skipped: no server at {PG_ADMIN} ({exc.__class__.__name__})")
        return
    name = f"opershtab_drill_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        store = open_store(PG_ADMIN.rsplit("/", 1)[0] + "/" + name)
        _poison_run(store, checks, "PostgreSQL")
        store.close()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


CASES = {"endless": "больше 16 МБ", "huge": "больше 16 МБ", "trickle": "за 5 с", "hang": "за 5 с",
         "greedy": "не соблюдает ограничение страницы"}


@drill("hostile: bodies without end", "an endless chunked body, a gigabyte string, one byte a second, "
       "headers then silence, 10,000 items for limit=50 — polled one after another by one child process")
def endless(checks: Checks, total_s: float = 5.0) -> None:
    with temp_store() as (store, _), HostileServer() as server:
        store.close()
        got = run_measured(POLL_CHILD, [store.url, str(total_s), *(server.url(p) for p in CASES)], timeout=300)
    answers = {a["url"].rsplit("/", 1)[1]: a for a in map(json.loads, got.stdout.strip().splitlines()) if a}
    checks.note(f"one process for all five: {got.seconds:.1f} s, peak {got.peak_mb:.0f} MB (VmHWM)")
    for path, words in CASES.items():
        answer = answers.get(path, {})
        took = float(answer.get("seconds", 1e9))
        checks.note(f"/{path}: «{answer.get('error')}» after {took:.1f} s")
        checks.check(words in str(answer.get("error")) and took < total_s + 1,
                     f"/{path}: a clear Russian error ({words}) within {total_s:g} s ({took:.1f} s)")
    checks.check(0 < got.peak_mb < 200, f"peak memory {got.peak_mb:.0f} MB < 200 MB while refusing them all")


@drill("hostile: stopping during a hanging read", "stop the poller while its request waits on a server that "
       "sent headers and nothing more (60 s timeouts)")
def stop_hanging(checks: Checks) -> None:
    stop, box = threading.Event(), {}
    with temp_store() as (store, _), HostileServer() as server:
        config = FeedConfig(url=server.url("hang"), read_timeout=60.0, total_timeout=60.0, max_attempts=1)
        poller = FeedPoller(store, config, wait=stop.wait)

        def run() -> None:
            try:
                poller.poll_once()
            except FeedStoppedError:
                box["stopped"] = True

        thread = threading.Thread(target=run)
        thread.start()
        time.sleep(0.5)
        started = time.monotonic()
        stop.set()
        thread.join(10)
        took = time.monotonic() - started
    checks.note(f"stopped after {took * 1000:.0f} ms")
    checks.check(box.get("stopped") and took < 1.0, f"the poll ended {took * 1000:.0f} ms after stop (< 1 s)")


@drill("forgery: claimed keys, renamed files, redirects, future dates", "a feed claims a file's ids and source; "
       "the same CSV imported under two names; a feed redirected to another port; an item dated 2099")
def forgery(checks: Checks) -> None:
    csv = "id;Дата;Текст;Источник\nr1;22.04.2023 12:00;Нет газа, дом 1;vk\nr2;22.04.2023 12:05;Нет газа, дом 2;vk\n"
    forged = [{"id": "r1", "source": "vk", "text": "Подделка", "published_at": "2023-04-22T12:00:00Z"},
              {"id": "x", "text": "Из будущего", "published_at": "2099-12-31T00:00:00Z"}]
    with temp_store() as (store, tmp), HostileServer([page(forged, None, has_more=False)]) as server, \
            HostileServer() as mover:
        FeedPoller(store, FeedConfig(url=server.url(), max_attempts=1)).poll_once()
        (tmp / "a.csv").write_text(csv, encoding="utf-8")
        (tmp / "выгрузка (копия).csv").write_text(csv, encoding="utf-8")
        first, renamed = import_files(store, [tmp / "a.csv"]), import_files(store, [tmp / "выгрузка (копия).csv"])
        mover.redirect_to = server.url()
        refused = FeedPoller(store, FeedConfig(url=mover.url("moved"), feed_id="m", max_attempts=1)).poll_once()
        FeedPoller(store, FeedConfig(url=mover.url("moved"), feed_id="m2", follow_elsewhere=True)).poll_once()
        health = feed_health(store, "m2", 30.0)
        reasons = [q.reason for q in list_quarantine(store)]
    checks.note(f"file: {first.line}; renamed: {renamed.line}; redirect: {refused.error}; health: {health.label}")
    checks.check(first.imported == 2, "the feed's claim of «r1»/«vk» did not suppress the file's row")
    checks.check(renamed.imported == 0 and renamed.duplicates == 2, "the same file under another name added nothing")
    checks.check("перенаправляет" in str(refused.error), "a redirect to another port is not followed silently")
    checks.check(health.is_warning and "другого адреса" in health.label, "followed when allowed, and health says so")
    checks.check(any(r.startswith("дата в будущем") for r in reasons), "the 2099 item is quarantined")
