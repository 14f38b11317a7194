"""The operational map panel: map view, layer switcher, category filter, period bar, details.

Period and categories are the core's view state (``core.view``): the panel writes what
the operator picks and redraws whatever the view state says. It listens to the core's
announcements itself: new and edited messages, incidents, assistance points, the pack.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCursor, QImage
from PySide6.QtWidgets import QHBoxLayout, QMenu, QPlainTextEdit, QSplitter, QToolButton, QVBoxLayout, QWidget

from app.categories import CATEGORIES, label
from app.common.changes import Changes, Kind
from app.common.timeutil import to_local
from app.core import Core, View
from app.ops.assistance import KINDS, STATUSES, AssistanceRow, list_points
from app.ops.overlays import list_overlays
from app.queries.map import MapWindow, choropleth, incident_detail, incidents_in, message_detail, window_points
from app.queries.messages import MessageRow, messages_by_ids
from app.queries.warnings import active_warnings
from app.region import RegionPack, region_bounds
from app.region.tiles import TilesError, open_tiles
from maps.page.build import MapSpec, spec_for
from maps.page.script import script_json
from maps.qt.view import MapView
from maps.qt.web import WebContext
from widgets.map.period import PeriodBar
from widgets.tasks.core_bridge import Coalescer, CoreBridge
from widgets.tasks.worker import DbWorker

LAYERS = (("messages", "Сообщения (кластеры)", True), ("heat", "Тепловая карта", False),
          ("incidents", "Инциденты", True), ("choropleth", "Муниципалитеты: на 1000 жителей", True),
          ("assistance", "Пункты помощи", True), ("basemap", "Побережье и реки", True),
          ("settlements", "Населённые пункты", True))
LAYERS_DELAY_MS = 1500  # coalesce layer reloads during bursts
NOTHING = frozenset({"-"})  # no category ticked: show none
RUSSIA_BOUNDS = (41.2, 19.6, 81.9, 180.0)  # south, west, north, east: Kaliningrad to Chukotka
WARNINGS_MS = 60_000  # warnings begin and expire with the clock: re-read them every minute


def basemap_spec(core: Core, context: WebContext) -> tuple[MapSpec, str | None]:
    """The region's page with the configured raster (a tiles file, else an explicit online URL); an error or None.

    Read when a map is built: the settings dialog says that a changed basemap needs a restart.
    """
    settings = core.settings
    if settings.mbtiles_path:
        try:
            tiles = open_tiles(settings.mbtiles_path)
        except TilesError as exc:
            return spec_for(core.region), f"Подложка не подключена: {exc}"
        context.handler.set_tiles(tiles)
        return spec_for(core.region, raster_maxzoom=tiles.maxzoom), None
    if settings.online_tiles_url:
        context.guard.allow_online_tiles(settings.online_tiles_url)
        return spec_for(core.region, online_tiles=settings.online_tiles_url), None
    return spec_for(core.region), None


class MapPanel(QWidget):
    """Map plus controls over ``core`` (its clock, view state and announcements)."""

    packLoaded = Signal(object)  # noqa: N815 (Qt signal naming) — a RegionPack
    packFailed = Signal(str)  # noqa: N815 — Russian message
    detailsShown = Signal(str)  # noqa: N815 — the side panel's text
    assistanceRequested = Signal(float, float)  # noqa: N815 — «add a point here»: lat, lon

    def __init__(self, core: Core, context: WebContext, worker: DbWorker, spec: MapSpec | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core, self.store, self.worker = core, core.store, worker
        self.spec, self.raster_error = (spec, None) if spec is not None else basemap_spec(core, context)
        self.view = MapView(context, self.spec, self)
        self.details = QPlainTextEdit()  # plain text: public text never renders as markup
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("Щёлкните сообщение, инцидент или пункт помощи на карте")
        self.pack: RegionPack | None = None
        self._assistance: dict[int, AssistanceRow] = {}
        self.warnings: list = []
        self._context_at: tuple[float, float] | None = None
        self.context_menu = QMenu(self)
        self.context_place = self.context_menu.addAction("")
        self.context_place.setEnabled(False)
        self.add_point_action = self.context_menu.addAction("Добавить пункт помощи здесь")
        self.add_point_action.triggered.connect(self._on_add_point_triggered)
        self.period = PeriodBar(core, self)
        self.status = self.period.status
        self._build()
        self._connect_bridge()
        self._layers = Coalescer(lambda _changes: self.refresh_layers(), LAYERS_DELAY_MS, self)
        self.bridge = CoreBridge(core, self)
        self.bridge.changed.connect(self._on_core_changed)
        self.bridge.viewChanged.connect(self._on_view_changed)
        self.period.cursorMoved.connect(self._on_playback_moved)
        self.warnings_timer = QTimer(self, interval=WARNINGS_MS)
        self.warnings_timer.timeout.connect(self.refresh_warnings)
        self.warnings_timer.start()

    @property
    def clock(self) -> object:
        return self.core.clock

    # ----- layout -----
    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self._layer_button())
        bar.addWidget(self._category_button())
        bar.addWidget(self.period)
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

    # ----- the period and categories: the core's view state -----
    def current_window(self) -> MapWindow:
        """What the map shows: the playback's growing window, else the view state's period."""
        playing = self.period.playback_window()
        if playing is not None:
            return playing
        view = self.core.view.view
        return MapWindow(*view.window(self.core.clock.now()), view.categories)  # type: ignore[attr-defined]

    def _on_view_changed(self, view: View) -> None:
        self.period.show_view(view)
        self._show_categories(view.categories)
        window = self.current_window()
        if not view.live:
            self._load_points(window)
        self.view.set_filter(window)
        self.refresh_layers()

    def _show_categories(self, chosen: frozenset[str]) -> None:
        for action in self.category_menu_button.menu().actions():
            action.blockSignals(True)
            action.setChecked(not chosen or str(action.data()) in chosen)
            action.blockSignals(False)

    def _on_playback_moved(self, window: MapWindow) -> None:
        self.view.set_filter(window)

    def _on_layer_toggled(self, on: bool) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.view.set_layer_visible(str(action.data()), on)

    def _on_category_toggled(self, _on: bool) -> None:
        menu = self.category_menu_button.menu()
        chosen = frozenset(str(a.data()) for a in menu.actions() if a.isChecked())
        self.core.view.set_categories(frozenset() if len(chosen) == len(CATEGORIES) else chosen or NOTHING)

    # ----- data -----
    def load_window(self) -> None:
        """Read the window's messages and the pack (off the UI thread) and show them."""
        window = self.current_window()
        self._load_points(window)
        self.view.set_filter(window)
        self.show_pack(self.core.pack)
        self.refresh_layers()
        self.refresh_overlays()
        self.refresh_warnings()

    def refresh_overlays(self) -> None:
        """Show the imported overlay layers (after one was imported, changed or removed)."""
        self.worker.run(lambda: list_overlays(self.store), self.view.set_overlays, owner=self)

    def refresh_warnings(self) -> None:
        """Show the official warnings in force now by the core's clock."""
        store, now = self.store, self.core.clock.now()
        self.worker.run(lambda: active_warnings(store, now), self._on_warnings_loaded, owner=self)

    def _on_warnings_loaded(self, rows: list) -> None:
        self.warnings = rows
        self.view.set_warnings(rows)

    def _load_points(self, window: MapWindow) -> None:
        period = MapWindow(window.start, window.end)  # every category: the page filters
        self.worker.run(lambda: window_points(self.store, period), self.view.add_messages, owner=self)

    def _on_core_changed(self, changes: Changes) -> None:
        if changes.touches(Kind.MESSAGES_ADDED) and changes.message_ids:
            self._read(changes.message_ids, self._on_rows_arrived)
        elif changes.touches(Kind.MESSAGES_EDITED) and changes.message_ids:
            self._read(changes.message_ids, self.view.update_messages)
        if changes.touches(Kind.PACK):
            self.show_pack(self.core.pack)
        if changes.touches(Kind.REGION):
            self.frame_region()
        if changes.touches(Kind.OVERLAYS):
            self.refresh_overlays()
        if changes.touches(Kind.WARNINGS):
            self.refresh_warnings()
        if changes.touches(Kind.MESSAGES_ADDED, Kind.MESSAGES_EDITED, Kind.INCIDENTS, Kind.ASSISTANCE):
            self._layers.add(changes)

    def _read(self, ids: frozenset[int], show: Callable[[list[MessageRow]], None]) -> None:
        wanted = sorted(ids)
        self.worker.run(lambda: messages_by_ids(self.store, wanted), show, owner=self)

    def _on_rows_arrived(self, rows: list[MessageRow]) -> None:
        """Live appends; a live window slides with the clock."""
        self.view.add_messages(rows)
        if self.core.view.view.live and not self.period.playing:
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

    def frame_region(self) -> None:
        """Fit the map to the region's outline (after the region changed)."""
        region = self.core.region
        bounds = (region_bounds(region.code) or region.fallback_bounds()) if region else None
        if bounds:
            self.view.fit_bounds(*bounds)

    def frame_subject(self, code: str) -> None:
        """Fit the map to federal subject ``code`` (the federal view's double click)."""
        bounds = region_bounds(code)
        if bounds:
            self.view.fit_bounds(*bounds)

    def frame_russia(self) -> None:
        """The whole country (the federal view's «Вся Россия»)."""
        self.view.fit_bounds(*RUSSIA_BOUNDS)

    # ----- the region pack -----
    def load_region_pack(self, path: str, population: str | None = None) -> None:
        """Load, remember and apply a pack through the core; its announcement draws it (or ``packFailed``)."""
        core = self.core
        self.worker.run(lambda: core.load_pack(path, population), None, lambda exc: self.packFailed.emit(str(exc)),
                        owner=self)

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
        """Replay [start, end): the view goes into that period, the map's window grows at ``speed`` × real time."""
        period = MapWindow(start, end)
        self.worker.run(lambda: window_points(self.store, period), self.view.add_messages, owner=self)
        self.period.play(start, end, speed)

    def stop_playback(self) -> None:
        """Stop the replay; the view follows the present again."""
        self.period.stop_playback()

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
    return script_json(text)

