"""Panels of the wall display: KPI tiles, focus and briefing slides, ticker."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from app import categories
from app.common import ru
from app.common.timeutil import to_local
from app.queries.messages import MessageRow
from app.text.pii import scrub
from app.wall.snapshot import WallSnapshot


class Tile(QFrame):
    """One large figure with its caption."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Tile")
        self.value = QLabel("—")
        self.value.setObjectName("TileValue")
        self.caption = QLabel(caption)
        self.caption.setObjectName("TileLabel")
        self.caption.setWordWrap(True)
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
        self.tiles["hour"].set(ru.format_int(snap.last_hour), f"{ru.messages_word(snap.last_hour)} за последний час")
        self.tiles["change"].set(ru.signed_percent(snap.change_percent), f"к предыдущему часу ({snap.previous_hour})")
        self.tiles["day"].set(ru.format_int(snap.last_day), f"{ru.messages_word(snap.last_day)} за сутки")
        self.tiles["open"].set(ru.format_int(snap.open_messages), "жалоб без окончательного ответа")


class SlidePanel(QWidget):
    """A title and a few lines of large text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("SlideTitle")
        self.text = QLabel()
        self.text.setObjectName("SlideText")
        self.text.setWordWrap(True)
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
    """One ticker line without personal data (the wall is seen by visitors too); plain text only."""
    text = " ".join(scrub(row.text, [row.author] if row.author else ()).split())
    short = text if len(text) <= 150 else text[:147] + "…"
    return f"{to_local(row.published_at):%H:%M}  {row.settlement} · {categories.label(row.category)}: {short}"
