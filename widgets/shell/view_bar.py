"""The window's one strip for what is shown: live or history, the period, the categories, the active filters.

«● ОНЛАЙН» while the views follow the present, «⏸ ИСТОРИЯ на 20:24» (the end of the shown
period, or the playback's cursor) otherwise, with «к текущему времени» to return, as
Grafana's time picker does. Each active filter (a category, a place, a period chosen on
the chart) is a chip with ✕ that removes it. Everything reads and writes ``core.view``.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from app.categories import label
from app.common.timeutil import as_utc, to_local
from app.core import Core, View
from app.queries.map import MapWindow
from widgets.map.period import PeriodBar
from widgets.tasks.core_bridge import CoreBridge

ONLINE = "● ОНЛАЙН"
ONLINE_STYLE = "color: #1b5e20; font-weight: 700; padding: 0 6px;"
HISTORY_STYLE = "color: #ffffff; background: #e65100; font-weight: 700; padding: 2px 6px; border-radius: 4px;"
CHIP_STYLE = ("QToolButton { background: #e3f2fd; border: 1px solid #90caf9; border-radius: 10px; padding: 1px 8px; }"
              "QToolButton:hover { background: #bbdefb; }")


def history_text(moment: datetime, now: datetime) -> str:
    """«⏸ ИСТОРИЯ на 20:24» (with the date when that is not today in the region)."""
    local = to_local(moment)
    same_day = local.date() == to_local(now).date()
    return f"⏸ ИСТОРИЯ на {local:%H:%M}" if same_day else f"⏸ ИСТОРИЯ на {local:%d.%m %H:%M}"


def period_text(view: View) -> str:
    """«14:00–15:00» or «03.12 14:00 – 04.12 15:00» for a history period."""
    assert view.start is not None and view.end is not None
    start, end = to_local(view.start), to_local(view.end)
    if start.date() == end.date() or (end - start).total_seconds() <= 3600:
        return f"{start:%d.%m %H:%M}–{end:%H:%M}"
    return f"{start:%d.%m %H:%M} – {end:%d.%m %H:%M}"


def categories_text(codes: frozenset[str]) -> str:
    names = sorted(label(code) for code in codes if code != "-")
    if not names:
        return "Категории: ни одной"
    return "Категория: " + names[0] if len(names) == 1 else f"Категории: {', '.join(names[:3])}" + (
        f" и ещё {len(names) - 3}" if len(names) > 3 else "")


class LiveBadge(QWidget):
    """The live/history label and the «к текущему времени» button."""

    def __init__(self, core: Core, period: PeriodBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core, self.period = core, period
        self.label = QLabel(ONLINE)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.back = QPushButton("к текущему времени")
        self.back.setToolTip("Вернуться к текущему времени: карта, список, график и показатели — онлайн")
        self.back.clicked.connect(self.go_live)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.back)
        period.cursorMoved.connect(self._on_cursor_moved)
        self.show_view(core.view.view)

    @property
    def live(self) -> bool:
        return self.label.text() == ONLINE

    def go_live(self) -> None:
        if self.period.playing:
            self.period.stop_playback()
        self.core.view.go_live()

    def show_view(self, view: View) -> None:
        if view.live:
            self.label.setText(ONLINE)
            self.label.setStyleSheet(ONLINE_STYLE)
            self.label.setToolTip("Все панели показывают текущие данные и обновляются сами")
        else:
            assert view.end is not None
            self._show_history(view.end)
            return
        self.back.setVisible(False)

    def _show_history(self, moment: datetime) -> None:
        self.label.setText(history_text(moment, self.core.clock.now()))
        self.label.setStyleSheet(HISTORY_STYLE)
        self.label.setToolTip("Панели показывают прошедший период и не обновляются новыми сообщениями")
        self.back.setVisible(True)

    def _on_cursor_moved(self, window: MapWindow) -> None:
        if self.period.playing:
            self._show_history(as_utc(window.end))


class FilterChips(QWidget):
    """One chip per active filter; its ✕ removes that filter from the view state."""

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.chips: list[QToolButton] = []
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.show_view(core.view.view)

    def texts(self) -> list[str]:
        return [chip.text() for chip in self.chips]

    def show_view(self, view: View) -> None:
        for chip in self.chips:
            chip.deleteLater()
        self.chips = []
        if view.categories:
            self._chip(categories_text(view.categories), lambda: self.core.view.set_categories(()))
        if view.municipality:
            self._chip(f"Место: {view.municipality}", lambda: self.core.view.set_municipality(None))
        if not view.live:
            self._chip(f"Период: {period_text(view)}", self.core.view.go_live)

    def _chip(self, text: str, remove: object) -> None:
        chip = QToolButton(self)
        chip.setText(f"{text}  ✕")
        chip.setToolTip("Снять этот фильтр")
        chip.setStyleSheet(CHIP_STYLE)
        chip.clicked.connect(remove)  # type: ignore[arg-type]
        self._layout.addWidget(chip)
        self.chips.append(chip)


class ViewBar(QWidget):
    """Badge, period bar, category menu and chips in one row, following ``core.view``."""

    def __init__(self, core: Core, period: PeriodBar, categories: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.badge, self.chips = LiveBadge(core, period, self), FilterChips(core, self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        for widget in (self.badge, period, categories, self.chips):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.bridge = CoreBridge(core, self)
        self.bridge.viewChanged.connect(self._on_view_changed)

    def _on_view_changed(self, view: View) -> None:
        self.badge.show_view(view)
        self.chips.show_view(view)
