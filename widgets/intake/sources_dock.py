"""The «Источники» dock for any main window: the sources panel and the runner that polls the sources.

``install_sources_dock(window, bridge)`` is the one call a window needs: it docks the panel on
the left, starts polling the enabled sources (one thread per source, each holding the source's
lease on a shared database so only one seat polls it), and stops the threads when the
application quits or the dock goes away (``dock.stop()`` stops them earlier, e.g. from the
window's ``closeEvent``). Edits in the panel are announced through the core; the runner reloads,
«Опросить сейчас» wakes it, and each poll's health shows in the panel.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from widgets.intake.sources_panel import SourcesPanel
from widgets.tasks.core_bridge import CoreBridge
from widgets.tasks.source_runner import SourceRunner, SourceUpdate
from widgets.tasks.worker import DbWorker

TITLE = "Источники"


class SourcesDock(QDockWidget):
    """The dock: ``panel`` (the list and its actions) and ``runner`` (the polling threads)."""

    def __init__(self, bridge: CoreBridge, worker: DbWorker | None = None, parent: QWidget | None = None) -> None:
        super().__init__(TITLE, parent)
        self.setObjectName("sourcesDock")  # for saveState/restoreState
        self.panel = SourcesPanel(bridge, worker, self)
        self.runner = SourceRunner(bridge.core, self)
        self.setWidget(self.panel)
        self.panel.changed.connect(self.runner.reload)
        self.panel.pollRequested.connect(self.runner.wake)
        self.runner.updated.connect(self._on_updated)
        self.destroyed.connect(lambda *_: self.runner.stop())

    def start(self) -> None:
        """Poll the enabled sources (done by ``install_sources_dock``)."""
        self.runner.start()

    def stop(self) -> None:
        """Stop polling, cutting requests in flight; nothing arrives afterwards."""
        self.runner.stop()

    def _on_updated(self, update: SourceUpdate) -> None:
        if update.health is not None:
            self.panel.show_health(update.source_id, update.health)


def install_sources_dock(window: QMainWindow, bridge: CoreBridge, worker: DbWorker | None = None,
                         area: Qt.DockWidgetArea = Qt.DockWidgetArea.LeftDockWidgetArea,
                         start: bool = True) -> SourcesDock:
    """Dock the «Источники» panel in ``window`` and (with ``start``) begin polling; returns the dock.

    ``worker``: the window's database worker (the panel runs its own without it). The dock's
    ``toggleViewAction()`` is the menu item that shows and hides it.
    """
    dock = SourcesDock(bridge, worker, window)
    window.addDockWidget(area, dock)
    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(dock.stop)
    if start:
        dock.start()
    return dock
