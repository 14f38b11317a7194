"""The sources the operator configured: the ``sources`` table, their keys in the OS keyring, their health.

A source's credentials (VK key, Telegram bot token, a feed's token) are kept only in the
operating system's keyring (``keyring``), under the source's id; where the system has no
keyring they live in this process's memory until it ends. The database and its exports
never hold them.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import replace
from typing import Any

from sqlalchemy import delete, select

from app.common.ru import count_phrase
from app.common.timeutil import utcnow
from app.intake.connectors import KINDS, SourcePoller, SourceSpec, connector_for
from app.intake.connectors.base import Fetcher, PollContext
from app.intake.feed_state import FeedHealth, feed_health
from app.intake.http import FetchError, FetchStoppedError
from app.intake.pipeline import RAW, PipelineSource
from app.store.engine import Store
from app.store.models import FeedState, Source

log = logging.getLogger(__name__)
SERVICE = "opershtab-source"
MIN_INTERVAL_S = 5.0


class SourceConfigError(ValueError):
    """A source that cannot be saved (the message is one Russian sentence)."""


class Secrets:
    """Credentials by account: the OS keyring when there is one, else memory (the one keyring wrapper).

    ``get``/``put`` take a source id (account «source-ID»); ``get_account``/``put_account`` any account
    (the feed token of ``app.core.secrets``).
    """

    def __init__(self, backend: Any = None, use_keyring: bool = True, service: str = SERVICE) -> None:
        self._backend = backend if backend is not None else (_keyring() if use_keyring else None)
        self.service = service
        self._memory: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def persistent(self) -> bool:
        """True when the keys are kept in the OS keyring (they survive a restart)."""
        return self._backend is not None

    def get(self, source_id: int) -> str | None:
        return self.get_account(f"source-{source_id}")

    def put(self, source_id: int, secret: str | None) -> None:
        self.put_account(f"source-{source_id}", secret)

    def get_account(self, account: str) -> str | None:
        if self._backend is not None:
            try:
                return self._backend.get_password(self.service, account) or None
            except Exception:  # a locked or broken keyring: the memory copy still serves
                log.warning("key unreadable from the keyring", exc_info=True)
        with self._lock:
            return self._memory.get(account)

    def put_account(self, account: str, secret: str | None) -> None:
        with self._lock:
            self._memory.pop(account, None)
            if secret:
                self._memory[account] = secret
        if self._backend is None:
            return
        try:
            if secret:
                self._backend.set_password(self.service, account, secret)
            else:
                self._backend.delete_password(self.service, account)
        except Exception:  # nothing stored to delete, or a locked keyring: the memory copy still serves
            log.warning("key not written to the keyring", exc_info=True)


def _keyring() -> Any:
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        return None if isinstance(keyring.get_keyring(), fail.Keyring) else keyring
    except Exception:  # a broken desktop keyring must not stop the program
        log.warning("keyring unavailable", exc_info=True)
        return None


SECRETS = Secrets()


def _spec(row: Source, secrets: Secrets | None) -> SourceSpec:
    try:
        parameters = json.loads(row.parameters or "{}")
    except ValueError:
        parameters = {}
    secret = secrets.get(row.id) if secrets is not None else None
    return SourceSpec(row.kind, row.name, row.address, parameters if isinstance(parameters, dict) else {},
                      row.interval_s, row.enabled, row.id, secret)


def list_sources(store: Store, secrets: Secrets | None = None) -> list[SourceSpec]:
    """Every configured source in the order they were added (with credentials when ``secrets`` is given)."""
    with store.session() as session:
        return [_spec(row, secrets) for row in session.scalars(select(Source).order_by(Source.id))]


def get_source(store: Store, source_id: int, secrets: Secrets | None = None) -> SourceSpec | None:
    with store.session() as session:
        row = session.get(Source, source_id)
        return None if row is None else _spec(row, secrets)


def check_spec(spec: SourceSpec) -> None:
    """``SourceConfigError`` naming what is wrong with ``spec``."""
    if spec.kind not in KINDS:
        raise SourceConfigError(f"неизвестный вид источника «{spec.kind}»")
    if not spec.name.strip() or len(spec.name) > 256:
        raise SourceConfigError("укажите название источника (не длиннее 256 символов)")
    needs_address = spec.kind in ("rss", "open311", "cap", "feed")
    if needs_address and not spec.address.startswith(("http://", "https://")):
        raise SourceConfigError("адрес источника должен начинаться с http:// или https://")
    if spec.interval_s < MIN_INTERVAL_S:
        raise SourceConfigError(f"интервал опроса не меньше {MIN_INTERVAL_S:g} с")
    if spec.kind == "vk_wall" and not spec.parameters.get("owners"):
        raise SourceConfigError("укажите сообщества VK (owner_id через запятую, для сообществ — со знаком минус)")
    if spec.kind == "vk_search" and not str(spec.parameters.get("query", "")).strip():
        raise SourceConfigError("укажите ключевые слова поиска VK")


def save_source(store: Store, spec: SourceSpec, secret: str | None = None, secrets: Secrets = SECRETS,
                keep_secret: bool = True) -> SourceSpec:
    """Add (``spec.id`` None) or change a source; ``secret`` goes to the keyring (None keeps the old one)."""
    check_spec(spec)
    now = utcnow()
    values = {"kind": spec.kind, "name": spec.name.strip(), "address": spec.address.strip(),
              "parameters": json.dumps(dict(spec.parameters), ensure_ascii=False), "interval_s": spec.interval_s,
              "enabled": spec.enabled, "updated_at": now}
    with store.session() as session:
        clash = session.scalar(select(Source.id).where(Source.name == values["name"]))
        if clash is not None and clash != spec.id:
            raise SourceConfigError(f"источник «{values['name']}» уже есть")
        row = session.get(Source, spec.id) if spec.id is not None else None
        if row is None:
            row = Source(created_at=now, **values)
            session.add(row)
        else:
            for key, value in values.items():
                setattr(row, key, value)
        session.flush()
        source_id = row.id
    if secret is not None or not keep_secret:
        secrets.put(source_id, secret)
    return replace(spec, id=source_id, name=str(values["name"]), secret=secret or secrets.get(source_id))


def delete_source(store: Store, source_id: int, secrets: Secrets = SECRETS) -> None:
    """Remove a source, its cursor and health, and its key (its messages stay)."""
    spec = get_source(store, source_id)
    with store.session() as session:
        session.execute(delete(Source).where(Source.id == source_id))
        if spec is not None:
            from app.intake.feed_state import state_key

            session.execute(delete(FeedState).where(FeedState.feed_id == state_key(spec.state_id)))
    secrets.put(source_id, None)


def source_health(store: Store, spec: SourceSpec) -> FeedHealth:
    """Health of a source like the feed's: ok, error, stale or waiting, and any warning."""
    return replace(feed_health(store, spec.state_id, spec.interval_s), noun="Источник")


def source_poller(store: Store, spec: SourceSpec, pipeline: PipelineSource = RAW,
                  stop: threading.Event | None = None) -> SourcePoller:
    """A poller of ``spec`` storing through ``pipeline`` (the core's, for region and pack)."""
    return SourcePoller(store, spec, connector_for(spec), pipeline, stop=stop)


def check_source(spec: SourceSpec, stop: threading.Event | None = None) -> str:
    """Ask the source once without storing anything; one Russian line: what came, or why not."""
    try:
        connector = connector_for(spec)
        fetch = Fetcher(spec.limits, (stop or threading.Event()).wait, stop, attempts=1)
        pages = connector.pages({}, fetch, PollContext(utcnow(), None))
        page = next(iter(pages), None)
    except (FetchError, ValueError) as exc:
        return f"Нет связи с источником: {exc}"
    except FetchStoppedError:
        return "Проверка прервана"
    if page is None:
        return "Соединение установлено: новых записей нет"
    found = count_phrase(len(page.records), "запись", "записи", "записей")
    return f"Соединение установлено: на первой странице {found}"
