"""Polling one configured source: pages through the one pipeline, each with its cursor, exactly once."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

from app.common.timeutil import utcnow
from app.intake.connectors.base import Connector, Cursor, Fetcher, Page, PollContext, SourceSpec, Wait
from app.intake.feed_state import SavedState, load_state, mark_error, mark_success, save_page
from app.intake.http import FetchError, FetchStoppedError
from app.intake.pipeline import RAW, BatchResult, ImportSummary, PipelineSource, store_batch
from app.intake.quarantine import store_rejections
from app.intake.storage import retrying
from app.intake.validate import Rejection, clip_raw
from app.store.engine import Store
from app.store.models import FeedState

MAX_PAGES = 200  # pages per poll: a source with more continues at the next poll from its cursor


class SourceStoppedError(Exception):
    """The poll was stopped (window closing, runner stopping)."""


@dataclass(frozen=True)
class SourcePollResult:
    """What one poll of a source did; ``error`` is the Russian reason when it gave up."""

    summary: ImportSummary
    pages: int
    requests: int
    error: str | None = None
    warning: str | None = None
    written: int = 0  # rows written besides messages (CAP warnings)


def load_cursor(store: Store, state_id: str) -> Cursor:
    """The saved cursor of a source (empty for a new one or an unreadable one)."""
    text = load_state(store, state_id).cursor
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _last_success(store: Store, state_id: str) -> object:
    from app.intake.feed_state import state_key

    with store.session() as session:
        row = session.get(FeedState, state_key(state_id))
        return None if row is None else row.last_success_at


class SourcePoller:
    """Polls one source into one database; not thread-safe (one poller per source)."""

    def __init__(self, store: Store, spec: SourceSpec, connector: Connector, pipeline: PipelineSource = RAW,
                 wait: Wait | None = None, stop: threading.Event | None = None) -> None:
        self.store, self.spec, self.connector, self.source = store, spec, connector, pipeline
        self.stop = stop or threading.Event()
        self._wait = wait or self.stop.wait
        self.max_pages = int(spec.parameters.get("max_pages", MAX_PAGES))

    def _fetcher(self) -> Fetcher:
        return Fetcher(self.spec.limits, self._wait, self.stop,
                       follow_elsewhere=bool(self.spec.parameters.get("follow_elsewhere", False)),
                       attempts=int(self.spec.parameters.get("attempts", 4)),
                       backoff_base=float(self.spec.parameters.get("backoff_base", 0.5)),
                       backoff_cap=float(self.spec.parameters.get("backoff_cap", 30.0)))

    def poll_once(self) -> SourcePollResult:
        """Fetch and store pages from the saved cursor until the source has no more (or ``MAX_PAGES``)."""
        state_id = self.spec.state_id
        fetch, summary, pages, written, warning = self._fetcher(), ImportSummary(), 0, 0, None
        try:
            last = retrying(lambda: _last_success(self.store, state_id), self._wait)
            cursor = retrying(lambda: load_cursor(self.store, state_id), self._wait)
            context = PollContext(utcnow(), last)  # type: ignore[arg-type]
            for page in self.connector.pages(cursor, fetch, context):
                warning = _warning(page, fetch)
                result, extra = self._store_page(page, warning)
                summary, pages, written = summary.plus(result), pages + 1, written + extra
                if pages >= self.max_pages or self.stop.is_set():
                    break
        except (FetchStoppedError, InterruptedError) as exc:
            raise SourceStoppedError from exc
        except FetchError as exc:
            self._record_failure(exc)
            return SourcePollResult(summary, pages, fetch.requests, str(exc), warning, written)
        if pages == 0:
            mark_success(self.store, state_id, _warning(None, fetch))
        return SourcePollResult(summary, pages, fetch.requests, None, warning, written)

    def _store_page(self, page: Page, warning: str | None) -> tuple[BatchResult, int]:
        cursor = json.dumps(page.cursor, ensure_ascii=False, separators=(",", ":"))

        def commit() -> tuple[BatchResult, int]:
            with self.store.engine.begin() as conn:
                result = store_batch(conn, page.records, self.source.pipeline)
                extra = page.write(conn) if page.write is not None else 0
                save_page(conn, self.spec.state_id, SavedState(cursor, None), result.imported, warning)
            return result, extra

        return retrying(commit, self._wait)

    def _record_failure(self, exc: FetchError) -> None:
        mark_error(self.store, self.spec.state_id, str(exc))
        if exc.raw is not None:
            where = f"источник «{self.spec.name}» (ответ сервера)"
            store_rejections(self.store, [Rejection(self.spec.kind[:64], where[:512], str(exc)[:512],
                                                    clip_raw(exc.raw))])


def _warning(page: Page | None, fetch: Fetcher) -> str | None:
    notes = [note for note in (page.warning if page else None,
                               f"записи получены с другого адреса ({fetch.elsewhere}) после перенаправления"
                               if fetch.elsewhere else None) if note]
    return "; ".join(notes) or None
