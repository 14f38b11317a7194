"""Grouping messages into incidents: space, time, category; merge and split by an operator."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from shapely.geometry import Point, shape
from sqlalchemy import select

from app.incidents import GAP, incident_rows, merge_incidents, split_incident, update_incidents
from app.intake.writer import Incoming, store_incoming
from app.store.models import Incident, Message

T0 = datetime(2024, 4, 22, 10, tzinfo=UTC)


def _msg(n: int, category: str, settlement: str | None, lat: float | None, lon: float | None,
         minutes: float = 0) -> Incoming:
    return Incoming(source="t", text=f"сообщение {n}", published_at=T0 + timedelta(minutes=minutes),
                    external_id=f"m{n}", category=category, settlement=settlement,
                    region="Краснодарский край", lat=lat, lon=lon)


def _store(store, items: list[Incoming]) -> list[int]:
    ids = list(store_incoming(store, items).new_ids)
    update_incidents(store, ids)
    return ids


def _incident_of(store, message_id: int) -> int | None:
    with store.session() as session:
        return session.get(Message, message_id).incident_id


def test_same_settlement_and_category_form_one_incident(store) -> None:
    ids = _store(store, [_msg(i, "power", "Геленджик", 44.56 + i * 0.002, 38.07, minutes=i * 10) for i in range(5)])
    rows = incident_rows(store)
    assert len(rows) == 1 and rows[0].message_count == 5 and rows[0].settlement == "Геленджик"
    with store.session() as session:
        incident = session.scalars(select(Incident)).one()
        assert incident.last_seen - incident.first_seen == timedelta(minutes=40)
        extent = shape(json.loads(incident.extent))
        assert extent.contains(Point(38.07, 44.56)) and extent.contains(Point(incident.lon, incident.lat))
    assert {_incident_of(store, i) for i in ids} == {rows[0].id}


def test_category_distance_and_time_gap_separate_incidents(store) -> None:
    _store(store, [
        _msg(1, "power", "Геленджик", 44.56, 38.07),
        _msg(2, "water", "Геленджик", 44.56, 38.07),           # other category
        _msg(3, "power", "Анапа", 44.89, 37.32),               # other settlement
        _msg(4, "power", "Геленджик", 44.56, 38.07, minutes=GAP.total_seconds() / 60 + 60),  # too late
        _msg(5, "power", None, 44.565, 38.075, minutes=5),     # no settlement but within the distance
        _msg(6, "other", "Геленджик", 44.56, 38.07),           # chatter stays out
    ])
    counts = sorted(r.message_count for r in incident_rows(store))
    assert counts == [1, 1, 1, 2]


def test_incremental_updates_extend_open_incident(store) -> None:
    first = _store(store, [_msg(1, "flood", "Крымск", 44.93, 37.99)])
    second = _store(store, [_msg(2, "flood", "Крымск", 44.94, 37.98, minutes=90)])
    assert _incident_of(store, first[0]) == _incident_of(store, second[0])
    assert incident_rows(store)[0].message_count == 2


def test_merge_and_split(store) -> None:
    ids = _store(store, [_msg(1, "storm", "Туапсе", 44.10, 39.08), _msg(2, "storm", "Джубга", 44.32, 38.70),
                         _msg(3, "storm", "Джубга", 44.32, 38.70, minutes=3)])
    a, b = _incident_of(store, ids[0]), _incident_of(store, ids[1])
    assert a != b
    target = merge_incidents(store, [a, b])
    assert [r.message_count for r in incident_rows(store)] == [3]
    with store.session() as session:
        merged = session.get(Incident, max(a, b))
        assert (merged.status, merged.merged_into) == ("merged", target)
    new_id = split_incident(store, target, [ids[0]])
    assert sorted(r.message_count for r in incident_rows(store)) == [1, 2]
    assert _incident_of(store, ids[0]) == new_id
    with pytest.raises(ValueError):
        split_incident(store, new_id, [ids[0]])
