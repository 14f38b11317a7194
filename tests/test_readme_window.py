"""The README's «Для штаба» section walked through the real operator window: every menu path it quotes
(«Файл → Экспорт → Сообщения…»), every shortcut it names and every panel it lists exists; the live badge shows."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMenu

from tests.test_view_menus import window  # noqa: F401 (the real window with the storm fixture)

README = Path(__file__).resolve().parents[1] / "README.md"
PANELS = ("Динамика и показатели", "Сообщения", "Карточка сообщения", "Сроки и ведомства", "Регионы", "Источники",
          "Происшествия", "Лента", "Архив справок")


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Для штаба")
    return text[start:text.index("\n## ", start + 3)]


def _menu_paths(section: str) -> list[list[str]]:
    paths = []
    for quoted in re.findall(r"«([^«»]*→[^«»]*)»", section.replace("\n  ", " ")):
        parts = [p.strip() for p in quoted.split("→")]
        if parts[0] in {"Файл", "Карта", "Справка губернатору", "Правка", "Вид", "Помощь"}:
            paths.append(parts)
    return paths


def _shortcuts(section: str) -> set[str]:
    return set(re.findall(r"\b(Ctrl\+(?:[A-Z]|,)|F\d{1,2})\b", section))


def _find(menu_actions, path: list[str]) -> bool:
    if not path:
        return True
    for action in menu_actions:
        if action.text().replace("&", "") == path[0]:
            menu = action.menu()
            return _find(menu.actions(), path[1:]) if len(path) > 1 and isinstance(menu, QMenu) else len(path) == 1
    return False


def test_the_section_quotes_menus_and_shortcuts() -> None:
    section = _section()
    assert len(_menu_paths(section)) >= 8 and {"Ctrl+B", "Ctrl+I", "Ctrl+Z", "Ctrl+L", "F11"} <= _shortcuts(section)


def test_every_claim_of_the_section_holds_in_the_window(window) -> None:  # noqa: F811 (the fixture)
    section = _section()
    missing = [" → ".join(p) for p in _menu_paths(section) if not _find(window.menuBar().actions(), p)]
    assert not missing, f"the README quotes menu items the window lacks: {missing}"
    bound = {a.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
             for a in window.findChildren(type(window.menuBar().actions()[0]))}
    assert not _shortcuts(section) - bound, _shortcuts(section) - bound
    docks = {d.windowTitle() for d in window.findChildren(QDockWidget)}
    assert all(f"**{p}**" in section for p in PANELS) and set(PANELS) <= docks, set(PANELS) - docks
    badges = [label.text() for label in window.findChildren(QLabel)]
    assert any(text.startswith("● ОНЛАЙН") or text.startswith("⏸ ИСТОРИЯ") for text in badges), badges[:40]
