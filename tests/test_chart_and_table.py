"""The hourly chart and the message table show what the database holds."""

from __future__ import annotations

from datetime import timedelta

from app.analytics.hourly import hourly_counts
from app.categories import CODES
from app.queries.messages import latest_messages
from tests.fixtures import FIXTURE_COUNTS, FIXTURE_START


def test_chart_bars_equal_database_counts(qtbot, fixture_store):
    from widgets.analytics.hourly_chart import HourlyChart

    chart = HourlyChart()
    qtbot.addWidget(chart)
    counts = hourly_counts(fixture_store, FIXTURE_START - timedelta(hours=2), FIXTURE_START + timedelta(hours=4))
    chart.set_series(counts)
    for code in CODES:
        expected = [0, 0, *FIXTURE_COUNTS.get(code, [0, 0, 0, 0])]
        assert chart.bar_heights(code) == expected, code


def test_chart_ticks_are_local_hours(qtbot, fixture_store):
    from widgets.analytics.hourly_chart import HourlyChart

    chart = HourlyChart()
    qtbot.addWidget(chart)
    chart.set_series(hourly_counts(fixture_store, FIXTURE_START, FIXTURE_START + timedelta(hours=4)))
    ticks = chart.getAxis("bottom")._tickLevels[0]
    assert ticks[0] == (0, "14:00")  # 11:00 UTC is 14:00 in Moscow


def test_table_lists_newest_first_and_caps(qtbot, fixture_store):
    from widgets.messages.table import CATEGORY, MessageTable, MessageTableModel

    model = MessageTableModel(limit=10)
    table = MessageTable(model)
    qtbot.addWidget(table)
    model.reset_rows(latest_messages(fixture_store, 10))
    assert model.rowCount() == 10
    first, second = model.rows[0], model.rows[1]
    assert (first.published_at, first.id) >= (second.published_at, second.id)
    labels = {"Электроснабжение", "Водоснабжение", "Последствия непогоды", "Подтопления"}
    assert model.index(0, CATEGORY).data() in labels
    older = model.rows[-1]
    model.prepend([older])  # already shown: not duplicated
    assert model.rowCount() == 10 and [r.id for r in model.rows].count(older.id) == 1


def test_table_filters_by_category_status_and_text(qtbot, fixture_store):
    from app.core import ViewState
    from widgets.messages.filters import MessageFilterBar
    from widgets.messages.table import MessageTable, MessageTableModel, TimeWindow

    model = MessageTableModel()
    table = MessageTable(model)
    state = ViewState()  # the category goes through the one view state, as in the window
    bar = MessageFilterBar(state)
    bar.changed.connect(table.proxy.set_criteria)
    state.subscribe(lambda view: table.proxy.set_window(TimeWindow(categories=view.categories)))
    qtbot.addWidget(table)
    qtbot.addWidget(bar)
    rows = latest_messages(fixture_store, 500)
    model.reset_rows(rows)
    assert table.proxy.rowCount() == len(rows)
    bar.category.setCurrentIndex(bar.category.findData("water"))
    assert state.view.categories == {"water"}
    assert table.proxy.rowCount() == sum(FIXTURE_COUNTS["water"])
    bar.search.setText("армавир")
    expected = sum(1 for r in rows if r.category == "water" and "армавир" in r.text.lower())
    assert 0 < table.proxy.rowCount() == expected
    bar.status.setCurrentIndex(bar.status.findData("resolved"))
    assert table.proxy.rowCount() == 0
    table.selectAll()
    assert table.selected_messages() == []


def test_table_sorts_by_time_and_multiselects(qtbot, fixture_store):
    from widgets.messages.table import TIME, MessageTable, MessageTableModel

    model = MessageTableModel()
    table = MessageTable(model)
    qtbot.addWidget(table)
    model.reset_rows(sorted(latest_messages(fixture_store, 500), key=lambda r: r.id))
    first = table.row_at(table.proxy.index(0, TIME))
    assert first.published_at == max(r.published_at for r in model.rows)
    table.selectRow(0)
    table.selectionModel().select(table.proxy.index(3, 0), table.selectionModel().SelectionFlag.Select
                                  | table.selectionModel().SelectionFlag.Rows)
    assert len(table.selected_messages()) == 2
