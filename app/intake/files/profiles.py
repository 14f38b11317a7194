"""Spreadsheet profiles: a column mapping saved under a name, recognised again by its headers.

A centre maps its platform's export once («Инцидент Менеджмент», «Решаем вместе», any other);
the next file with those headers is imported with that mapping, and its rows share one
dedupe namespace whatever the file is called.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select

from app.common.timeutil import utcnow
from app.store.engine import Store
from app.store.models import ImportProfile

MIN_OVERLAP = 0.8  # share of the profile's headers a file must have


@dataclass(frozen=True)
class Profile:
    name: str
    headers: tuple[str, ...]
    mapping: dict[str, str]


def header_key(header: str) -> str:
    return " ".join(str(header).strip().casefold().replace("ё", "е").split())


def save_profile(store: Store, name: str, headers: Iterable[str], mapping: Mapping[str, str]) -> Profile:
    """Save (or replace) the profile ``name``; ``ValueError`` when the mapping names missing headers."""
    name, headers = name.strip()[:256], tuple(headers)
    if not name:
        raise ValueError("укажите название профиля")
    missing = [h for h in mapping.values() if h not in headers]
    if missing:
        raise ValueError(f"в файле нет столбцов {', '.join(f'«{h}»' for h in missing)}")
    with store.session() as session:
        row = session.scalar(select(ImportProfile).where(ImportProfile.name == name))
        values = {"headers": json.dumps(list(headers), ensure_ascii=False),
                  "mapping": json.dumps(dict(mapping), ensure_ascii=False), "updated_at": utcnow()}
        if row is None:
            session.add(ImportProfile(name=name, **values))
        else:
            for key, value in values.items():
                setattr(row, key, value)
    return Profile(name, headers, dict(mapping))


def list_profiles(store: Store) -> list[Profile]:
    with store.session() as session:
        rows = session.scalars(select(ImportProfile).order_by(ImportProfile.name)).all()
        return [Profile(r.name, tuple(json.loads(r.headers)), json.loads(r.mapping)) for r in rows]


def find_profile(store: Store, headers: Iterable[str]) -> Profile | None:
    """The saved profile these headers belong to: all its mapped columns present, most headers shared."""
    present = {header_key(h) for h in headers}
    best: tuple[float, Profile] | None = None
    for profile in list_profiles(store):
        own = {header_key(h) for h in profile.headers}
        if not own or not all(header_key(h) in present for h in profile.mapping.values()):
            continue
        overlap = len(own & present) / len(own)
        if overlap >= MIN_OVERLAP and (best is None or overlap > best[0]):
            best = (overlap, profile)
    return None if best is None else best[1]


def mapping_in(profile: Profile, headers: Iterable[str]) -> dict[str, str]:
    """The profile's mapping with the file's own spelling of each header."""
    spelled = {header_key(h): h for h in headers}
    return {field: spelled[header_key(h)] for field, h in profile.mapping.items() if header_key(h) in spelled}
