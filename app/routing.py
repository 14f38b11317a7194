"""Routing: the agency directory, assignment of messages and their status path with who/when.

Statuses: новое → передано → в работе → ответ дан → решено. Every change writes a
StatusHistory row and bumps the message's ``version``; passing ``expected_version``
makes a change fail when another seat changed the message first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import Agency, Message, StatusHistory
from app.store import Store
from app.timeutil import as_utc

STATUS_LABELS: dict[str, str] = {
    "new": "новое",
    "assigned": "передано",
    "in_progress": "в работе",
    "answered": "ответ дан",
    "resolved": "решено",
}
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"assigned"}),
    "assigned": frozenset({"assigned", "in_progress", "answered"}),
    "in_progress": frozenset({"assigned", "answered"}),
    "answered": frozenset({"in_progress", "resolved"}),
    "resolved": frozenset(),
}
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
        return STATUS_LABELS.get(self.status, self.status)


def status_label(code: str) -> str:
    """Russian label of a status code."""
    return STATUS_LABELS.get(code, code)


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


def _change(session: Session, message_id: int, status: str, expected_version: int | None,
            values: dict[str, object]) -> Message:
    message = session.get(Message, message_id)
    if message is None:
        raise RoutingError("сообщение не найдено")
    if status not in TRANSITIONS.get(message.status, frozenset()):
        raise RoutingError(f"нельзя перейти из «{status_label(message.status)}» в «{status_label(status)}»")
    version = message.version if expected_version is None else expected_version
    done = session.execute(update(Message).where(Message.id == message_id, Message.version == version)
                           .values(status=status, version=version + 1, **values))
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError("сообщение уже изменил другой оператор; обновите список")
    return message


def _history(session: Session, message_id: int, status: str, operator: str | None, at: datetime,
             note: str | None) -> None:
    session.add(StatusHistory(message_id=message_id, status=status, operator=operator, at=as_utc(at), note=note))


def assign(store: Store, message_id: int, agency_id: int, operator: str | None, at: datetime,
           note: str | None = None, expected_version: int | None = None) -> None:
    """Route a message to an agency (status «передано»)."""
    with store.session() as session:
        if session.get(Agency, agency_id) is None:
            raise RoutingError("адресат не найден")
        _change(session, message_id, "assigned", expected_version, {"agency_id": agency_id, "assigned_at": as_utc(at)})
        _history(session, message_id, "assigned", operator, at, note)


def set_status(store: Store, message_id: int, status: str, operator: str | None, at: datetime,
               note: str | None = None, expected_version: int | None = None) -> None:
    """Move a message along its path; answers stamp ``first_answer_at`` / ``final_answer_at``."""
    if status == "assigned":
        raise RoutingError("для передачи укажите адресата")
    with store.session() as session:
        values: dict[str, object] = {}
        message = session.get(Message, message_id)
        if status == "answered" and message is not None and message.first_answer_at is None:
            values["first_answer_at"] = as_utc(at)
        if status == "resolved":
            values["final_answer_at"] = as_utc(at)
        _change(session, message_id, status, expected_version, values)
        _history(session, message_id, status, operator, at, note)


def history(store: Store, message_id: int) -> tuple[HistoryRow, ...]:
    """Who changed the message's status and when, oldest first."""
    stmt = (select(StatusHistory.status, StatusHistory.operator, StatusHistory.at, StatusHistory.note)
            .where(StatusHistory.message_id == message_id).order_by(StatusHistory.at, StatusHistory.id))
    with store.engine.connect() as conn:
        return tuple(HistoryRow(*row) for row in conn.execute(stmt))
