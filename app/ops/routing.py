"""Routing: the agency directory, assignment of messages and their status path with who/when.

The path and its labels are ``app.ops.statuses``. Every change goes through the one
versioned write path (``app.ops.messages.update_message``): it writes a StatusHistory
row and bumps the message's ``version``; passing ``expected_version`` makes a change
fail when another seat changed the message first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.common.timeutil import as_utc
from app.ops.messages import NOTE, UpdateResult, read_state, update_message
from app.ops.statuses import STATUS_LABELS, allowed, status_label, why_not
from app.store import Agency, Message, StatusHistory, Store

__all__ = ["STATUS_LABELS", "status_label"]  # re-exported for the views that label statuses

KIND_LABELS = {"agency": "ведомство", "municipality": "муниципалитет"}


class RoutingError(ValueError):
    """A change the routing rules do not allow (message shown to the operator)."""


class ConflictError(RoutingError):
    """Someone else changed the message first."""


@dataclass(frozen=True)
class AgencyRow:
    id: int
    name: str
    kind: str
    municipality: str | None


@dataclass(frozen=True)
class HistoryRow:
    status: str
    operator: str | None
    at: datetime
    note: str | None

    @property
    def label(self) -> str:
        return "заметка" if self.status == NOTE else STATUS_LABELS.get(self.status, self.status)


def add_agency(store: Store, name: str, kind: str = "agency", municipality: str | None = None) -> AgencyRow:
    """Add an agency or a municipality to the directory."""
    if kind not in KIND_LABELS:
        raise RoutingError(f"неизвестный вид адресата: {kind}")
    with store.session() as session:
        if session.scalar(select(Agency.id).where(Agency.name == name)) is not None:
            raise RoutingError(f"«{name}» уже есть в справочнике")
        agency = Agency(name=name, kind=kind, municipality=municipality)
        session.add(agency)
        session.flush()
        return AgencyRow(agency.id, agency.name, agency.kind, agency.municipality)


def list_agencies(store: Store) -> tuple[AgencyRow, ...]:
    """The directory sorted by name."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(Agency.id, Agency.name, Agency.kind, Agency.municipality).order_by(Agency.name))
        return tuple(AgencyRow(*row) for row in rows)


def update_agency(store: Store, agency_id: int, name: str, kind: str, municipality: str | None) -> None:
    with store.session() as session:
        agency = session.get(Agency, agency_id)
        if agency is None:
            raise RoutingError("адресат не найден")
        agency.name, agency.kind, agency.municipality = name, kind, municipality


def delete_agency(store: Store, agency_id: int) -> None:
    """Remove an agency that has no messages assigned."""
    with store.session() as session:
        if session.scalar(select(Message.id).where(Message.agency_id == agency_id).limit(1)) is not None:
            raise RoutingError("у адресата есть сообщения: сначала передайте их другому")
        agency = session.get(Agency, agency_id)
        if agency is not None:
            session.delete(agency)


def _version(store: Store, message_id: int, expected_version: int | None) -> tuple[int, str]:
    """The version to edit against and the current status (``RoutingError`` when the message is gone)."""
    state = read_state(store, message_id)
    if state is None:
        raise RoutingError(f"Сообщение №{message_id} не найдено")
    return (state.version if expected_version is None else expected_version), str(state.fields["status"])


def _checked(result: UpdateResult) -> UpdateResult:
    if result.outcome == "conflict":
        raise ConflictError(result.explain())
    if result.outcome == "missing":
        raise RoutingError(result.explain())
    return result


def change_status(store: Store, message_id: int, status: str, operator: str | None, at: datetime,
                  note: str | None = None, expected_version: int | None = None,
                  values: dict[str, object] | None = None) -> UpdateResult:
    """Move a message along its path if the rules allow it (``RoutingError`` says why not)."""
    version, current = _version(store, message_id, expected_version)
    if not allowed(current, status):
        raise RoutingError(f"Сообщение №{message_id}: {why_not(current, status)}")
    changes: dict[str, Any] = {"status": status, **(values or {})}
    return _checked(update_message(store, message_id, version, operator=operator, note=note, at=as_utc(at),
                                   **changes))


def assign(store: Store, message_id: int, agency_id: int, operator: str | None, at: datetime,
           note: str | None = None, expected_version: int | None = None) -> UpdateResult:
    """Route a message to an agency (status «передано»)."""
    with store.session() as session:
        if session.get(Agency, agency_id) is None:
            raise RoutingError("адресат не найден")
    return change_status(store, message_id, "assigned", operator, at, note, expected_version,
                         {"agency_id": agency_id, "assigned_at": as_utc(at)})


def set_status(store: Store, message_id: int, status: str, operator: str | None, at: datetime,
               note: str | None = None, expected_version: int | None = None) -> UpdateResult:
    """Move a message along its path; answers stamp ``first_answer_at`` / ``final_answer_at``."""
    if status == "assigned":
        raise RoutingError("для передачи укажите адресата")
    if status == "closed" and not note:
        raise RoutingError("укажите причину, по которой сообщение не требует действий")
    state = read_state(store, message_id)
    values: dict[str, object] = {}
    if status == "answered" and state is not None and state.fields.get("first_answer_at") is None:
        values["first_answer_at"] = as_utc(at)
    if status == "resolved":
        values["final_answer_at"] = as_utc(at)
    return change_status(store, message_id, status, operator, at, note, expected_version, values)


def history(store: Store, message_id: int) -> tuple[HistoryRow, ...]:
    """Who changed the message's status and when, oldest first."""
    stmt = (select(StatusHistory.status, StatusHistory.operator, StatusHistory.at, StatusHistory.note)
            .where(StatusHistory.message_id == message_id).order_by(StatusHistory.at, StatusHistory.id))
    with store.engine.connect() as conn:
        return tuple(HistoryRow(*row) for row in conn.execute(stmt))
