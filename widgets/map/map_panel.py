"""The operational map panel: map view, layer switcher, category filter, time window, playback, details.

The time window is the panel's own state; ``windowChanged`` carries it so the main
window can drive the hourly chart and the message list from the same period.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCursor, QImage
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.categories import CATEGORIES, label
from app.common.timeutil import as_utc, to_local
from app.core import Core
from app.ops.assistance import KINDS, STATUSES, AssistanceRow, list_points
from app.queries.map import MapWindow, choropleth, incident_detail, incidents_in, message_detail, window_points
from app.queries.messages import MessageRow
from app.region import RegionPack
from maps.page.build import MapSpec, spec_for
from maps.qt.view import MapView
from maps.qt.web import WebContext
from widgets.tasks.worker import DbWorker

LAYERS = (("messages", "Сообщения (кластеры)", True), ("heat", "Тепловая карта", False),
          ("incidents", "Инциденты", True), ("choropleth", "Муниципалитеты: на 1000 жителей", True),
          ("assistance", "Пункты помощи", True), ("basemap", "Побережье и реки", True),
          ("settlements", "Населённые пункты", True))
WINDOWS = (("1 ч", 1), ("6 ч", 6), ("24 ч", 24), ("Период…", 0))
SPEEDS = (("×60", 60), ("×600", 600), ("×3600", 3600))
PLAYBACK_TICK_MS = 250


class MapPanel(QWidget):
    """Map plus controls. ``clock`` has ``now() -> aware datetime`` (scenario or wall clock)."""

    windowChanged = Signal(object)  # noqa: N815 (Qt signal naming) — a MapWindow
    packLoaded = Signal(object)  # noqa: N815 — a RegionPack
    packFailed = Signal(str)  # noqa: N815 — Russian message
    detailsShown = Signal(str)  # noqa: N815 — the side panel's text
    assistanceRequested = Signal(float, float)  # noqa: N815 — «add a point here»: lat, lon

    def __init__(self, core: Core, context: WebContext, worker: DbWorker, spec: MapSpec | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core, self.store, self.worker, self.clock = core, core.store, worker, core.clock
        self.view = MapView(context, spec or spec_for(core.region), self)
        self.details = QPlainTextEdit()  # plain text: public text never renders as markup
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("Щёлкните сообщение, инцидент или пункт помощи на карте")
        self.pack: RegionPack | None = None
        self._hours = 24
        self._categories: frozenset[str] = frozenset()
        self._custom: tuple[datetime, datetime] | None = None
        self._playback: tuple[datetime, datetime, float, datetime] | None = None  # start, end, speed, cursor
        self._assistance: dict[int, AssistanceRow] = {}
        self._context_at: tuple[float, float] | None = None
        self.context_menu = QMenu(self)
        self.context_place = self.context_menu.addAction("")
        self.context_place.setEnabled(False)
        self.add_point_action = self.context_menu.addAction("Добавить пункт помощи здесь")
        self.add_point_action.triggered.connect(self._on_add_point_triggered)
        self._timer = QTimer(self)
        self._timer.setInterval(PLAYBACK_TICK_MS)
        self._timer.timeout.connect(self._on_playback_tick)
        self._build()
        self._connect_bridge()

    # ----- layout -----
    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self._layer_button())
        bar.addWidget(self._category_button())
        self.window_combo = QComboBox()
        for text, hours in WINDOWS:
            self.window_combo.addItem(text, hours)
        self.window_combo.setCurrentIndex(2)
        self.window_combo.currentIndexChanged.connect(self._on_window_combo_changed)
        self.start_edit, self.end_edit = QDateTimeEdit(), QDateTimeEdit()
        for edit in (self.start_edit, self.end_edit):
            edit.setDisplayFormat("dd.MM HH:mm")
            edit.setVisible(False)
            edit.editingFinished.connect(self._on_custom_edited)
        self.play_button = QPushButton("▶ Воспроизвести")
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.speed_combo = QComboBox()
        for text, speed in SPEEDS:
            self.speed_combo.addItem(text, speed)
        self.status = QLabel()
        for widget in (QLabel("Период:"), self.window_combo, self.start_edit, self.end_edit, self.play_button,
                       self.speed_combo, self.status):
            bar.addWidget(widget)
        bar.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.view)
        splitter.addWidget(self.details)
        splitter.setSizes([900, 260])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

    def _menu_button(self, text: str, items: list[tuple[str, str, bool]], slot: object) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        for key, caption, checked in items:
            action = QAction(caption, menu)
            action.setCheckable(True)
            action.setChecked(checked)
            action.setData(key)
            action.toggled.connect(slot)  # type: ignore[arg-type]
            menu.addAction(action)
        button.setMenu(menu)
        return button

    def _layer_button(self) -> QToolButton:
        self.layer_menu_button = self._menu_button("Слои", list(LAYERS), self._on_layer_toggled)
        for name, _caption, on in LAYERS:
            self.view.set_layer_visible(name, on)
        return self.layer_menu_button

    def _category_button(self) -> QToolButton:
        items = [(c.code, c.label, True) for c in CATEGORIES]
        self.category_menu_button = self._menu_button("Категории", items, self._on_category_toggled)
        return self.category_menu_button

    def _connect_bridge(self) -> None:
        bridge = self.view.bridge
        bridge.messageClicked.connect(self._on_message_clicked)
        bridge.incidentClicked.connect(self._on_incident_clicked)
        bridge.assistanceClicked.connect(self._on_assistance_clicked)
        bridge.municipalityClicked.connect(self._on_municipality_clicked)
        bridge.mapContextRequested.connect(self._on_map_context_requested)

    # ----- the time window -----
    def current_window(self) -> MapWindow:
        if self._playback is not None:
            start, _end, _speed, cursor = self._playback
            return MapWindow(start, cursor, self._categories)
        if self._custom is not None:
            return MapWindow(*self._custom, self._categories)
        return MapWindow.last_hours(as_utc(self.clock.now()), self._hours, self._categories)  # type: ignore[attr-defined]

    def set_window(self, hours: float | None = None, start: datetime | None = None, end: datetime | None = None,
                   categories: frozenset[str] | None = None) -> None:
        """Last ``hours``, or the custom period [start, end); categories (empty = all)."""
        if categories is not None:
            self._categories = frozenset(categories)
        if hours:
            self._hours, self._custom = int(hours), None
        elif start is not None and end is not None:
            self._custom = (as_utc(start), as_utc(end))
        self._apply_window()

    def _apply_window(self) -> None:
        window = self.current_window()
        self.view.set_filter(window)
        self.windowChanged.emit(window)
        self.refresh_layers()

    def _on_window_combo_changed(self, index: int) -> None:
        hours = self.window_combo.itemData(index)
        custom = hours == 0
        for edit in (self.start_edit, self.end_edit):
            edit.setVisible(custom)
        if custom:
            window = self.current_window()
            self.start_edit.setDateTime(QDateTime(to_local(window.start).replace(tzinfo=None)))
            self.end_edit.setDateTime(QDateTime(to_local(window.end).replace(tzinfo=None)))
            self._on_custom_edited()
        else:
            self.set_window(hours=hours)

    def _on_custom_edited(self) -> None:
        tz = to_local(as_utc(self.clock.now())).tzinfo  # type: ignore[attr-defined]
        start = self.start_edit.dateTime().toPython().replace(tzinfo=tz)  # type: ignore[union-attr]
        end = self.end_edit.dateTime().toPython().replace(tzinfo=tz)  # type: ignore[union-attr]
        if start < end:
            self.set_window(start=start, end=end)

    def _on_layer_toggled(self, on: bool) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.view.set_layer_visible(str(action.data()), on)

    def _on_category_toggled(self, _on: bool) -> None:
        menu = self.category_menu_button.menu()
        chosen = frozenset(str(a.data()) for a in menu.actions() if a.isChecked())
        self.set_window(categories=frozenset() if len(chosen) == len(CATEGORIES) else chosen or frozenset({"-"}))

    # ----- data -----
    def load_window(self) -> None:
        """Read the window's messages from the database (off the UI thread) and show them."""
        window = self.current_window()
        self.worker.run(lambda: window_points(self.store, MapWindow(window.start, window.end)),
                        self.view.add_messages, owner=self)
        self._apply_window()

    def add_rows(self, rows: list[MessageRow]) -> None:
        """Live appends; a relative window slides with the clock."""
        self.view.add_messages(rows)
        if self._custom is None and self._playback is None:
            self.view.set_filter(self.current_window())

    def refresh_layers(self) -> None:
        """Recompute choropleth, incidents and assistance points for the current window."""
        window, pack = self.current_window(), self.pack
        if pack is not None:
            self.worker.run(lambda: choropleth(self.store, pack, window), self.view.set_choropleth, owner=self)
        self.worker.run(lambda: incidents_in(self.store, window), self.view.set_incidents, owner=self)
        self.reload_assistance()

    def reload_assistance(self) -> None:
        """Read the points of assistance again (after an operator changed them)."""
        self.worker.run(lambda: list_points(self.store), self._on_assistance_loaded, owner=self)

    def _on_assistance_loaded(self, rows: list[AssistanceRow]) -> None:
        self._assistance = {r.id: r for r in rows}
        self.view.set_assistance(rows)

    def load_region_pack(self, path: str, population: str | None = None) -> None:
        """Load, remember and apply a pack through the core; ``packLoaded`` or ``packFailed`` follows."""
        core = self.core

        def job() -> tuple[RegionPack, list]:
            pack = core.load_pack(path, population).pack
            assert pack is not None
            return pack, choropleth(self.store, pack, self.current_window())

        self.worker.run(job, self._on_pack_loaded, lambda exc: self.packFailed.emit(str(exc)), owner=self)

    def show_pack(self, pack: RegionPack | None) -> None:
        """Draw ``pack`` (the core's current one) with the window's choropleth."""
        if pack is None:
            return
        window = self.current_window()
        self.worker.run(lambda: (pack, choropleth(self.store, pack, window)), self._on_pack_loaded, owner=self)

    def _on_pack_loaded(self, result: tuple[RegionPack, list]) -> None:
        self.pack, values = result
        self.view.set_region_pack(self.pack, values)
        self.packLoaded.emit(self.pack)

    # ----- details side panel -----
    def _show_details(self, text: str) -> None:
        self.details.setPlainText(text)
        self.detailsShown.emit(text)

    def _on_message_clicked(self, message_id: int) -> None:
        self.worker.run(lambda: message_detail(self.store, message_id), self._on_message_detail, owner=self)

    def _on_message_detail(self, m: object) -> None:
        if m is None:
            return
        lines = [f"Сообщение №{m.id} · {label(m.category)}", to_local(m.published_at).strftime("%d.%m.%Y %H:%M")
                 + f" · {m.source}", f"Автор: {m.author or '—'}",
                 "Место: " + ", ".join(x for x in (m.municipality, m.settlement, m.address) if x), "", m.text]
        if m.url:
            lines += ["", f"Ссылка: {m.url}"]
        self._show_details("\n".join(lines))

    def _on_incident_clicked(self, incident_id: int) -> None:
        self.worker.run(lambda: incident_detail(self.store, incident_id), self._on_incident_detail, owner=self)

    def _on_incident_detail(self, i: object) -> None:
        if i is not None:
            self._show_details(
                f"Инцидент №{i.id} · {label(i.category)}\nМесто: {i.settlement or i.municipality or '—'}\n"
                f"Сообщений: {i.message_count} · статус: {i.status}\n"
                f"С {to_local(i.first_seen):%d.%m %H:%M} по {to_local(i.last_seen):%d.%m %H:%M}")

    def _on_assistance_clicked(self, point_id: int) -> None:
        p = self._assistance.get(point_id)
        if p is not None:
            self._show_details(f"{KINDS[p.kind]}: {p.name}\nСтатус: {STATUSES[p.status]}\nЧасы: {p.hours or '—'}\n"
                               f"Адрес: {p.address or '—'}\n\n{p.notes or ''}")

    def _on_map_context_requested(self, lat: float, lon: float) -> None:
        # popup(), not exec(): a nested event loop would stall live updates (and tests).
        self._context_at = (lat, lon)
        self.context_place.setText(f"{lat:.5f}, {lon:.5f}")
        self.context_menu.popup(QCursor.pos())

    def _on_add_point_triggered(self) -> None:
        if self._context_at is not None:
            self.assistanceRequested.emit(*self._context_at)

    def _on_municipality_clicked(self, name: str) -> None:
        def show(value: object) -> None:
            v = value or {}
            rate = v.get("rate")  # type: ignore[union-attr]
            self._show_details(f"{name}\nСообщений за период: {v.get('count', 0)}\n"  # type: ignore[union-attr]
                               f"Население: {v.get('population') or 'нет данных'}\n"  # type: ignore[union-attr]
                               f"На 1000 жителей: {'нет данных' if rate is None else f'{rate:.2f}'}")

        self.view.evaluate(f"opershtabLayers.choroplethValue({_js_string(name)})", show)

    # ----- playback and snapshot -----
    def play(self, start: datetime, end: datetime, speed: float) -> None:
        """Replay [start, end): the window grows from ``start`` at ``speed`` × real time."""
        self._playback = (as_utc(start), as_utc(end), speed, as_utc(start))
        self.worker.run(lambda: window_points(self.store, MapWindow(start, end)), self.view.add_messages, owner=self)
        self._apply_window()
        self._timer.start()

    def stop_playback(self) -> None:
        self._timer.stop()
        self._playback = None
        self.play_button.setChecked(False)
        self._apply_window()

    def _on_play_toggled(self, on: bool) -> None:
        if on and self._playback is None:
            window = self.current_window()
            self.play(window.start, window.end, float(self.speed_combo.currentData()))
        elif not on and self._playback is not None:
            self.stop_playback()

    def _on_playback_tick(self) -> None:
        if self._playback is None:
            return
        start, end, speed, cursor = self._playback
        cursor = min(end, cursor + timedelta(milliseconds=PLAYBACK_TICK_MS * speed))
        self._playback = (start, end, speed, cursor)
        self.view.set_filter(self.current_window())
        self.status.setText(to_local(cursor).strftime("Воспроизведение: %d.%m %H:%M"))
        if cursor >= end:
            self._timer.stop()
            self.windowChanged.emit(self.current_window())
            self.refresh_layers()

    def snapshot(self, path: str | Path, extent: tuple[float, float, float, float] | None = None,
                 done: Callable[[bool], None] | None = None) -> None:
        """Save the map as PNG once painted: the current view, or ``extent`` (south, west, north, east)."""
        stale = None
        if extent is not None:
            stale = self.view.grab().toImage()  # the move must show before the grab counts
            self.view.fit_bounds(*extent)

        def save(image: QImage) -> None:
            saved = image.save(str(path), "PNG")
            if done is not None:
                done(saved)

        self.view.grab_settled(save, stale)


def _js_string(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=True)

