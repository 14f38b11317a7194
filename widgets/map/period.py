"""The map's «Период» bar: live periods, a custom range and playback, bound to the core's view state.

The bar writes what the operator picks into ``core.view`` and shows whatever the view
state says (another control may have changed it). Playback moves the view into the
played period (history) and, when it ends or is stopped, back to live.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDateTime, QSignalBlocker, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QDateTimeEdit, QHBoxLayout, QLabel, QPushButton, QWidget

from app.common.timeutil import as_utc, local_zone, to_local
from app.core import LIVE_CHOICES, Core, View
from app.queries.map import MapWindow

CUSTOM = 0  # the combo's data for «Период…»
SPEEDS = (("×60", 60), ("×600", 600), ("×3600", 3600))
PLAYBACK_TICK_MS = 250


class PeriodBar(QWidget):
    """Combo of periods, the custom range, ▶ and its speed; ``cursorMoved(MapWindow)`` while playing."""

    cursorMoved = Signal(object)  # noqa: N815 (Qt signal naming)

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self._playback: list | None = None  # [start, end, speed, cursor]
        self._timer = QTimer(self, interval=PLAYBACK_TICK_MS)
        self._timer.timeout.connect(self._on_playback_tick)
        self._build()
        self.show_view(core.view.view)

    def _build(self) -> None:
        self.window_combo = QComboBox()
        for hours, text in LIVE_CHOICES:
            self.window_combo.addItem(text, hours)
        self.window_combo.addItem("Период…", CUSTOM)
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
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel("Период:"), self.window_combo, self.start_edit, self.end_edit, self.play_button,
                       self.speed_combo, self.status):
            layout.addWidget(widget)

    # the view state -> the controls ---------------------------------------------------------
    def show_view(self, view: View) -> None:
        """Show ``view`` in the controls without writing it back."""
        custom = not view.live
        index = self.window_combo.findData(CUSTOM if custom else int(view.hours))
        with QSignalBlocker(self.window_combo):
            self.window_combo.setCurrentIndex(index if index >= 0 else self.window_combo.count() - 1)
        for edit in (self.start_edit, self.end_edit):
            edit.setVisible(custom)
        if custom and view.start is not None and view.end is not None:
            self._show_range(view.start, view.end)

    def _show_range(self, start: datetime, end: datetime) -> None:
        for edit, moment in ((self.start_edit, start), (self.end_edit, end)):
            with QSignalBlocker(edit):
                edit.setDateTime(QDateTime(to_local(moment).replace(tzinfo=None)))

    # the controls -> the view state ---------------------------------------------------------
    def _on_window_combo_changed(self, index: int) -> None:
        self._stop_timer()
        hours = self.window_combo.itemData(index)
        if hours != CUSTOM:
            self.core.view.go_live(hours)
            return
        start, end = self.core.view.view.window(self.core.clock.now())
        self._show_range(start, end)
        for edit in (self.start_edit, self.end_edit):
            edit.setVisible(True)
        self.core.view.show_history(start, end)

    def _on_custom_edited(self) -> None:
        start = self.start_edit.dateTime().toPython().replace(tzinfo=local_zone())  # type: ignore[union-attr]
        end = self.end_edit.dateTime().toPython().replace(tzinfo=local_zone())  # type: ignore[union-attr]
        if start < end:
            self._stop_timer()
            self.core.view.show_history(start, end)

    # playback -------------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self._playback is not None

    def playback_window(self) -> MapWindow | None:
        """[start, cursor) while playing, else None."""
        if self._playback is None:
            return None
        start, _end, _speed, cursor = self._playback
        return MapWindow(start, cursor, self.core.view.view.categories)

    def play(self, start: datetime, end: datetime, speed: float) -> None:
        """Replay [start, end): the view shows that period, the map's window grows at ``speed`` × real time."""
        start, end = as_utc(start), as_utc(end)
        self._playback = [start, end, speed, start]
        with QSignalBlocker(self.play_button):
            self.play_button.setChecked(True)
        self.core.view.show_history(start, end)
        self._timer.start()
        self._on_playback_tick(advance=False)

    def stop_playback(self) -> None:
        """Stop and follow the present again."""
        was_playing = self._playback is not None
        self._stop_timer()
        if was_playing:
            self.core.view.go_live()

    def _stop_timer(self) -> None:
        self._timer.stop()
        self._playback = None
        with QSignalBlocker(self.play_button):
            self.play_button.setChecked(False)

    def _on_play_toggled(self, on: bool) -> None:
        if on and self._playback is None:
            start, end = self.core.view.view.window(self.core.clock.now())
            self.play(start, end, float(self.speed_combo.currentData()))
        elif not on:
            self.stop_playback()

    def _on_playback_tick(self, advance: bool = True) -> None:
        if self._playback is None:
            return
        start, end, speed, cursor = self._playback
        if advance:
            cursor = min(end, cursor + timedelta(milliseconds=PLAYBACK_TICK_MS * speed))
        self._playback[3] = cursor
        self.status.setText(to_local(cursor).strftime("Воспроизведение: %d.%m %H:%M"))
        self.cursorMoved.emit(MapWindow(start, cursor, self.core.view.view.categories))
        if cursor >= end:
            self.stop_playback()
