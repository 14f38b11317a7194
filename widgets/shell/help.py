"""The «Помощь» menu: keyboard shortcuts, where the data lives, the version."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app import __version__
from app.common.paths import data_dir
from widgets.shell.layout_store import app_settings

if TYPE_CHECKING:
    from widgets.shell.main_window import MainWindow


def shortcut_lines(window: MainWindow) -> list[str]:
    """«Ctrl+B — Сформировать справку» for every window action that has a shortcut."""
    lines = []
    for action in window.findChildren(QAction):
        key = action.shortcut().toString()
        if key and action.text():
            lines.append(f"{key} — {action.text().replace('&', '').rstrip('…')}")
    return sorted(set(lines))


def data_lines(window: MainWindow) -> list[str]:
    """Where the database, the briefings, the settings and the logs live on this computer."""
    url = window.store.url
    folder = data_dir()
    return [
        f"База данных: {_safe_url(str(url))}",
        f"Папка данных (справки, журнал ошибок, очередь правок): {folder}",
        f"Справки: {folder / 'briefings'}",
        f"Журнал ошибок: {folder / 'opershtab-errors.log'}",
        f"Расположение окон: {app_settings().fileName()}",
    ]


def _safe_url(url: str) -> str:
    """A database URL without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _section(title: str, lines: list[str]) -> QLabel:
    label = QLabel(title + "\n" + "\n".join(f"  {line}" for line in lines))
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


class HelpDialog(QDialog):
    """One page: shortcuts, data locations and the version (the text can be selected and copied)."""

    def __init__(self, title: str, sections: list[tuple[str, list[str]]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.labels = [_section(head, lines) for head, lines in sections]
        for label in self.labels:
            layout.addWidget(label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def text(self) -> str:
        return "\n".join(label.text() for label in self.labels)


def _show(window: MainWindow, dialog: HelpDialog) -> HelpDialog:
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    window.help_dialog = dialog
    return dialog


def show_shortcuts(window: MainWindow) -> HelpDialog:
    return _show(window, HelpDialog("Клавиши", [("Сочетания клавиш:", shortcut_lines(window))], window))


def show_data(window: MainWindow) -> HelpDialog:
    return _show(window, HelpDialog("Где хранятся данные", [("Данные на этом компьютере:", data_lines(window))],
                                    window))


def show_about(window: MainWindow) -> HelpDialog:
    about = [f"Оперштаб {__version__}", "Мониторинг обращений жителей для регионального оперативного штаба",
             f"Регион: {window.region}"]
    return _show(window, HelpDialog("О программе", [("О программе:", about),
                                                    ("Сочетания клавиш:", shortcut_lines(window)),
                                                    ("Данные на этом компьютере:", data_lines(window))], window))


def build_help_menu(window: MainWindow) -> None:
    menu = window.menuBar().addMenu("Помо&щь")
    window.help_shortcuts_action = menu.addAction("Сочетания клавиш…")
    window.help_shortcuts_action.triggered.connect(lambda: show_shortcuts(window))
    window.help_data_action = menu.addAction("Где хранятся данные…")
    window.help_data_action.triggered.connect(lambda: show_data(window))
    window.help_about_action = menu.addAction("О программе…")
    window.help_about_action.triggered.connect(lambda: show_about(window))
    window.help_menu = menu
