"""Taking back a merge of incidents: each merged incident gets its own messages back and reopens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from app.incidents import refresh
from app.store import Incident, Message, Store


@dataclass(frozen=True)
class UnmergeStep:
    """Before a merge into ``target``: incident → the ids of its messages."""

    target: int
    members: tuple[tuple[int, tuple[int, ...]], ...]

    @property
    def message_ids(self) -> tuple[int, ...]:
        return tuple(m for _incident, ids in self.members for m in ids)


def members_of(store: Store, incident_ids: Sequence[int]) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """Incident → its message ids, as they are now (taken before a merge)."""
    stmt = select(Message.incident_id, Message.id).where(Message.incident_id.in_(sorted(set(incident_ids))))
    with store.engine.connect() as conn:
        found: dict[int, list[int]] = {i: [] for i in sorted(set(incident_ids))}
        for incident, message in conn.execute(stmt):
            if incident is not None:
                found[incident].append(message)
    return tuple((i, tuple(sorted(ids))) for i, ids in found.items())


def unmerge(store: Store, step: UnmergeStep) -> list[str]:
    """Give each merged incident its messages back (those still in the target); returns refusals."""
    errors: list[str] = []
    with store.session() as session:
        target = session.get(Incident, step.target)
        if target is None:
            return [f"Происшествие №{step.target} не найдено"]
        for incident_id, ids in step.members:
            if incident_id == step.target:
                continue
            incident = session.get(Incident, incident_id)
            if incident is None or incident.merged_into != step.target:
                errors.append(f"Происшествие №{incident_id} уже изменено: объединение не отменено")
                continue
            for message in session.scalars(select(Message).where(Message.id.in_(ids),
                                                                 Message.incident_id == step.target)):
                message.incident_id = incident_id
            incident.status, incident.merged_into = "open", None
            session.flush()
            refresh(session, incident)
        refresh(session, target)
    return errors
