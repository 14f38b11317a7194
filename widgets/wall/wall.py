"""The wall display: map, hourly chart, KPI tiles, ticker, clock; a playlist of views.

It follows the core: new messages announced by the core reach its map, chart and
tiles; the region names the title, frames the overview and gives the local time of
the clock and the figures; the crisis and the working calendar come from the settings.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from app.analytics.hourly import HourlySeries, hourly_counts, last_hours_window
from app.common.changes import Changes, Kind
from app.common.timeutil import to_local
from app.core import Core
from app.intake.feed_state import FeedHealth
from app.queries.messages import MessageRow, messages_by_ids, messages_in
from app.store import Store
from app.wall.playlist import VIEW_TITLES, Playlist
from app.wall.public import public_row
from app.wall.snapshot import WallSnapshot, wall_snapshot
from maps.qt.view import MapView
from maps.qt.web import WebContext
from widgets.analytics.hourly_chart import HourlyChart
from widgets.map.map_panel import basemap_spec
from widgets.tasks.core_bridge import Coalescer, CoreBridge
from widgets.tasks.worker import DbWorker
from widgets.wall.panels import ElidedLabel, KpiTiles, SlidePanel, briefing_lines, focus_lines, plain, ticker_text
from widgets.wall.theme import STYLESHEET, WALL_PANEL

TICK_MS = 1000
TICKER_EVERY = 6  # seconds per ticker line
FIGURES_EVERY = 60  # seconds between refreshes of the figures without news
REFRESH_DELAY_MS = 1000  # coalesce refreshes during bursts
WALL_WINDOW = timedelta(hours=24)  # the wall shows a day; older markers are dropped
NO_FEED = "Лента не настроена"
NO_DATA = "Нет данных за 24 часа"


class WallWindow(QWidget):
    """Unattended display; staleness and alerts are shown as banners, never hidden."""

    def __init__(self, core: Core, context: WebContext, worker: DbWorker, playlist: Playlist | None = None) -> None:
        super().__init__()
        region = core.region.name if core.region else "Регион не выбран"
        self.setObjectName("WallWindow")
        self.setWindowTitle(f"Оперштаб — {region}")
        self.setStyleSheet(STYLESHEET)
        self.core, self.store, self.worker, self.playlist = core, core.store, worker, playlist or Playlist()
        self.spec, _error = basemap_spec(core, context)
        self.snapshot: WallSnapshot | None = None
        self.feed_configured = bool(core.settings.feed_url)  # the live source says so too (set_feed_configured)
        self._ticker_rows: tuple[MessageRow, ...] = ()
        self._ticks = 0
        self._build(context, region)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()
        self._coalescer = Coalescer(lambda _changes: self.refresh(), REFRESH_DELAY_MS, self)
        self.bridge = CoreBridge(core, self)
        self.bridge.changed.connect(self._on_core_changed)

    @property
    def clock(self) -> Any:
        return self.core.clock

    def _build(self, context: WebContext, region: str) -> None:
        self.region_label = self._label(region, "WallRegion")
        self.view_title = self._label(VIEW_TITLES[self.playlist.current.view], "WallViewTitle")
        self.clock_label = plain(QLabel(to_local(self.clock.now()).strftime("%H:%M")), "WallClock")  # never cut
        self.feed_note = self._label(NO_FEED, "WallFeedNote", visible=False)
        self.stale_banner = self._label("", "StaleBanner", visible=False)
        self.alert_banner = self._label("", "AlertBanner", visible=False)
        self.ticker = self._label("", "Ticker")
        self.empty_title = plain(QLabel(), "WallEmpty", wrap=True)
        self.empty_text = plain(QLabel(), "WallEmptyText", wrap=True)
        self.map_view = MapView(context, self.spec, parent=self)
        self.chart = HourlyChart()
        self.chart.setBackground(WALL_PANEL)
        self.chart.setTitle("Сообщения по часам", color="#f2f4f8", size="14pt")
        self.tiles = KpiTiles()
        self.focus_panel, self.briefing_panel = SlidePanel(), SlidePanel()
        self.side = QStackedWidget()
        self.side.addWidget(self._overview_panel())
        self.side.addWidget(self.focus_panel)
        self.side.addWidget(self.briefing_panel)
        self.setLayout(self._layout())

    def _label(self, text: str, name: str, visible: bool = True) -> ElidedLabel:
        """One line of plain text, cut with «…»: nothing it says can widen the wall."""
        label = ElidedLabel(text)
        label.setObjectName(name)
        label.setVisible(visible)
        return label

    def _overview_panel(self) -> QWidget:
        self.figures_box, self.empty_box = QWidget(), QWidget()
        figures = QVBoxLayout(self.figures_box)
        figures.addWidget(self.tiles, 1)
        figures.addWidget(self.chart, 1)
        empty = QVBoxLayout(self.empty_box)
        empty.addStretch(1)
        empty.addWidget(self.empty_title)
        empty.addWidget(self.empty_text)
        empty.addStretch(2)
        self.empty_box.setVisible(False)
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.figures_box, 1)
        layout.addWidget(self.empty_box, 1)
        return panel

    def _layout(self) -> QVBoxLayout:
        top = self.top_bar = QHBoxLayout()
        top.addWidget(self.region_label, 3)
        top.addWidget(self.view_title, 2)
        top.addWidget(self.feed_note, 2)
        top.addWidget(self.clock_label, 0)
        body = QHBoxLayout()
        body.addWidget(self.map_view, 62)
        body.addWidget(self.side, 38)
        layout = QVBoxLayout()
        for part in (top, self.stale_banner, self.alert_banner, body, self.ticker):
            (layout.addLayout if isinstance(part, QHBoxLayout) else layout.addWidget)(part)
        layout.setStretch(3, 1)
        return layout

    # live data
    def load(self) -> None:
        """The last day's messages on the map, then the figures (off the UI thread)."""
        now = self.clock.now()
        store = self.store
        self.worker.run(lambda: messages_in(store, now - WALL_WINDOW, now), self._on_rows, owner=self)
        self.refresh()

    def _on_core_changed(self, changes: Changes) -> None:
        if changes.touches(Kind.MESSAGES_ADDED) and changes.message_ids:
            ids, store = sorted(changes.message_ids), self.store
            self.worker.run(lambda: messages_by_ids(store, ids), self._on_rows, owner=self)
        if changes.touches(Kind.MESSAGES_ADDED, Kind.MESSAGES_EDITED, Kind.SETTINGS, Kind.CRISIS, Kind.PACK):
            self._coalescer.add(changes)

    def _on_rows(self, rows: list[MessageRow]) -> None:
        start = self.clock.now() - WALL_WINDOW
        self.map_view.prune_before(start)
        self.map_view.add_messages([public_row(row) for row in rows if row.published_at >= start])

    def refresh(self) -> None:
        """Figures, chart and ticker at the clock's now, with the settings' crisis and calendar."""
        now, store = self.clock.now(), self.store
        crisis, calendar = self.core.crisis(), self.core.calendar()
        self.worker.run(lambda: (wall_snapshot(store, now, crisis.start, calendar), _day_counts(store, now)),
                        self._on_snapshot, owner=self)

    def _on_snapshot(self, loaded: tuple[WallSnapshot, HourlySeries]) -> None:
        snap, counts = loaded
        self.chart.set_series(counts)
        self.snapshot = snap
        self._ticker_rows = snap.ticker
        self.tiles.show_snapshot(snap)
        self.show_alerts(list(snap.alerts))
        self._show_empty_state()
        if snap.ticker and (not self.ticker.text() or self.ticker.text() in (NO_FEED, NO_DATA)):
            self._show_ticker(0)

    # empty states: say plainly that nothing is known, never show calm zeros
    def empty_state(self) -> tuple[str, list[str]] | None:
        """(title, lines) when the wall has nothing to show: no feed and no data, or no data in 24 h."""
        if self.snapshot is None or self.snapshot.last_day:
            return None
        if not self.feed_configured:
            return NO_FEED, ["Источник сообщений не подключён: укажите ленту в настройках или загрузите файлы."]
        return NO_DATA, ["Источник подключён, но за последние 24 часа сообщений не поступало."]

    def set_feed_configured(self, configured: bool) -> None:
        """Whether a live source (feed, demo or scenario) feeds this wall; the shell says so at start."""
        self.feed_configured = configured
        self._show_empty_state()

    def _show_empty_state(self) -> None:
        empty, snap = self.empty_state(), self.snapshot
        if snap is not None:
            self.focus_panel.show_lines(*(empty or focus_lines(snap)))
            self.briefing_panel.show_lines(*(empty or briefing_lines(snap)))
        self.figures_box.setVisible(empty is None)
        self.empty_box.setVisible(empty is not None)
        self.feed_note.setVisible(not self.feed_configured and empty is None)
        if empty is not None:
            self.empty_title.setText(empty[0])
            self.empty_text.setText(" ".join(empty[1]))
            self.ticker.setText(empty[0])

    # banners
    def set_feed_state(self, stale: bool, since: datetime | None) -> None:
        """Red banner while the feed has not succeeded within its threshold."""
        if stale:
            when = to_local(since).strftime("%H:%M %d.%m") if since else "запуска"
            self.stale_banner.setText(f"НЕТ НОВЫХ ДАННЫХ от источника с {when} — картина может быть устаревшей")
        self.stale_banner.setVisible(stale)

    def show_connection(self, indicator: QWidget) -> None:
        """The shared-database connection state, next to the clock."""
        self.top_bar.insertWidget(self.top_bar.count() - 1, indicator)

    def set_feed_health(self, health: FeedHealth) -> None:
        """The banner follows the feed: stale when no poll succeeded within its threshold."""
        if not self.feed_configured:
            self.set_feed_configured(True)
        self.set_feed_state(health.state == "stale", health.last_success_at)

    def show_alerts(self, texts: list[str]) -> None:
        self.alert_banner.setText("  •  ".join(texts[:3]))
        self.alert_banner.setVisible(bool(texts))

    # playlist and clock
    def _on_timer_timeout(self) -> None:
        self._ticks += 1
        self.clock_label.setText(to_local(self.clock.now()).strftime("%H:%M"))
        if self.playlist.advance(TICK_MS / 1000):
            self._show_view()
        if self._ticks % FIGURES_EVERY == 0:
            self.refresh()  # figures age with the clock even when nothing arrives
        if self._ticks % TICKER_EVERY == 0 and self._ticker_rows:
            self._show_ticker(self._ticks // TICKER_EVERY)

    def _show_ticker(self, index: int) -> None:
        self.ticker.setText(ticker_text(self._ticker_rows[index % len(self._ticker_rows)]))

    def _show_view(self) -> None:
        view = self.playlist.current.view
        self.side.setCurrentIndex(("overview", "focus", "briefing").index(view))
        title = VIEW_TITLES[view] + (" (пауза)" if self.playlist.paused else "")
        self.view_title.setText(title)
        spot = self.snapshot.hotspot if self.snapshot else None
        if view == "focus" and spot:
            self.map_view.fly_to(spot.lat, spot.lon, 11)
        elif view == "overview":
            self.map_view.fly_to(*self.spec.center, self.spec.zoom)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        key = event.key()
        if key == Qt.Key.Key_Space:
            self.playlist.toggle_pause()
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_PageDown):
            self.playlist.skip(1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_PageUp):
            self.playlist.skip(-1)
        elif key == Qt.Key.Key_F11:
            self.showNormal() if self.isFullScreen() else self.showFullScreen()
            return
        else:
            super().keyPressEvent(event)
            return
        self._show_view()


def _day_counts(store: Store, now: datetime) -> HourlySeries:
    return hourly_counts(store, *last_hours_window(now))
