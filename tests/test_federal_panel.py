"""The federal view's panel in the real widgets: every subject in its own local time, sortable, framing the map."""

from __future__ import annotations

from datetime import timedelta

from app.core import Core
from app.intake.writer import store_incoming
from tests.test_federal import T0, _messages, _pack


def test_panel_lists_each_subject_with_its_local_time(qtbot, store) -> None:
    from widgets.federal import RegionsPanel
    from widgets.federal.panel import local_clock
    from widgets.tasks.worker import DbWorker

    store_incoming(store, _messages())
    core = Core(store)
    core.pack = _pack()
    core.view.show_history(T0 - timedelta(hours=1), T0 + timedelta(hours=5))
    worker = DbWorker()
    panel = RegionsPanel(core, worker)
    qtbot.addWidget(panel)
    panel.refresh()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 4, timeout=10000)
    cells = [[panel.model.item(r, c).text() for c in range(6)] for r in range(4)]
    assert [row[0] for row in cells] == ["Краснодарский край", "Республика Саха (Якутия)", "Ростовская область",
                                         "регион не определён"]
    assert [row[2] for row in cells] == ["5", "5", "4", "2"]
    assert cells[0][3] == "2\u00a0500" and cells[0][4] == "2,00"
    assert cells[2][3] == "нет данных" and cells[2][4] == "нет данных"
    assert cells[1][5] == "01.12 11:50"  # 02:50 UTC in Yakutsk
    assert panel.summary.text() == "3 субъекта, 16 сообщений за период"
    assert local_clock(T0, "Asia/Yakutsk") == "09:00 (UTC+9)"
    assert local_clock(T0, "Asia/Kamchatka") == "12:00 (UTC+12)"
    panel.model.sort(2)  # by messages, as numbers: 2 < 4 < 5
    assert panel.model.item(0, 2).text() == "2"
    with qtbot.waitSignal(panel.regionActivated, timeout=2000) as activated:
        row = next(r for r in range(4) if panel.model.item(r, 0).text() == "Республика Саха (Якутия)")
        panel._on_double_clicked(panel.model.index(row, 0))
    assert activated.args == ["RU-SA"]
    worker.shutdown()
