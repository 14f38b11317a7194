"""One message whatever the route: earlier deliveries, the same post by another route, edits.

``settle_known`` takes the batch's items that carry a link or an edit time and
sorts them inside the caller's transaction:
- delivered before under the same identity (in ``messages`` or as a further
  route in ``message_sources``): a duplicate, or an edit when the item's edit
  time is later than the stored text's (the earlier text goes to
  ``message_versions``);
- the same post by another route (same canonical link, same text or one a
  prefix of the other): a further route of that message (``message_sources``);
- otherwise: fresh, for the caller to insert.
A route can only ever be added to or edit what matches its own identity or its
link and text: an item cannot claim another route's key (keys are namespaced).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from app.common.timeutil import as_utc
from app.intake.writer import Incoming, identity, link_key, origin_of
from app.store.models import Message, MessageSource, MessageVersion

_CHUNK = 300  # identities per lookup: 2 parameters each, far below every driver's limit
_MIN_PREFIX = 20  # a shorter text is no evidence of the same post


@dataclass(frozen=True)
class Stored:
    """What an edit or a merge needs of a stored message."""

    id: int
    origin: str
    text: str
    shown_at: datetime  # the time of the stored text: its edit, else its publication
    category_source: str


def settle_known(conn: Connection, items: Sequence[Incoming], now: datetime) -> tuple[list[Incoming], tuple[int, ...]]:
    """(items still to insert, ids of messages whose text was edited)."""
    known = _by_identity(conn, [identity(item) for item in items])
    edited: list[int] = []
    unknown: list[Incoming] = []
    for item in items:
        stored = known.get(identity(item))
        if stored is None:
            unknown.append(item)
        elif _is_edit(item, stored):
            edited.append(_edit(conn, stored, item, now))
    fresh, more = _merge_by_link(conn, unknown, now)
    return fresh, tuple(dict.fromkeys(edited + more))


def _rows(conn: Connection, stmt_for: object, keys: list[tuple[str, str]]) -> Iterable[object]:
    for start in range(0, len(keys), _CHUNK):
        yield from conn.execute(stmt_for(keys[start:start + _CHUNK]))  # type: ignore[operator]


_STORED = (Message.id, Message.origin, Message.text, Message.edited_at, Message.published_at,
           Message.category_source)


def _stored(row: object) -> Stored:
    mid, origin, text, edited, published, category_source = row[-6:]  # type: ignore[index]
    return Stored(mid, origin, text, as_utc(edited or published), category_source)


def _by_identity(conn: Connection, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Stored]:
    """Stored messages by (origin, dedupe_key): their own, and further routes of theirs."""
    keys = list(dict.fromkeys(keys))
    own = lambda part: select(Message.origin, Message.dedupe_key, *_STORED).where(  # noqa: E731
        tuple_(Message.origin, Message.dedupe_key).in_(part))
    routes = lambda part: (select(MessageSource.origin, MessageSource.dedupe_key, *_STORED)  # noqa: E731
                           .join(Message, Message.id == MessageSource.message_id)
                           .where(tuple_(MessageSource.origin, MessageSource.dedupe_key).in_(part)))
    found: dict[tuple[str, str], Stored] = {}
    for stmt in (own, routes):
        for row in _rows(conn, stmt, keys):
            found[(row[0], row[1])] = _stored(row)  # type: ignore[index]
    return found


def _is_edit(item: Incoming, stored: Stored) -> bool:
    return item.edited_at is not None and item.text != stored.text and as_utc(item.edited_at) > stored.shown_at


def _edit(conn: Connection, stored: Stored, item: Incoming, now: datetime) -> int:
    """Replace the text (and the classifier's decision, unless an operator decided), keeping the old one."""
    conn.execute(insert(MessageVersion).values(message_id=stored.id, text=stored.text, edited_at=stored.shown_at,
                                               replaced_at=now, origin=origin_of(item)))
    values: dict[str, object] = {"text": item.text, "edited_at": as_utc(item.edited_at or now)}
    if stored.category_source != "operator" and item.category_source != "source":
        values.update(category=item.category, secondary_category=item.secondary_category,
                      confidence=item.confidence, is_complaint=item.is_complaint, explanation=item.explanation,
                      category_source=item.category_source)
    conn.execute(update(Message).where(Message.id == stored.id).values(**values))
    return stored.id


def same_post(a: str, b: str) -> bool:
    """Texts of one post as two routes give it: equal up to blanks and case, or one cut short of the other."""
    x, y = " ".join(a.split()).casefold(), " ".join(b.split()).casefold()
    if x == y:
        return True
    short, long = sorted((x.rstrip(" .…"), y), key=len)
    return len(short) >= _MIN_PREFIX and long.startswith(short)


def _merge_by_link(conn: Connection, items: list[Incoming], now: datetime) -> tuple[list[Incoming], list[int]]:
    links = {item_key: item for item in items if (item_key := link_key(item.url)) is not None}
    if not links:
        return items, []
    matches: dict[str, list[Stored]] = {}
    keys = list(links)
    for start in range(0, len(keys), _CHUNK):
        stmt = select(Message.link_key, *_STORED).where(Message.link_key.in_(keys[start:start + _CHUNK]))
        for row in conn.execute(stmt):
            matches.setdefault(str(row[0]), []).append(_stored(row))
    fresh, edited = [], []
    for item in items:
        target = _target(item, matches.get(link_key(item.url) or "", []))
        if target is None:
            fresh.append(item)
            continue
        if _add_route(conn, target, item, now) and _is_edit(item, target):
            edited.append(_edit(conn, target, item, now))
    return fresh, edited


def _target(item: Incoming, candidates: list[Stored]) -> Stored | None:
    """The stored message of another route that is this item's post."""
    for stored in candidates:
        if stored.origin != origin_of(item) and (same_post(stored.text, item.text) or (item.edited_at is not None
                                                 and as_utc(item.edited_at) > stored.shown_at)):
            return stored
    return None


def _add_route(conn: Connection, stored: Stored, item: Incoming, now: datetime) -> bool:
    """List ``item``'s route on ``stored``; False when another seat listed it meanwhile."""
    origin, key = identity(item)
    module = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = module.insert(MessageSource).values(message_id=stored.id, origin=origin, dedupe_key=key,
                                               source=item.source, url=item.url, added_at=now)
    done = conn.execute(stmt.on_conflict_do_nothing(index_elements=["origin", "dedupe_key"]))
    return bool(done.rowcount)


def routes_of(conn: Connection, message_id: int) -> list[tuple[str, str | None]]:
    """(source, url) of every route a message arrived by, its own first."""
    own = conn.execute(select(Message.source, Message.url).where(Message.id == message_id)).first()
    more = conn.execute(select(MessageSource.source, MessageSource.url).where(MessageSource.message_id == message_id)
                        .order_by(MessageSource.id)).all()
    return ([(own[0], own[1])] if own else []) + [(row[0], row[1]) for row in more]


def versions_of(conn: Connection, message_id: int) -> list[tuple[str, datetime | None]]:
    """Earlier texts of a message with their times, oldest first."""
    rows = conn.execute(select(MessageVersion.text, MessageVersion.edited_at)
                        .where(MessageVersion.message_id == message_id).order_by(MessageVersion.id)).all()
    return [(row[0], row[1]) for row in rows]
