"""Seats: who sits at this copy of the application and whether it may change data.

A ``wall`` seat (the situation-room display) only reads. Write paths call
``require_write(seat_of(store))``; on PostgreSQL a wall seat additionally opens
its connections with ``default_transaction_read_only = on`` so that even a code
path that forgot the check is refused by the server.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.engine import make_url

from app.store.engine import Store

Role = Literal["operator", "wall"]
_READ_ONLY_OPTION = "-c default_transaction_read_only=on"


@dataclass(frozen=True)
class Seat:
    """One workplace: a role and a display name (shown in history records)."""

    role: Role = "operator"
    name: str = "оператор"

    @property
    def can_write(self) -> bool:
        return self.role == "operator"


OPERATOR = Seat("operator", "оператор")
WALL = Seat("wall", "видеостена")


class ReadOnlySeatError(PermissionError):
    """A write was attempted from a seat that may only read."""

    def __init__(self, seat: Seat) -> None:
        super().__init__(f"Место «{seat.name}» только для просмотра: изменения запрещены")
        self.seat = seat


_seats: weakref.WeakKeyDictionary[Store, Seat] = weakref.WeakKeyDictionary()


def attach(store: Store, seat: Seat) -> Store:
    """Remember which seat works through ``store``; returns ``store``."""
    _seats[store] = seat
    return store


def seat_of(store: Store) -> Seat:
    """The seat attached to ``store``; a single-seat installation is an operator."""
    return _seats.get(store, OPERATOR)


def require_write(seat: Seat) -> None:
    """Raise ``ReadOnlySeatError`` unless ``seat`` may change data."""
    if not seat.can_write:
        raise ReadOnlySeatError(seat)


def seat_url(url: str, seat: Seat) -> str:
    """``url`` with a server-side read-only default for wall seats on PostgreSQL."""
    parsed = make_url(url)
    if seat.can_write or parsed.get_backend_name() != "postgresql":
        return url
    options = " ".join(filter(None, [str(parsed.query.get("options", "")), _READ_ONLY_OPTION]))
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)


def open_seat_store(url: str, seat: Seat) -> Store:
    """A ``Store`` for ``seat`` (not migrated: a wall seat cannot run migrations)."""
    return attach(Store(seat_url(url, seat)), seat)
