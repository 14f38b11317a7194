"""The «Сообщения» panel: filter bar over the table, following the view state and the core's announcements.

New messages are read by id and put on top, edited ones replaced in place; a history
period loads that period's messages; a new pack (messages placed again) reloads.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.common.changes import Changes, Kind
from app.core import Core, View
from app.queries.messages import MessageRow, latest_messages, messages_by_ids, messages_in
from widgets.messages.filters import MessageFilterBar
from widgets.messages.table import MessageTable, MessageTableModel, TimeWindow
from widgets.tasks.core_bridge import CoreBridge
from widgets.tasks.worker import DbWorker


class MessagePanel(QWidget):
    """Filters and the table over ``core``; ``load()`` fills it, announcements keep it current."""

    def __init__(self, core: Core, worker: DbWorker, limit: int = 2000, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core, self.store, self.worker = core, core.store, worker
        self.model = MessageTableModel(limit, self)
        self.table = MessageTable(self.model)
        self.filters = MessageFilterBar(core.view)
        self.filters.changed.connect(self.table.proxy.set_criteria)
        self._history: tuple | None = None  # the period loaded, None: the newest messages
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.filters)
        layout.addWidget(self.table, 1)
        self.bridge = CoreBridge(core, self)
        self.bridge.changed.connect(self._on_core_changed)
        self.bridge.viewChanged.connect(self._on_view_changed)

    def load(self) -> None:
        """Read the newest messages (live) or the history period's, off the UI thread."""
        view, limit = self.core.view.view, self.model.limit
        if view.live:
            self._history = None
            self.worker.run(lambda: latest_messages(self.store, limit), self._on_loaded, owner=self)
            return
        start, end = view.window(self.core.clock.now())
        self._history = (start, end)
        self.worker.run(lambda: messages_in(self.store, start, end)[::-1][:limit], self._on_loaded, owner=self)

    def _on_loaded(self, rows: list[MessageRow]) -> None:
        self.model.reset_rows(rows)
        self.filters.add_municipalities(row.municipality for row in rows)
        self._apply_view(self.core.view.view)

    def _apply_view(self, view: View) -> None:
        start, end = view.window(self.core.clock.now())
        self.table.proxy.set_window(TimeWindow(start, None if view.live else end, view.categories, view.municipality))

    def _on_view_changed(self, view: View) -> None:
        self.filters.show_view(view)
        wanted = None if view.live else view.window(self.core.clock.now())
        if wanted != self._history:
            self.load()
        else:
            self._apply_view(view)

    def _on_core_changed(self, changes: Changes) -> None:
        if changes.touches(Kind.PACK) or (changes.touches(Kind.MESSAGES_EDITED) and not changes.message_ids):
            self.load()
        elif changes.touches(Kind.MESSAGES_ADDED) and changes.message_ids and self._history is None:
            self._read(changes.message_ids, self._on_arrived)
        elif changes.touches(Kind.MESSAGES_EDITED):
            shown = {row.id for row in self.model.rows} & changes.message_ids
            if shown:
                self._read(shown, self.model.replace_rows)

    def _read(self, ids: frozenset[int], show: Callable[[list[MessageRow]], None]) -> None:
        wanted = sorted(ids)
        self.worker.run(lambda: messages_by_ids(self.store, wanted), show, owner=self)

    def _on_arrived(self, rows: list[MessageRow]) -> None:
        self.model.prepend(rows)
        self.filters.add_municipalities(row.municipality for row in rows)
        self._apply_view(self.core.view.view)  # a live window slides with the clock
