"""Файл → Экспорт: messages, incidents, the per-1,000 choropleth and points of assistance as GIS layers
(GeoPackage, KML, KMZ, Shapefile, GeoJSON) or tables (CSV, Excel), for the period the window shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMenu

from app.common import ru
from app.core import Core
from app.export import export_aid, export_choropleth, export_incidents, export_messages
from app.ops.assistance import list_points
from widgets.assistance import actions as assistance_actions

if TYPE_CHECKING:
    from widgets.shell.main_window import MainWindow

FORMATS = (  # format → the file dialog's filter
    ("gpkg", "GeoPackage (*.gpkg)"), ("kml", "KML (*.kml)"), ("kmz", "KMZ (*.kmz)"),
    ("shp", "Shapefile (*.shp)"), ("geojson", "GeoJSON (*.geojson)"), ("csv", "CSV (*.csv)"),
    ("xlsx", "Excel (*.xlsx)"),
)
Writer = Callable[[Core, str, Path, datetime, datetime], int]
DATASETS: dict[str, tuple[str, str, Writer]] = {  # key → (menu text, file name, writer)
    "messages": ("Сообщения…", "soobshcheniya",
                 lambda core, fmt, path, start, end: export_messages(core.store, fmt, path, start, end)),
    "incidents": ("Происшествия…", "proisshestviya",
                  lambda core, fmt, path, start, end: export_incidents(core.store, fmt, path, start, end)),
    "choropleth": ("Картограмма на 1 000 жителей…", "kartogramma",
                   lambda core, fmt, path, start, end: export_choropleth(core.store, core.pack, fmt, path, start, end)),
    "aid": ("Пункты помощи…", "punkty_pomoshchi",
            lambda core, fmt, path, _start, _end: export_aid(list_points(core.store), fmt, path)),
}


def format_of(path: str, chosen_filter: str) -> str:
    """The format from the file's suffix, else from the filter the operator chose."""
    suffix = Path(path).suffix.lower().lstrip(".")
    known = dict(FORMATS)
    if suffix in known:
        return suffix
    return next((fmt for fmt, text in FORMATS if text == chosen_filter), "gpkg")


def export(window: MainWindow, key: str, path: str, fmt: str | None = None) -> None:
    """Write dataset ``key`` for the shown period to ``path`` on the worker; the status bar says how many."""
    _text, _name, writer = DATASETS[key]
    fmt = fmt or format_of(path, "")
    target = Path(path if Path(path).suffix else f"{path}.{fmt}")
    core = window.core
    start, end = core.view.view.window(core.clock.now())
    window.worker.run(lambda: writer(core, fmt, target, start, end),
                      lambda count: _done(window, count, target),
                      lambda exc: window.warn(f"Не удалось сохранить {target.name}: {exc}"), owner=window)


def _done(window: MainWindow, count: int, target: Path) -> None:
    window.last_export = (count, target)
    word = ru.plural_form(count, "запись", "записи", "записей")
    window.statusBar().showMessage(f"Сохранено {ru.format_int(count)} {word}: {target}", 15000)


def _ask(window: MainWindow, key: str) -> None:
    text, name, _writer = DATASETS[key]
    filters = ";;".join(f for _fmt, f in FORMATS)
    path, chosen = QFileDialog.getSaveFileName(window, f"Экспорт: {text.rstrip('…').lower()}", f"{name}.gpkg",
                                               filters)
    if path:
        export(window, key, path, format_of(path, chosen))


def build_export_menu(window: MainWindow, menu: QMenu) -> None:
    """The datasets, then the points of assistance as a page for publication."""
    window.export_actions = {}
    for key, (text, _name, _writer) in DATASETS.items():
        action = menu.addAction(text)
        action.triggered.connect(lambda _checked=False, key=key: _ask(window, key))
        window.export_actions[key] = action
    menu.addSeparator()
    window.export_html_action = menu.addAction("Карта для публикации (HTML)…")
    window.export_html_action.triggered.connect(lambda: assistance_actions.ask_export(window, "html"))
