"""Operator edits queued while the shared server was unreachable, replayed when it answers again.

``app.ops.opqueue`` keeps the queue in the user's data directory; when the server
connection comes back (the sync bridge says «connected") the window replays it on the
database worker, announces the edited messages and says what happened in one line.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from app.common import ru
from app.common.changes import Changes, Kind
from app.core import Core
from app.ops.opqueue import OpQueue, ReplayOutcome, replay
from app.sync.notify import ConnectionState
from widgets.tasks.worker import DbWorker


def summary(outcomes: list[ReplayOutcome]) -> str:
    """«Очередь правок: применено 3; не применено: 1 правка (сообщения уже изменили другие)»."""
    counts = {kind: sum(1 for o in outcomes if o.outcome == kind) for kind in ("applied", "conflict", "missing")}
    line = f"Очередь правок: применено {counts['applied']}"
    if counts["conflict"]:
        word = ru.plural_form(counts["conflict"], "правка", "правки", "правок")
        line += f"; не применено: {counts['conflict']} {word} (сообщения уже изменили другие)"
    if counts["missing"]:
        line += f"; сообщений больше нет: {counts['missing']}"
    return line


class QueueReplayer(QObject):
    """``on_state(state)``: on «connected» replay the queue (off the UI thread); ``report(text)`` says the result."""

    def __init__(self, core: Core, worker: DbWorker, report: Callable[[str], None], queue: OpQueue | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.core, self.worker, self.report = core, worker, report
        self.queue = queue
        self.last: list[ReplayOutcome] = []

    def on_state(self, state: str) -> None:
        if state == ConnectionState.CONNECTED:
            self.replay()

    def replay(self) -> None:
        store, queue = self.core.store, self.queue or OpQueue()
        self.queue = queue
        self.worker.run(lambda: replay(store, queue) if len(queue) else [], self._on_replayed,
                        lambda exc: self.report(f"Очередь правок не применена: {exc}"), owner=self)

    def _on_replayed(self, outcomes: list[ReplayOutcome]) -> None:
        self.last = outcomes
        done = [o.action.message_id for o in outcomes if o.outcome != "queued"]
        if done:
            self.core.hub.publish(Changes.of(Kind.MESSAGES_EDITED, messages=done))
            self.report(summary(outcomes))
