"""The «Источники» panel: configured sources with their health; add, edit, remove, test, poll now.

Everything that touches the database or the network runs off the UI thread (the shared
``DbWorker`` for the database, a plain thread for «Проверить связь»); text from sources and
servers is shown as plain text. Keys are typed into a password field and go to the OS
keyring; the panel never shows them again.
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.common.changes import Changes, Kind
from app.core import Core
from app.intake.connectors import KINDS, SourceSpec
from app.intake.feed_state import FeedHealth
from app.intake.sources import (
    SECRETS,
    SourceConfigError,
    check_source,
    delete_source,
    list_sources,
    save_source,
    source_health,
)
from widgets.tasks.core_bridge import CoreBridge
from widgets.tasks.worker import DbWorker

T = TypeVar("T")

COLUMNS = ("Название", "Вид", "Состояние", "Опрос", "")
HINTS = {
    "vk_wall": "Сообщества: owner_id через запятую (сообщества — со знаком минус), например -12345, -67890",
    "vk_search": "Ключевые слова; точка и радиус — по желанию (широта, долгота, км)",
    "telegram_bot": "Токен бота — в поле «Ключ доступа»; бот должен быть участником чатов или администратором каналов",
    "rss": "Адрес ленты RSS или Atom",
    "open311": "Адрес сервиса GeoReport v2 (…/requests.json)",
    "cap": "Адрес предупреждения CAP 1.2 или ленты Atom с предупреждениями",
    "feed": "Адрес JSON-ленты в протоколе Оперштаба",
}


def _plain(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class SourceDialog(QDialog):
    """Add or edit one source: kind, name, address, kind-specific parameters, interval, key."""

    def __init__(self, spec: SourceSpec | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Источник" if spec is None else f"Источник «{spec.name}»")
        self.original = spec
        self.kind = QComboBox(self)
        for code, label in KINDS.items():
            self.kind.addItem(label, code)
        self.name, self.address, self.main = QLineEdit(self), QLineEdit(self), QLineEdit(self)
        self.point = QLineEdit(self)
        self.extra = QPlainTextEdit(self)
        self.extra.setPlaceholderText('Дополнительные параметры (JSON), например {"window_s": 86400}')
        self.extra.setMaximumHeight(70)
        self.interval = QDoubleSpinBox(self)
        self.interval.setRange(5, 86400)
        self.interval.setSuffix(" с")
        self.enabled = QCheckBox("Опрашивать", self)
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.hint = _plain("")
        self._build()
        self._fill(spec)

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow("Вид", self.kind)
        form.addRow("Название", self.name)
        form.addRow("Адрес", self.address)
        self.main_label = QLabel("Сообщества")
        form.addRow(self.main_label, self.main)
        form.addRow("Точка и радиус", self.point)
        form.addRow("Параметры", self.extra)
        form.addRow("Интервал", self.interval)
        form.addRow("", self.enabled)
        form.addRow("Ключ доступа", self.secret)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Сохранить")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)

    def _fill(self, spec: SourceSpec | None) -> None:
        spec = spec or SourceSpec("rss", "", interval_s=60.0)
        self.kind.setCurrentIndex(max(0, self.kind.findData(spec.kind)))
        self.name.setText(spec.name)
        self.address.setText(spec.address)
        params = dict(spec.parameters)
        owners = params.pop("owners", [])
        query = params.pop("query", "")
        self.main.setText(", ".join(str(o) for o in owners) if spec.kind == "vk_wall" else str(query))
        point = [params.pop(k) for k in ("latitude", "longitude", "radius_km") if k in params]
        self.point.setText(", ".join(str(p) for p in point))
        self.extra.setPlainText(json.dumps(params, ensure_ascii=False) if params else "")
        self.interval.setValue(spec.interval_s)
        self.enabled.setChecked(spec.enabled)
        self.secret.setPlaceholderText("не менять" if spec.id is not None else "")
        self._on_kind_changed()

    def _on_kind_changed(self) -> None:
        kind = str(self.kind.currentData())
        self.hint.setText(HINTS.get(kind, ""))
        self.main_label.setText("Сообщества" if kind == "vk_wall" else "Ключевые слова")
        self.main.setEnabled(kind in ("vk_wall", "vk_search"))
        self.point.setEnabled(kind == "vk_search")

    def spec(self) -> SourceSpec:
        """The source as entered (``SourceConfigError`` for parameters that are not JSON)."""
        kind = str(self.kind.currentData())
        try:
            params = json.loads(self.extra.toPlainText() or "{}")
        except ValueError as exc:
            raise SourceConfigError("дополнительные параметры должны быть объектом JSON") from exc
        if not isinstance(params, dict):
            raise SourceConfigError("дополнительные параметры должны быть объектом JSON")
        if kind == "vk_wall":
            params["owners"] = [p.strip() for p in self.main.text().replace(";", ",").split(",") if p.strip()]
        elif kind == "vk_search":
            params["query"] = self.main.text().strip()
            params.update(_point(self.point.text()))
        old_id = self.original.id if self.original else None
        return SourceSpec(kind, self.name.text().strip(), self.address.text().strip(), params,
                          self.interval.value(), self.enabled.isChecked(), old_id)

    def new_secret(self) -> str | None:
        return self.secret.text() or None


def _point(text: str) -> dict[str, float]:
    parts = [p.strip().replace(",", ".") for p in text.replace(";", ",").split(",") if p.strip()]
    if not parts:
        return {}
    try:
        numbers = [float(p) for p in parts]
    except ValueError as exc:
        raise SourceConfigError("точка и радиус: три числа — широта, долгота, радиус в км") from exc
    return dict(zip(("latitude", "longitude", "radius_km"), numbers, strict=False))


class _Relay(QObject):
    tested = Signal(str, str)  # source name, result line


class SourcesPanel(QWidget):
    """The list of sources with their health, and the actions on them."""

    changed = Signal()  # sources were added, edited or removed (the runner reloads)
    pollRequested = Signal(int)  # noqa: N815 — a source id to poll now

    def __init__(self, core: Core | CoreBridge, worker: DbWorker | None = None, parent: QWidget | None = None) -> None:
        """``core``: the core, or the window's ``CoreBridge`` (then announced source changes refresh the list);
        ``worker``: the window's database worker (without one the panel runs its own)."""
        super().__init__(parent)
        self.bridge = core if isinstance(core, CoreBridge) else None
        self.core = core.core if isinstance(core, CoreBridge) else core
        self.worker = worker if worker is not None else _own_worker(self)
        if self.bridge is not None:
            self.bridge.changed.connect(self._on_core_changed)
        self.specs: list[SourceSpec] = []
        self.health: dict[int, FeedHealth] = {}
        self._relay = _Relay(self)
        self._relay.tested.connect(self._on_test_finished)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column in (0, 1, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.status = _plain("")
        self.buttons = {name: QPushButton(name, self) for name in
                        ("Добавить…", "Изменить…", "Удалить", "Проверить связь", "Опросить сейчас")}
        self._build()
        self.refresh()

    def _build(self) -> None:
        row = QHBoxLayout()
        for button in self.buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.status)
        actions = (self._on_add_clicked, self._on_edit_clicked, self._on_remove_clicked, self._on_test_clicked,
                   self._on_poll_clicked)
        for button, action in zip(self.buttons.values(), actions, strict=True):
            button.clicked.connect(action)
        self.table.itemDoubleClicked.connect(lambda _item: self._on_edit_clicked())

    # data ----------------------------------------------------------------------------
    def _on_core_changed(self, changes: Changes) -> None:
        if Kind.SOURCES in changes.kinds:
            self.refresh()

    def refresh(self) -> None:
        """Read the sources and their health again (on the worker)."""
        store = self.core.store

        def load() -> tuple[list[SourceSpec], dict[int, FeedHealth]]:
            specs = list_sources(store)
            return specs, {s.id: source_health(store, s) for s in specs if s.id is not None}

        self.worker.run(load, self._on_loaded, self._on_failed, owner=self)

    def _on_loaded(self, loaded: tuple[list[SourceSpec], dict[int, FeedHealth]]) -> None:
        self.specs, self.health = loaded
        self.table.setRowCount(len(self.specs))
        for row, spec in enumerate(self.specs):
            self._show_row(row, spec)
        if not self.specs:
            self.status.setText("Источников нет: добавьте VK, Telegram, RSS, Open311, CAP или JSON-ленту")

    def _show_row(self, row: int, spec: SourceSpec) -> None:
        health = self.health.get(spec.id or -1)
        state = health.label if health is not None else "ожидание первого опроса"
        cells = (spec.name, KINDS.get(spec.kind, spec.kind), state, f"раз в {spec.interval_s:g} с",
                 "включён" if spec.enabled else "выключен")
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column == 2 and health is not None and health.is_warning:
                item.setForeground(Qt.GlobalColor.darkRed)
            self.table.setItem(row, column, item)

    def show_health(self, source_id: int, health: FeedHealth) -> None:
        """Show fresh health of one source (the runner's signal)."""
        self.health[source_id] = health
        for row, spec in enumerate(self.specs):
            if spec.id == source_id:
                self._show_row(row, spec)

    def _selected(self) -> SourceSpec | None:
        rows = self.table.selectionModel().selectedRows()
        return self.specs[rows[0].row()] if rows and rows[0].row() < len(self.specs) else None

    def _on_failed(self, exc: BaseException) -> None:
        self.status.setText(f"Ошибка: {exc}")

    # actions -------------------------------------------------------------------------
    def _on_add_clicked(self) -> None:
        self._edit(None)

    def _on_edit_clicked(self) -> None:
        spec = self._selected()
        if spec is not None:
            self._edit(spec)

    def _edit(self, spec: SourceSpec | None) -> None:
        dialog = SourceDialog(spec, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                entered, secret = dialog.spec(), dialog.new_secret()
            except SourceConfigError as exc:
                QMessageBox.warning(self, "Источник", str(exc))
                continue
            self._save(entered, secret)
            return

    def _save(self, spec: SourceSpec, secret: str | None) -> None:
        store = self.core.store
        self.worker.run(lambda: _announced(self.core, save_source(store, spec, secret, SECRETS)), self._on_saved,
                        self._on_failed, owner=self)

    def _on_saved(self, spec: SourceSpec) -> None:
        self.status.setText(f"Источник «{spec.name}» сохранён")
        self.changed.emit()
        if self.bridge is None:
            self.refresh()

    def _on_remove_clicked(self) -> None:
        spec = self._selected()
        if spec is None or spec.id is None:
            return
        answer = QMessageBox.question(self, "Удалить источник",
                                      f"Удалить источник «{spec.name}»? Его сообщения останутся в базе.")
        if answer == QMessageBox.StandardButton.Yes:
            store, source_id = self.core.store, spec.id
            self.worker.run(lambda: _announced(self.core, delete_source(store, source_id)),
                            lambda _r: self._on_removed(spec),
                            self._on_failed, owner=self)

    def _on_removed(self, spec: SourceSpec) -> None:
        self.status.setText(f"Источник «{spec.name}» удалён")
        self.changed.emit()
        if self.bridge is None:
            self.refresh()

    def _on_test_clicked(self) -> None:
        spec = self._selected()
        if spec is None or spec.id is None:
            return
        self.status.setText(f"Проверка связи с «{spec.name}»…")
        full = replace(spec, secret=SECRETS.get(spec.id))
        threading.Thread(target=lambda: self._relay.tested.emit(spec.name, check_source(full)), daemon=True).start()

    def _on_test_finished(self, name: str, line: str) -> None:
        self.status.setText(f"«{name}»: {line}")

    def _on_poll_clicked(self) -> None:
        spec = self._selected()
        if spec is not None and spec.id is not None:
            self.pollRequested.emit(spec.id)
            self.status.setText(f"«{spec.name}»: опрос запрошен")


def _announced(core: Core, value: T) -> T:
    """Tell the views (other panels, other windows of this seat) that the sources changed; returns ``value``."""
    core.hub.publish(Changes.of(Kind.SOURCES))
    return value


def _own_worker(panel: QWidget) -> DbWorker:
    """A worker for a panel built without the window's; shut down with the panel."""
    worker = DbWorker()
    panel.destroyed.connect(lambda *_: worker.shutdown())
    return worker
