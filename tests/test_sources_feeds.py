"""Telegram Bot API, RSS/Atom, Open311 and CAP sources against local servers answering as documented."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from app.intake.connectors import SourceSpec
from app.intake.feed_state import feed_health, state_key
from app.intake.files import import_files
from app.intake.routes import versions_of
from app.intake.sources import source_poller
from app.queries.warnings import active_warnings
from app.store.models import FeedState, Message, OfficialWarning
from tests.source_servers import BOT_TOKEN, Open311Server, StaticServer, TelegramServer, tg_update

NOW = datetime.now(UTC).replace(microsecond=0)
FAST = {"backoff_base": 0.01, "attempts": 4, "read_timeout": 5.0}
DATA = Path(__file__).resolve().parent / "data"


def _messages(store) -> dict[str, Message]:
    with store.session() as session:
        return {m.external_id: m for m in session.scalars(select(Message))}


def _updates() -> list[dict]:
    base = int((NOW - timedelta(hours=1)).timestamp())
    updates = [tg_update(1000 + i, "message", -1001234, i, base + i, f"Нет воды в доме {i}") for i in range(230)]
    updates.append(tg_update(1230, "channel_post", -1009999, 5, base + 300, "Отключение газа на Кирова"))
    updates.append(tg_update(1231, "edited_message", -1001234, 7, base + 7, "Нет воды в доме 7 (уже дали)",
                             edit_date=base + 400))
    updates.append(tg_update(1232, "message", -1001234, 300, base + 500, None,
                             location={"latitude": 45.05, "longitude": 38.99}))
    updates.append(tg_update(1233, "message", -1001234, 301, base + 501, None,
                             venue={"location": {"latitude": 45.06, "longitude": 38.98}, "title": "Школа №5",
                                    "address": "ул. Мира, 3"}))
    updates.append(tg_update(1234, "message", -1001234, 302, base + 502, "И у нас тоже",
                             reply_to_message={"message_id": 3, "date": base + 3,
                                               "chat": {"id": -1001234, "type": "supergroup"}}))
    return updates


def _bot(url: str) -> SourceSpec:
    return SourceSpec("telegram_bot", "Бот центра", url, FAST, 30.0, True, 21, BOT_TOKEN)


def test_bot_updates_stored_once_edits_replace_text_places_and_threads(store):
    with TelegramServer(_updates()) as server:
        server.errors.append(429)  # retried after retry_after
        result = source_poller(store, _bot(server.url)).poll_once()
        again = source_poller(store, _bot(server.url)).poll_once()
        offsets = [q.get("offset") for _, q, _ in server.requests]
    stored = _messages(store)
    assert result.error is None and again.summary.processed == 0
    assert len(stored) == 230 + 1 + 2 + 1  # the edit is the same message as its original
    assert offsets[-1] == "1235" and "1100" in offsets  # pages of 100, each confirmed by the next offset
    edited = stored["-1001234:7"]
    assert edited.text == "Нет воды в доме 7 (уже дали)" and edited.author == "Пётр Сидоров"
    assert edited.url == "https://t.me/listen/7"
    with store.engine.connect() as conn:
        assert [t for t, _ in versions_of(conn, edited.id)] == ["Нет воды в доме 7"]
    assert (stored["-1001234:300"].lat, stored["-1001234:300"].lon) == (45.05, 38.99)
    venue = stored["-1001234:301"]
    assert (venue.text, venue.address, venue.lat) == ("Школа №5, ул. Мира, 3", "ул. Мира, 3", 45.06)
    assert stored["-1001234:302"].thread_key == "-1001234:3"
    assert stored["-1009999:5"].author == "Подслушано"
    assert stored["-1001234:10"].published_at == NOW - timedelta(hours=1) + timedelta(seconds=10)


def test_bot_down_longer_than_a_day_says_so(store):
    with TelegramServer(_updates()[:3]) as server:
        source_poller(store, _bot(server.url)).poll_once()
        with store.engine.begin() as conn:
            conn.execute(update(FeedState).where(FeedState.feed_id == state_key("source:21"))
                         .values(last_success_at=NOW - timedelta(hours=30)))
        source_poller(store, _bot(server.url)).poll_once()
    health = feed_health(store, "source:21", 30.0)
    assert health.is_warning and "больше суток" in health.label


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:georss="http://www.georss.org/georss" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>Новости Армавира</title><link>https://armavir.example/</link>
<item><title>Авария на водоводе</title><link>https://armavir.example/news/1</link><guid>n1</guid>
<pubDate>Sat, 22 Apr 2023 09:00:00 GMT</pubDate>
<description>&lt;p&gt;Без воды &lt;b&gt;60 тысяч&lt;/b&gt; жителей&lt;/p&gt;</description>
<georss:point>44.99 41.12</georss:point></item>
<item><title>Подвоз воды</title><link>https://armavir.example/news/2</link><guid>n2</guid>
<pubDate>Sat, 22 Apr 2023 10:00:00 GMT</pubDate><description>Цистерны на улицах Мира и Кирова</description>
{updated}</item>
</channel></rss>"""


def test_rss_with_georss_conditional_requests_and_an_updated_entry(store):
    with StaticServer({"/news.xml": (RSS.format(updated="").encode(), "application/rss+xml")}) as server:
        spec = SourceSpec("rss", "Новости Армавира", server.url + "/news.xml", FAST, 60.0, True, 31)
        first = source_poller(store, spec).poll_once()
        unchanged = source_poller(store, spec).poll_once()
        body = RSS.format(updated="<atom:updated>2023-04-22T11:00:00Z</atom:updated>").replace(
            "Цистерны на улицах Мира и Кирова", "Цистерны на улицах Мира, Кирова и Ленина")
        server.bodies["/news.xml"], server.version = (body.encode(), "application/rss+xml"), 2
        changed = source_poller(store, spec).poll_once()
        conditional = [h.get("If-None-Match") for p, _, h in server.requests]
    stored = _messages(store)
    assert first.summary.imported == 2 and unchanged.summary.processed == 0 and conditional[1] == '"v1"'
    news = stored["n1"]
    assert (news.text, news.lat, news.lon, news.url) == ("Авария на водоводе. Без воды 60 тысяч жителей", 44.99,
                                                        41.12, "https://armavir.example/news/1")
    assert news.published_at == datetime(2023, 4, 22, 9, 0, tzinfo=UTC) and news.source == "Новости Армавира"
    assert len(changed.summary.edited_ids) == 1 and "Ленина" in stored["n2"].text


def _requests(count: int) -> list[dict]:
    start = NOW - timedelta(hours=20)
    return [{"service_request_id": f"r{i}", "status": "open" if i % 3 else "closed", "service_name": "Водоснабжение",
             "description": f"Нет холодной воды, дом {i}", "requested_datetime": (start + timedelta(minutes=37 * i))
             .isoformat(), "updated_datetime": (start + timedelta(minutes=37 * i)).isoformat(),
             "address": f"ул. Мира, {i}", "lat": 45.0 + i / 1000, "long": 39.0} for i in range(count)]


def test_open311_windows_split_under_the_servers_cap(store):
    with Open311Server(_requests(30), cap=8) as server:
        params = {**FAST, "window_s": 86400, "cap": 8}
        spec = SourceSpec("open311", "Портал заявок", server.url + "/open311/v2", params, 60.0, True, 41)
        result = source_poller(store, spec).poll_once()
    stored = _messages(store)
    assert result.error is None and len(stored) == 30
    request = stored["r4"]
    assert request.published_at == NOW - timedelta(hours=20) + timedelta(minutes=37 * 4)
    assert request.text == "Водоснабжение: Нет холодной воды, дом 4 (статус: открыта)"
    assert (request.address, request.lat, request.lon) == ("ул. Мира, 4", 45.004, 39.0)
    assert stored["r3"].text.endswith("(статус: закрыта)")


def _cap(identifier: str, kind: str = "Alert", references: str = "", expires: datetime | None = None) -> bytes:
    expires = expires or NOW + timedelta(hours=12)
    refs = f"<references>{references}</references>" if references else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{identifier}</identifier><sender>meteo@example.ru</sender><sent>{NOW.isoformat()}</sent>
  <status>Actual</status><msgType>{kind}</msgType><scope>Public</scope>{refs}
  <info><language>ru-RU</language><category>Met</category><event>Сильный ветер</event>
    <urgency>Expected</urgency><severity>Severe</severity><certainty>Likely</certainty>
    <effective>{(NOW - timedelta(hours=1)).isoformat()}</effective><expires>{expires.isoformat()}</expires>
    <headline>Штормовое предупреждение</headline><description>Ветер 25–30 м/с</description>
    <area><areaDesc>Анапа и Новороссийск</areaDesc>
      <polygon>44.9,37.2 45.0,37.2 45.0,37.9 44.9,37.9 44.9,37.2</polygon>
      <circle>44.7,37.8 10</circle></area></info>
</alert>""".encode()


def test_cap_alerts_from_files_and_a_url_with_updates_and_cancels(store, tmp_path):
    (tmp_path / "a.xml").write_bytes(_cap("A1"))
    (tmp_path / "copy.cap").write_bytes(_cap("A1"))  # the same alert again, under another name
    summary = import_files(store, [tmp_path / "a.xml", tmp_path / "copy.cap"])
    assert summary.rejected == 0
    active = active_warnings(store, NOW)
    assert [w.identifier for w in active] == ["A1"]
    geometry = active[0].geometry
    assert geometry["type"] == "MultiPolygon" and len(geometry["coordinates"]) == 2
    assert geometry["coordinates"][0][0][0] == [37.2, 44.9] and len(geometry["coordinates"][1][0]) == 65
    update_body = _cap("A2", "Update", f"meteo@example.ru,A1,{NOW.isoformat()}")
    cancel_body = _cap("A3", "Cancel", f"meteo@example.ru,A2,{NOW.isoformat()}")
    with StaticServer({"/a2.xml": (update_body, "application/cap+xml"),
                       "/a3.xml": (cancel_body, "application/cap+xml")}) as server:
        for name, number in (("/a2.xml", 51), ("/a3.xml", 52)):
            spec = SourceSpec("cap", "Гидрометцентр", server.url + name, FAST, 60.0, True, number)
            assert source_poller(store, spec).poll_once().written == 1
    assert active_warnings(store, NOW + timedelta(minutes=1)) == []
    with store.session() as session:
        rows = {w.identifier: w for w in session.scalars(select(OfficialWarning))}
    assert rows["A2"].msg_type == "Cancel" and rows["A1"].expires is not None


def test_json_feed_as_a_configured_source_stores_everything_once(store):
    from tests.faulty_server import FaultyServer, sent_messages

    messages = sent_messages(120)
    with FaultyServer(messages, ["500", "ok", "duplicates"]) as server:
        spec = SourceSpec("feed", "Мониторинг", server.url, {**FAST, "page_size": 50}, 60.0, True, 61)
        first = source_poller(store, spec).poll_once()
        again = source_poller(store, spec).poll_once()
    stored = _messages(store)
    assert first.error is None and sorted(stored) == [m["id"] for m in messages]
    assert again.summary.imported == 0 and {m.origin for m in stored.values()} == {stored["m-00001"].origin}
    assert stored["m-00001"].origin.startswith("feed:") and stored["m-00001"].source == "vk"
