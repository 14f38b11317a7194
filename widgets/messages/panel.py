"""The «Сообщения» panel: filter bar over the table, following the view state and the core's announcements.

New messages are read by id and put on top, edited ones replaced in place; a history
period loads that period's messages; a new pack (messages placed again) reloads.
While the operator holds the list (a row selected, a menu open) its order stays
still: new rows wait behind a «N новых ▲» button and edited rows are neither moved
nor filtered away, so an action never lands on a row that slid under the mouse.
Below the table the undo bar says what the last action changed, with «Отменить».
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from app.common.changes import Changes, Kind
from app.common.ru import format_int, plural_form
from app.core import Core, View
from app.queries.messages import MessageRow, latest_messages, messages_by_ids, messages_in
from widgets.messages.actions import OperatorActions, build_menu
from widgets.messages.filters import MessageFilterBar
from widgets.messages.table import MessageTable, MessageTableModel, TimeWindow
from widgets.messages.undo_bar import UndoBar
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
        self._waiting: dict[int, MessageRow] = {}  # arrived while the list was held
        self._menus = 0
        self.operator_actions: OperatorActions | None = None
        self.new_button = QPushButton()
        self.new_button.setToolTip("Показать новые сообщения вверху списка")
        self.new_button.clicked.connect(self.show_waiting)
        self.new_button.hide()
        self.undo_bar = UndoBar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.filters)
        layout.addWidget(self.new_button)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.undo_bar)
        self.table.selectionModel().selectionChanged.connect(self._on_hold_changed)
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
        self._waiting.clear()  # a reload reads them too
        self._show_count()
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
                self._read(frozenset(shown), self.model.replace_rows)

    def _read(self, ids: frozenset[int], show: Callable[[list[MessageRow]], None]) -> None:
        wanted = sorted(ids)
        self.worker.run(lambda: messages_by_ids(self.store, wanted), show, owner=self)

    def _on_arrived(self, rows: list[MessageRow]) -> None:
        if self.held():
            shown = {row.id for row in self.model.rows}
            self._waiting.update((row.id, row) for row in rows if row.id not in shown)
            self._show_count()
            return
        self._insert(rows)

    def _insert(self, rows: list[MessageRow]) -> None:
        self.model.prepend(rows)
        self.filters.add_municipalities(row.municipality for row in rows)
        self._apply_view(self.core.view.view)  # a live window slides with the clock

    # holding the list still ----------------------------------------------------
    def held(self) -> bool:
        """Whether the operator is pointing at rows: one is selected or a menu is open."""
        return self._menus > 0 or self.table.selectionModel().hasSelection()

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Keep the order still while a menu is open."""
        self._menus += 1
        self._on_hold_changed()
        try:
            yield
        finally:
            self._menus -= 1
            self._on_hold_changed()

    def show_waiting(self) -> None:
        """«N новых ▲»: put the waiting rows on top; the selected row stays selected and in view."""
        rows, self._waiting = list(self._waiting.values()), {}
        self._show_count()
        self.table.proxy.setDynamicSortFilter(True)
        self._insert(rows)
        self.table.proxy.setDynamicSortFilter(not self.held())
        current = self.table.currentIndex()
        if current.isValid():
            self.table.scrollTo(current)
        else:
            self.table.scrollToTop()

    def waiting_count(self) -> int:
        return len(self._waiting)

    def _show_count(self) -> None:
        n = len(self._waiting)
        self.new_button.setText(f"{format_int(n)} {plural_form(n, 'новое', 'новых', 'новых')} ▲")
        self.new_button.setVisible(n > 0)

    def _on_hold_changed(self) -> None:
        # dynamic sorting and filtering would move edited rows under the mouse
        proxy, still = self.table.proxy, self.held()
        if proxy.dynamicSortFilter() == still:
            proxy.setDynamicSortFilter(not still)
            if not still:
                proxy.invalidate()  # released: what was edited meanwhile sorts and filters again

    # actions ---------------------------------------------------------------------
    def use_actions(self, actions: OperatorActions) -> None:
        """Take the list's context menu and report ``actions``' outcomes in the undo bar."""
        self.operator_actions = actions
        actions.completed.connect(self.undo_bar.show_outcome)
        actions.failed.connect(self.undo_bar.show_error)
        self.undo_bar.undoRequested.connect(actions.undo)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self.open_menu)

    def open_menu(self, pos: QPoint) -> None:
        """The selected rows' menu; the list holds still until it closes."""
        rows = self.table.selected_messages()
        if rows and self.operator_actions is not None:
            with self.holding():
                build_menu(self.operator_actions, rows, self).exec(self.table.viewport().mapToGlobal(pos))
