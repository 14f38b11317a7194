"""VK connectors against a local VK API server whose answers are checked against VK's official schema."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.intake.connectors import SourceSpec
from app.intake.feed_state import feed_health
from app.intake.routes import versions_of
from app.intake.sources import source_poller
from app.store.models import Message
from tests.source_servers import TOKEN, VkServer, vk_comment, vk_post
from tests.vk_schema import validator

NOW = datetime.now(UTC).replace(microsecond=0)
OWNER = -100
FAST = {"backoff_base": 0.01, "attempts": 4, "read_timeout": 5.0}


def _wall(count: int) -> list[dict]:
    posts = [vk_post(OWNER, i, int((NOW - timedelta(minutes=count + 5 - i)).timestamp()), f"Нет света, дом {i}",
                     comments=130 if i == count - 1 else 0) for i in range(1, count + 1)]
    if count >= 250:
        posts[239]["geo"] = {"type": "point", "coordinates": "45.035 38.975"}
        posts[244]["copy_history"] = [vk_post(-200, 77, posts[244]["date"] - 3600, "Оригинал: подтопление на Кирова")]
        posts[244]["text"] = ""
        posts[247]["from_id"] = 501
    pinned = vk_post(OWNER, 900, int((NOW - timedelta(days=30)).timestamp()), "Закреплённая запись", is_pinned=1)
    return [pinned, *reversed(posts)]


def _comments(count: int) -> list[dict]:
    base = int((NOW - timedelta(minutes=4)).timestamp())
    return [vk_comment(OWNER, count - 1, 1000 + i, base + i, f"Комментарий {i}: у нас тоже нет света", 501)
            for i in range(130)]


def _messages(store) -> dict[str, Message]:
    with store.session() as session:
        return {m.external_id: m for m in session.scalars(select(Message))}


def _check_schema(server: VkServer) -> int:
    checked = 0
    for method, document in server.sent:
        if method == "error":
            errors = list(validator("error").iter_errors(document["error"]))
        else:
            errors = list(validator(method).iter_errors(document))
        assert errors == [], (method, [e.message for e in errors[:3]])
        checked += 1
    return checked


def _wall_spec(url: str, **params: object) -> SourceSpec:
    return SourceSpec("vk_wall", "Городской паблик", url, {"owners": [OWNER], **FAST, **params}, 60.0, True, 7, TOKEN)


def test_wall_posts_and_comments_stored_once_with_time_text_author_place_link(store):
    with VkServer({OWNER: _wall(250)}, {(OWNER, 249): _comments(250)}) as server:
        server.errors.extend([6, 9])  # rate limits: paused and retried
        result = source_poller(store, _wall_spec(server.url)).poll_once()
        again = source_poller(store, _wall_spec(server.url)).poll_once()
        checked = _check_schema(server)
    stored = _messages(store)
    assert result.error is None and checked > 5
    assert len(stored) == 251 + 130  # 250 posts, the pinned one, 130 comments: each once
    assert again.summary.imported == 0
    post = stored[f"{OWNER}_240"]
    assert (post.text, post.author, post.url, post.lat, post.lon, post.source, post.origin) == (
        "Нет света, дом 240", "Сообщество 100", "https://vk.com/wall-100_240", 45.035, 38.975, "vk", "vk")
    assert post.published_at == NOW - timedelta(minutes=15)
    assert stored[f"{OWNER}_248"].author == "Ольга Иванова"
    repost = stored[f"{OWNER}_245"]
    assert repost.text.startswith("Оригинал: подтопление на Кирова") and "https://vk.com/wall-200_77" in repost.text
    comment = stored[f"{OWNER}_249_1005"]
    assert comment.thread_key == f"{OWNER}_249" and comment.url == "https://vk.com/wall-100_249?reply=1005"


def test_wall_edit_replaces_the_text_and_keeps_the_old_one(store):
    wall = _wall(120)
    with VkServer({OWNER: wall}) as server:
        spec = _wall_spec(server.url, comments=False)
        source_poller(store, spec).poll_once()
        edited = next(p for p in wall if p["id"] == 118)
        edited.update(text="Нет света, дом 118 — уже дали", edited=int(NOW.timestamp()) - 5)
        wall.insert(1, vk_post(OWNER, 121, int(NOW.timestamp()) - 1, "Упало дерево на провода"))
        result = source_poller(store, spec).poll_once()
    stored = _messages(store)
    assert result.summary.imported == 1 and len(result.summary.edited_ids) == 1
    message = stored[f"{OWNER}_118"]
    assert message.text == "Нет света, дом 118 — уже дали"
    with store.engine.connect() as conn:
        assert [text for text, _ in versions_of(conn, message.id)] == ["Нет света, дом 118"]


def test_authorisation_and_quota_errors_show_in_health(store):
    with VkServer({OWNER: _wall(10)}) as server:
        denied = source_poller(store, SourceSpec("vk_wall", "x", server.url, {"owners": [OWNER], **FAST}, 60.0,
                                                 True, 8, "wrong")).poll_once()
        server.errors.extend([29])
        quota = source_poller(store, _wall_spec(server.url)).poll_once()
        _check_schema(server)
    assert "авторизации VK (5)" in (denied.error or "")
    assert "суточный лимит" in (quota.error or "")
    health = feed_health(store, "source:7", 60.0)
    assert health.state == "error" and "суточный лимит" in health.label


def test_rate_limits_back_off_then_the_next_poll_continues_without_loss_or_doubles(store):
    wall = _wall(250)
    with VkServer({OWNER: wall}) as server:
        spec = _wall_spec(server.url, comments=False, backoff_cap=0.05)
        server.errors.extend([6, 9, 6])  # three rate-limit answers in a row: retried after a pause each
        first = source_poller(store, spec).poll_once()
        assert first.error is None and first.summary.imported == 251 and first.requests == 3 + 3
        wall.insert(1, vk_post(OWNER, 251, int(NOW.timestamp()) - 1, "Упало дерево на провода"))
        server.errors.extend([6, 6, 6, 6])  # more than the attempts of one request: the poll gives up
        gave_up = source_poller(store, spec).poll_once()
        assert gave_up.error is not None and "слишком много запросов" in gave_up.error
        assert "слишком много запросов" in feed_health(store, "source:7", 60.0).label
        again = source_poller(store, spec).poll_once()
        _check_schema(server)
    stored = _messages(store)
    assert again.error is None and again.summary.imported == 1 and len(stored) == 252
    assert feed_health(store, "source:7", 60.0).state == "ok"


def _search_posts(count: int) -> list[dict]:
    return [vk_post(-300 - i % 7, i, int((NOW - timedelta(seconds=30 * (count - i) + 60)).timestamp()),
                    f"Нет света на улице {i}") for i in range(count)]


def test_search_pages_past_the_first_thousand_and_continues_from_the_newest(store):
    posts = _search_posts(2500)  # 2,500 results in the 24-hour window: only 1,000 reachable per query
    with VkServer(search=posts) as server:
        spec = SourceSpec("vk_search", "Поиск: свет", server.url, {"query": "свет", **FAST}, 60.0, True, 9, TOKEN)
        first = source_poller(store, spec).poll_once()
        posts.append(vk_post(-301, 5000, int(NOW.timestamp()) - 2, "Снова нет света на улице Мира"))
        second = source_poller(store, spec).poll_once()
        checked = _check_schema(server)
    stored = _messages(store)
    assert first.error is None and first.summary.imported == 2500
    assert second.summary.imported == 1 and len(stored) == 2501 and checked == len(server.sent)
    times = {m.external_id: m.published_at for m in stored.values()}
    assert times[f"{-300 - 10 % 7}_10"] == datetime.fromtimestamp(posts[10]["date"], UTC)


@pytest.mark.parametrize("radius, expected", [(None, 3), (50.0, 2)])
def test_search_near_a_point_keeps_what_lies_within_the_radius(store, radius, expected):
    posts = [vk_post(-1, 1, int(NOW.timestamp()) - 60, "Нет воды", geo={"type": "point", "coordinates": "45.0 39.0"}),
             vk_post(-1, 2, int(NOW.timestamp()) - 50, "Нет воды", geo={"type": "point", "coordinates": "55.7 37.6"}),
             vk_post(-1, 3, int(NOW.timestamp()) - 40, "Нет воды без места")]
    params = {"query": "воды", "latitude": 45.0, "longitude": 39.0, **FAST}
    if radius is not None:
        params["radius_km"] = radius
    with VkServer(search=posts) as server:
        spec = SourceSpec("vk_search", "Поиск: вода", server.url, params, 60.0, True, 10, TOKEN)
        source_poller(store, spec).poll_once()
        assert all(q.get("latitude") == "45.0" for path, q, _ in server.requests if "search" in path)
    assert len(_messages(store)) == expected
