"""The window's light and dark palettes (the «Тема» setting), switched while the program runs."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

DARK = {
    QPalette.ColorRole.Window: "#1e2228", QPalette.ColorRole.WindowText: "#e6e9ee",
    QPalette.ColorRole.Base: "#16191e", QPalette.ColorRole.AlternateBase: "#22262d",
    QPalette.ColorRole.Text: "#e6e9ee", QPalette.ColorRole.Button: "#2a2f37",
    QPalette.ColorRole.ButtonText: "#e6e9ee", QPalette.ColorRole.ToolTipBase: "#2a2f37",
    QPalette.ColorRole.ToolTipText: "#e6e9ee", QPalette.ColorRole.Highlight: "#3d7bd9",
    QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.PlaceholderText: "#8a93a0",
    QPalette.ColorRole.Link: "#7fb0ff",
}
_light: QPalette | None = None


def apply_theme(name: str) -> None:
    """Switch the application to the ``light`` or ``dark`` palette."""
    global _light
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if _light is None:
        _light = QPalette(app.palette())  # the platform's own palette is the light theme
    if name != "dark":
        app.setPalette(_light)
        return
    palette = QPalette(_light)
    for role, colour in DARK.items():
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)


def is_dark() -> bool:
    """Whether the dark palette is in use."""
    return QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128
