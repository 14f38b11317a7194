"""The region chooser: a fresh install asks which subject the centre serves (searchable list of the 89)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from app.core import Core
from app.settings import Settings, load_settings, save_settings


def _fresh(store) -> Core:
    save_settings(store, Settings())  # no region chosen yet
    return Core(store)


def test_picker_lists_every_subject_and_finds_by_name_capital_or_code(qtbot):
    from widgets.shell.region_picker import RegionPicker

    picker = RegionPicker()
    qtbot.addWidget(picker)
    assert len(picker.visible_codes()) == 89 and picker.code() == ""
    picker.search.setText("якут")
    assert picker.visible_codes() == ["RU-SA"] and picker.code() == "RU-SA"
    picker.search.setText("Петропавловск")  # the capital
    assert picker.visible_codes() == ["RU-KAM"]
    picker.search.setText("kda")  # the code
    assert picker.visible_codes() == ["RU-KDA"]
    picker.search.setText("нет такого субъекта")
    assert picker.visible_codes() == [] and picker.code() == ""


def test_dialog_stores_the_choice_through_the_core(qtbot, store):
    from widgets.shell.region_picker import RegionDialog, ask_region
    from widgets.tasks.worker import DbWorker

    core, worker = _fresh(store), DbWorker()
    assert core.region is None
    dialog = ask_region(core, worker)
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog, before_close_func=lambda _d: worker.shutdown())
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.picker.search.setText("нет такого субъекта")
    ok.click()
    assert dialog.error.text() == "Выберите регион в списке" and core.region is None
    dialog.picker.search.setText("Саха")
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        ok.click()
    assert core.region is not None and core.region.code == "RU-SA"
    assert load_settings(store).region == "RU-SA"  # remembered for the next start
    assert ask_region(core, worker) is None  # a region is set: nothing to ask
    assert isinstance(dialog, RegionDialog)


def test_window_follows_the_region_chosen_at_start(qtbot, store, web_context):
    from widgets.shell.main_window import MainWindow
    from widgets.shell.region_picker import ask_region
    from widgets.tasks.worker import DbWorker

    core = _fresh(store)
    window = MainWindow(core, web_context, DbWorker())
    qtbot.addWidget(window, before_close_func=lambda w: w.briefing.shutdown())
    window.show()
    assert window.windowTitle() == "Оперштаб — регион не выбран"
    dialog = ask_region(core, window.worker, window)
    dialog.picker.search.setText("Камчат")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.windowTitle() == "Оперштаб — Камчатский край", timeout=10000)
