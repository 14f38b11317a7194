"""Panels of the wall display: KPI tiles, focus and briefing slides, ticker.

Every label is plain text (public text never renders as HTML), and no label may ask
for more width than the screen gives it: one-line labels are ``ElidedLabel``s, cut
with «…», and wrapped ones ignore their natural width.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app import categories
from app.common import ru
from app.common.timeutil import to_local
from app.queries.messages import MessageRow
from app.wall.public import public_text
from app.wall.snapshot import WallSnapshot


def plain(label: QLabel, name: str = "", wrap: bool = False) -> QLabel:
    """``label`` as plain text (named ``name``); a wrapped one never widens its window by a long word."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    if wrap:
        label.setWordWrap(True)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)  # the lines it wraps into still get their height
        label.setSizePolicy(policy)
        label.setMinimumWidth(1)
    return label


class ElidedLabel(QLabel):
    """One line of plain text cut with «…» to the width it is given; it never asks for more.

    ``text()`` is the whole text, ``shown()`` what fits on screen.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt API)
        self._full = " ".join(text.split())  # one line: newlines in public text never grow the bar
        self._elide()

    def text(self) -> str:
        return self._full

    def shown(self) -> str:
        return super().text()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        full = self.fontMetrics().horizontalAdvance(self._full) + self._margins()
        return QSize(full, super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._elide()

    def _margins(self) -> int:
        margins = self.contentsMargins()
        return margins.left() + margins.right() + 2 * self.margin() + 4

    def _elide(self) -> None:
        width = max(0, self.width() - self._margins())
        QLabel.setText(self, self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width))


class Tile(QFrame):
    """One large figure with its caption."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Tile")
        self.value = ElidedLabel("—")
        self.value.setObjectName("TileValue")
        self.caption = plain(QLabel(caption), "TileLabel", wrap=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set(self, value: str, caption: str | None = None) -> None:
        self.value.setText(value)
        if caption is not None:
            self.caption.setText(caption)


class KpiTiles(QWidget):
    """Last hour, change, 24 hours, open complaints, hotspot."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles = {key: Tile(caption) for key, caption in (
            ("hour", "за последний час"), ("change", "к предыдущему часу"),
            ("day", "за сутки"), ("open", "без окончательного ответа"),
        )}
        grid = QGridLayout(self)
        for i, tile in enumerate(self.tiles.values()):
            grid.addWidget(tile, i // 2, i % 2)

    def show_snapshot(self, snap: WallSnapshot) -> None:
        if not snap.last_day:  # nothing in 24 hours: «—», never calm zeros
            for tile in self.tiles.values():
                tile.set("—")
            return
        self.tiles["hour"].set(ru.format_int(snap.last_hour), f"{ru.messages_word(snap.last_hour)} за последний час")
        self.tiles["change"].set(ru.signed_percent(snap.change_percent), f"к предыдущему часу ({snap.previous_hour})")
        self.tiles["day"].set(ru.format_int(snap.last_day), f"{ru.messages_word(snap.last_day)} за сутки")
        self.tiles["open"].set(ru.format_int(snap.open_messages), "жалоб без окончательного ответа")


class SlidePanel(QWidget):
    """A title and a few lines of large text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ElidedLabel()
        self.title.setObjectName("SlideTitle")
        self.text = plain(QLabel(), "SlideText", wrap=True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.text, 1)

    def show_lines(self, title: str, lines: list[str]) -> None:
        self.title.setText(title)
        self.text.setText("\n".join(lines))


def focus_lines(snap: WallSnapshot) -> tuple[str, list[str]]:
    if snap.hotspot is None:
        return "Наибольшая нагрузка", ["Сообщений с указанием места за 3 часа нет"]
    spot = snap.hotspot
    return spot.settlement, [f"{ru.messages(spot.count)} за 3 часа", "Карта приближена к месту наибольшей нагрузки"]


def briefing_lines(snap: WallSnapshot) -> tuple[str, list[str]]:
    local = to_local(snap.now)
    return f"Сводка на {local:%H:%M}", [
        f"За последний час: {ru.messages(snap.last_hour)} ({ru.signed_percent(snap.change_percent)})",
        f"За сутки: {ru.messages(snap.last_day)}",
        f"Жалоб без окончательного ответа: {ru.format_int(snap.open_messages)}",
        f"Наибольшая нагрузка: {snap.hotspot.settlement}" if snap.hotspot else "Наибольшая нагрузка: —",
    ]


def ticker_text(row: MessageRow) -> str:
    """One ticker line without personal data or home addresses (the wall is seen by visitors too)."""
    text = public_text(row)
    short = text if len(text) <= 150 else text[:147] + "…"
    return f"{to_local(row.published_at):%H:%M}  {row.settlement} · {categories.label(row.category)}: {short}"
