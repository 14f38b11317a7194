"""The operator's desk in the main window: the message card and the deadline board as docks.

``install_operator_docks(window, bridge)`` is the one call the window makes: it adds
the «Карточка сообщения» and «Сроки и ведомства» docks, lets the message list own
its context menu (held still while open) and its undo bar, makes the card follow
the list's current row, and fills an empty agency directory with the starting one.
"""

from __future__ import annotations

import warnings
from contextlib import suppress
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

from app.common.changes import Kind
from app.core import Core
from app.ops.directory import seed_directory
from widgets.messages.actions import OperatorActions
from widgets.messages.board import DeadlineBoard
from widgets.messages.card import MessageCard
from widgets.messages.panel import MessagePanel
from widgets.tasks.core_bridge import CoreBridge
from widgets.tasks.worker import DbWorker

CARD_TITLE, BOARD_TITLE = "Карточка сообщения", "Сроки и ведомства"


@dataclass(frozen=True)
class OperatorDocks:
    card: MessageCard
    board: DeadlineBoard
    card_dock: QDockWidget
    board_dock: QDockWidget
    actions: OperatorActions


def install_operator_docks(window: QMainWindow, bridge: CoreBridge) -> OperatorDocks:
    """Add the card and the deadline board to ``window`` (a main window with ``core``, ``worker``, ``messages``).

    The window's ``actions_`` (``OperatorActions``) is used when it has one. The list's
    context menu is taken over by the message panel, which holds the order still while it is open.
    """
    core: Core = window.core  # type: ignore[attr-defined]
    worker: DbWorker = window.worker  # type: ignore[attr-defined]
    panel: MessagePanel = window.messages  # type: ignore[attr-defined]
    actions = getattr(window, "actions_", None) or OperatorActions(core, worker, window)
    with warnings.catch_warnings(), suppress(RuntimeError, TypeError):  # nothing connected yet
        warnings.simplefilter("ignore")
        panel.table.customContextMenuRequested.disconnect()  # the panel's own menu replaces the window's
    panel.use_actions(actions)
    card = MessageCard(core, worker, actions, bridge)
    board = DeadlineBoard(core, worker, bridge)
    card_dock, board_dock = _dock(window, CARD_TITLE, card), _dock(window, BOARD_TITLE, board)
    messages_dock = panel.parentWidget()
    if isinstance(messages_dock, QDockWidget):
        window.splitDockWidget(messages_dock, card_dock, Qt.Orientation.Horizontal)
        window.tabifyDockWidget(messages_dock, board_dock)
        messages_dock.raise_()
    panel.table.selectionModel().currentRowChanged.connect(
        lambda current, _previous: _follow(panel, card, current))
    board.messageActivated.connect(card.show_message)
    board.messageActivated.connect(lambda _id: card_dock.raise_())
    worker.run(lambda: _seed(core), owner=window)
    board.refresh()
    return OperatorDocks(card, board, card_dock, board_dock, actions)


def _dock(window: QMainWindow, title: str, widget: MessageCard | DeadlineBoard) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(title)
    dock.setWidget(widget)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    return dock


def _follow(panel: MessagePanel, card: MessageCard, current: QModelIndex) -> None:
    if current.isValid():
        card.show_message(panel.table.row_at(current).id)


def _seed(core: Core) -> None:
    added = seed_directory(core.store)
    if added:
        core.ops.announce(Kind.AGENCIES, f"Добавлен типовой справочник ведомств ({added}); его можно изменить")
