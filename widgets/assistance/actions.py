"""The main window's points of assistance: the dialog, «add a point here» from the map, exports."""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtWidgets import QFileDialog

from app.ops.assistance_export import summary_line
from maps.press.export import export_points
from widgets.assistance.dialog import AssistanceDialog

if TYPE_CHECKING:
    from widgets.shell.main_window import MainWindow

EXPORTS = {  # format → (file filter, suggested name)
    "geojson": ("GeoJSON (*.geojson *.json)", "punkty_pomoshchi.geojson"),
    "html": ("Веб-страница (*.html)", "karta_punktov_pomoshchi.html"),
}


def open_dialog(window: MainWindow, at: tuple[float, float] | None = None) -> AssistanceDialog:
    """Show the one «Пункты помощи» dialog of ``window`` (non-modal); with ``at``, a new point there."""
    dialog: AssistanceDialog | None = getattr(window, "assistance_dialog", None)
    if dialog is None or not shiboken6.isValid(dialog):
        dialog = AssistanceDialog(window.store, window.worker, window)
        dialog.pointsChanged.connect(window.map_panel.reload_assistance)
        window.assistance_dialog = dialog
    if at is not None:
        dialog.add_at(*at)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def ask_export(window: MainWindow, fmt: str) -> None:
    file_filter, name = EXPORTS[fmt]
    path, _ = QFileDialog.getSaveFileName(window, "Экспорт пунктов помощи", name, file_filter)
    if path:
        export(window, fmt, path)


def export(window: MainWindow, fmt: str, path: str) -> None:
    """Write the points as ``fmt`` on the worker; the status bar or a warning reports the outcome."""
    title = f"Пункты помощи населению: {window.region}"
    window.worker.run(lambda: export_points(window.store, fmt, path, title),
                      lambda count: window.statusBar().showMessage(summary_line(count, path), 15000),
                      lambda exc: window.warn(f"Не удалось сохранить {path}:\n{exc}"), owner=window)
