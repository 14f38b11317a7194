"""The message card (side panel): one message in full, and the actions that apply to exactly it.

The card is bound to a message id, not to a row of the list: the list may scroll or
receive new rows, the card's buttons still act on the message shown here, with the
version shown here. All public text (message, author, place, notes) is plain text.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import categories
from app.common.changes import Changes, Kind
from app.common.timeutil import to_local
from app.core import Core
from app.ops.board import time_left, when
from app.ops.card import Card, message_card
from app.ops.statuses import status_label
from widgets.messages.actions import OperatorActions, add_status_menu, bind_slot
from widgets.messages.plain import plain_label
from widgets.tasks.core_bridge import CoreBridge
from widgets.tasks.worker import DbWorker

SOURCE_LABELS = {"vk": "ВКонтакте", "telegram": "Telegram", "pos": "Госуслуги. Решаем вместе", "ok": "Одноклассники"}
HISTORY_COLUMNS = ("Когда", "Статус", "Кто", "Примечание")


class MessageCard(QWidget):
    """``show_message(id)`` reads the card off the UI thread; announcements of this id refresh it."""

    loaded = Signal(object)  # the Card shown (None: no message)

    def __init__(self, core: Core, worker: DbWorker, actions: OperatorActions, bridge: CoreBridge,
                 show_author: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core, self.worker, self.operator_actions, self.show_author = core, worker, actions, show_author
        self.card: Card | None = None
        self.fields: dict[str, QLabel] = {}
        self.title = plain_label("Выберите сообщение в списке")
        self.title.setStyleSheet("font-weight: bold; font-size: 14px;")
        self.text = plain_label("")
        self.history = QTableWidget(0, len(HISTORY_COLUMNS))
        self.history.setHorizontalHeaderLabels(list(HISTORY_COLUMNS))
        self.history.verticalHeader().hide()
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.source_button = QPushButton("Открыть источник")
        self.source_button.clicked.connect(self._open_source)
        self.buttons = self._buttons()
        self._build()
        bridge.changed.connect(self._on_core_changed)
        self._show(None)

    def _build(self) -> None:
        form = QFormLayout()
        for key, caption in (("source", "Источник"), ("author", "Автор"), ("place", "Место"),
                             ("category", "Категория"), ("why", "Почему"), ("status", "Статус"),
                             ("agency", "Ведомство"), ("due", "Срок ответа"), ("left", "Осталось"),
                             ("answer", "Ответ")):
            self.fields[key] = plain_label("")
            form.addRow(caption + ":", self.fields[key])
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(form)
        layout.addWidget(self.source_button)
        layout.addWidget(QLabel("История: статусы, кто и когда, заметки"))
        layout.addWidget(self.history, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(2, 2, 2, 2)
        outer.addWidget(scroll, 1)
        outer.addLayout(self.buttons)

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.category_button = QPushButton("Категория ▾")
        self.status_button = QPushButton("Статус ▾")
        self.route_button = QPushButton("Передать…")
        self.important_button = QPushButton("Важное")
        self.note_button = QPushButton("Заметка…")
        self.note_button.clicked.connect(self._ask_note)
        self.category_button.clicked.connect(self._category_menu)
        self.status_button.clicked.connect(self._status_menu)
        self.route_button.clicked.connect(self._route)
        self.important_button.clicked.connect(self._mark_important)
        for button in self._action_buttons():
            row.addWidget(button)
        return row

    def _action_buttons(self) -> tuple[QPushButton, ...]:
        return (self.category_button, self.status_button, self.route_button, self.important_button,
                self.note_button)

    # loading -----------------------------------------------------------------
    def show_message(self, message_id: int | None) -> None:
        if message_id is None:
            self._show(None)
            return
        store, cal = self.core.store, self.core.calendar()
        self.worker.run(lambda: message_card(store, message_id, cal), self._show, owner=self)

    def reload(self) -> None:
        if self.card is not None:
            self.show_message(self.card.id)

    def _on_core_changed(self, changes: Changes) -> None:
        if self.card is None:
            return
        mine = not changes.message_ids or self.card.id in changes.message_ids
        if (changes.touches(Kind.MESSAGES_EDITED) and mine) or changes.touches(Kind.AGENCIES, Kind.SETTINGS):
            self.reload()

    def _show(self, card: Card | None) -> None:
        self.card = card
        for button in self._action_buttons():
            button.setEnabled(card is not None)
        self.source_button.setEnabled(bool(card and _safe_url(card.url)))
        if card is None:
            self.title.setText("Выберите сообщение в списке")
            self.text.clear()
            for label in self.fields.values():
                label.clear()
            self.history.setRowCount(0)
        else:
            self._fill(card)
        self.loaded.emit(card)

    def _fill(self, card: Card) -> None:
        now = self.core.clock.now()
        important = " · важное" if card.importance == "high" else ""
        self.title.setText(f"№{card.id} · {to_local(card.published_at):%d.%m.%Y %H:%M}{important}")
        self.text.setText(card.text)
        values = {
            "source": SOURCE_LABELS.get(card.source, card.source) + (f" · {card.url}" if card.url else ""),
            "author": (card.author or "—") if self.show_author else "скрыт",
            "place": ", ".join(p for p in (card.address, card.settlement, card.municipality, card.region) if p)
            or "не определено",
            "category": _category(card),
            "why": card.explanation or "классификатор не оставил объяснения",
            "status": status_label(card.status) + (f" · происшествие №{card.incident_id}" if card.incident_id else ""),
            "agency": card.agency + (f" (с {to_local(card.assigned_at):%d.%m %H:%M})" if card.assigned_at else "")
            if card.agency else "не передано",
            "due": when(card.due, self.core.calendar(), now) if card.due else "нет (ответ дан или закрыто)",
            "left": time_left(card.left(now)) if card.due else "—",
            "answer": card.answer or "—",
        }
        for key, value in values.items():
            self.fields[key].setText(value)
        self.fields["left"].setStyleSheet("color: #b00020; font-weight: bold;" if card.due and card.left(now) < 0
                                          else "")
        self._fill_history(card)

    def _fill_history(self, card: Card) -> None:
        self.history.setRowCount(len(card.history))
        for i, step in enumerate(card.history):
            values = (f"{to_local(step.at):%d.%m %H:%M}", step.label, step.operator or "—", step.note or "")
            for column, value in enumerate(values):
                self.history.setItem(i, column, QTableWidgetItem(value))

    # actions on exactly this message ---------------------------------------------
    def _category_menu(self) -> None:
        if self.card is None:
            return
        menu = QMenu(self)
        target = self.card
        for c in categories.CATEGORIES:
            menu.addAction(c.label, bind_slot(self.operator_actions.set_category, [target], c.code))
        menu.exec(self.category_button.mapToGlobal(self.category_button.rect().bottomLeft()))

    def _route(self) -> None:
        if self.card is not None:
            self.operator_actions.choose_agency([self.card], self)

    def _mark_important(self) -> None:
        if self.card is not None:
            self.operator_actions.mark_important([self.card])

    def _ask_note(self) -> None:
        if self.card is None:
            return
        target = self.card
        text, ok = QInputDialog.getMultiLineText(self, "Заметка", f"Заметка к сообщению №{target.id}:")
        if ok and text.strip():
            self.operator_actions.add_note([target], text)

    def _status_menu(self) -> None:
        if self.card is None:
            return
        menu = QMenu(self)
        status = add_status_menu(menu, self.operator_actions, [self.card], self)
        status.exec(self.status_button.mapToGlobal(self.status_button.rect().bottomLeft()))

    def status_menu(self) -> QMenu:
        """The status menu of the card's message (what «Статус ▾» opens; tests read it)."""
        return add_status_menu(QMenu(self), self.operator_actions, [self.card] if self.card else [], self)

    def _open_source(self) -> None:
        url = _safe_url(self.card.url if self.card else None)
        if url is not None:
            QDesktopServices.openUrl(url)


def _category(card: Card) -> str:
    who = {"operator": "оператор", "classifier": "классификатор", "source": "источник"}.get(card.category_source,
                                                                                          card.category_source)
    sure = f", уверенность {card.confidence:.0%}" if card.confidence is not None and who == "классификатор" else ""
    return f"{categories.label(card.category)} ({who}{sure})"


def _safe_url(text: str | None) -> QUrl | None:
    """Only web links open (a hostile ``file:`` or ``javascript:`` link never does)."""
    if not text:
        return None
    url = QUrl(text, QUrl.ParsingMode.StrictMode)
    return url if url.isValid() and url.scheme() in ("http", "https") else None

