"""A VK wall post, search result or comment as a pipeline record."""

from __future__ import annotations

import math
from typing import Any

from app.intake.connectors.base import SourceSpec
from app.intake.jsonpage import BadItem, safe_dumps
from app.intake.links import vk_post_url
from app.intake.validate import RawRecord, Rejection, clip_raw

SOURCE = "vk"


def names_of(response: dict[str, Any]) -> dict[int, str]:
    """Authors by id from an extended answer: people (positive ids) and communities (negative)."""
    names: dict[int, str] = {}
    for person in response.get("profiles") or []:
        if isinstance(person, dict) and isinstance(person.get("id"), int):
            names[person["id"]] = f"{person.get('first_name', '')} {person.get('last_name', '')}".strip()
    for group in response.get("groups") or []:
        if isinstance(group, dict) and isinstance(group.get("id"), int):
            names[-group["id"]] = str(group.get("name") or "")
    return names


def _author(item: dict[str, Any], names: dict[int, str]) -> str | None:
    author = item.get("signer_id") or item.get("from_id")
    if not isinstance(author, int) or isinstance(author, bool):
        return None
    return names.get(author) or (f"id{author}" if author > 0 else f"club{-author}")


def coordinates(item: dict[str, Any]) -> tuple[object, object]:
    """(lat, lon) of ``geo.coordinates`` «lat lon» (the Streaming API's object form too)."""
    geo = item.get("geo")
    if not isinstance(geo, dict):
        return None, None
    value = geo.get("coordinates")
    if isinstance(value, str):
        parts = value.split()
        return (parts[0], parts[1]) if len(parts) == 2 else (value, None)
    if isinstance(value, dict):
        return value.get("latitude"), value.get("longitude")
    return None, None


def _repost(item: dict[str, Any]) -> tuple[str, str | None]:
    """The original's text and address of a repost (the first of ``copy_history``)."""
    history = item.get("copy_history")
    if not isinstance(history, list) or not history or not isinstance(history[0], dict):
        return "", None
    original = history[0]
    owner, post = original.get("owner_id"), original.get("id")
    url = vk_post_url(owner, post) if isinstance(owner, int) and isinstance(post, int) else None
    return str(original.get("text") or ""), url


def post_record(item: object, names: dict[int, str], spec: SourceSpec,
                thread: dict[str, Any] | None = None) -> RawRecord | Rejection:
    """A post (or, with ``thread``, a comment of that post) as a record."""
    location = f"VK «{spec.name}»"
    if isinstance(item, BadItem):
        return Rejection(SOURCE, location, item.reason, clip_raw(item.raw))
    raw = safe_dumps(item)
    if not isinstance(item, dict):
        return Rejection(SOURCE, location, "запись VK не является объектом JSON", clip_raw(raw))
    owner = item.get("owner_id") if thread is None else thread.get("owner_id")
    number = item.get("id")
    if not isinstance(owner, int) or not isinstance(number, int):
        return Rejection(SOURCE, location, "у записи VK нет owner_id и id", clip_raw(raw))
    fields = _fields(item, names, owner, number, thread)
    return RawRecord(fields, f"{location}, запись {fields['id']}"[:512], raw, SOURCE, SOURCE)


def _fields(item: dict[str, Any], names: dict[int, str], owner: int, number: int,
            thread: dict[str, Any] | None) -> dict[str, object]:
    text = str(item.get("text") or "")
    original, original_url = _repost(item)
    if original:
        text = f"{text}\n\n{original}".strip()
    if original_url:
        text += f"\n\nРепост записи: {original_url}"
    lat, lon = coordinates(item)
    if thread is None:
        key, url, parent = f"{owner}_{number}", vk_post_url(owner, number), None
    else:
        post = thread.get("id")
        key, url, parent = f"{owner}_{post}_{number}", vk_post_url(owner, post, number), f"{owner}_{post}"  # type: ignore[arg-type]
    edited = item.get("edited")
    return {"id": key, "time": item.get("date"), "text": text, "author": _author(item, names), "url": url,
            "lat": lat, "lon": lon, "source": SOURCE, "edited": edited if edited else None, "thread": parent}


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))
