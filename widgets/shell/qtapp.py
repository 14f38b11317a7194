"""Creating the QApplication the way QtWebEngine needs it, and tearing it down safely."""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QLibraryInfo,
    QLocale,
    QTimer,
    QtMsgType,
    QTranslator,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication

from maps.qt.web import WebContext, register_app_scheme


def prepare_environment(headless: bool) -> None:
    """Environment QtWebEngine reads at start-up; must run before QApplication."""
    if headless:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses to start its sandbox as root; ordinary users keep the sandbox.
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags:
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox".strip()
    os.environ.setdefault("QT_LOGGING_RULES", "qt.webenginecontext.debug=false")
    if headless:
        # Commands print one line of their own: Chromium's GPU/D-Bus chatter goes nowhere, Qt's to the log.
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--log-level" not in flags:
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --log-level=3".strip()
        qInstallMessageHandler(_to_log)


def _to_log(mode: QtMsgType, _context: object, message: str) -> None:
    level = logging.ERROR if mode in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg) else logging.DEBUG
    logging.getLogger("opershtab.qt").log(level, "%s", message)


def create_application(headless: bool = False) -> QApplication:
    prepare_environment(headless)
    register_app_scheme()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("opershtab")
    app.setApplicationDisplayName("Оперштаб")
    app.setOrganizationName("opershtab")
    install_russian(app)
    collect_garbage_in_main_thread(app)
    return app  # type: ignore[return-value]


_collector: QTimer | None = None


def collect_garbage_in_main_thread(app: QCoreApplication, interval_ms: int = 1000) -> None:
    """Python's cyclic garbage collector runs only here, on the main thread.

    Left automatic, it runs in whichever thread allocates: a feed or database thread then
    destroys a Qt object of the GUI, and that thread and the main thread deadlock (seen:
    the feed thread in ``QObject::~QObject`` waiting for the GIL, the main thread in another
    ``~QObject`` waiting for Qt's mutex). The same remedy as pyqtgraph's GarbageCollector.
    """
    global _collector
    if _collector is not None:
        return
    gc.disable()
    _collector = QTimer(app)
    _collector.timeout.connect(collect_due_generation)
    _collector.start(interval_ms)


def collect_due_generation() -> None:
    """Collect the generations whose counts passed their thresholds, as automatic collection would."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    due = [generation for generation in range(3) if counts[generation] > thresholds[generation]]
    if due:
        gc.collect(max(due))


_translator: QTranslator | None = None


def install_russian(app: QCoreApplication) -> QTranslator | None:
    """Qt's own dialogs and buttons in Russian (qtbase_ru from the Qt the wheel ships); None when missing."""
    global _translator
    if _translator is not None:
        return _translator
    QLocale.setDefault(QLocale(QLocale.Language.Russian, QLocale.Country.Russia))
    translator = QTranslator(app)
    if not translator.load("qtbase_ru", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        return None
    app.installTranslator(translator)
    _translator = translator
    return translator


def spin_until(predicate: Callable[[], bool], timeout_s: float, step_ms: int = 20) -> bool:
    """Run the event loop until ``predicate()`` holds or the time is up."""
    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    while not predicate():
        if time.monotonic() > deadline:
            return False
        QTimer.singleShot(step_ms, loop.quit)
        loop.exec()
    return True


def teardown(context: WebContext, *widgets: object) -> None:
    """Delete views and pages before their profile, or QtWebEngine crashes at exit."""
    for widget in widgets:
        widget.deleteLater()  # type: ignore[attr-defined]
    spin_until(lambda: False, 0.2)
    context.deleteLater()
    QCoreApplication.sendPostedEvents(None, 0)
    spin_until(lambda: False, 0.1)
