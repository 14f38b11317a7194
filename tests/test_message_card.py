"""The message card, the status menu of allowed steps, closing without routing, and «Отменить» for every action.

Real widgets (message panel, card, undo bar, menus) over a real SQLite database; the
database is read back independently after each click.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu
from sqlalchemy import select

from app.core import Core
from app.intake.writer import Incoming, store_incoming
from app.ops.routing import add_agency, history
from app.queries.messages import messages_by_ids
from app.store import Incident, Message
from tests.fixtures import FIXTURE_START

HOSTILE = '<b>жирный</b> <a href="file:///etc/passwd">ссылка</a> <img src=x onerror=alert(1)>'


class FixedClock:
    speed = 1.0

    def now(self):
        return FIXTURE_START + timedelta(hours=4)


@pytest.fixture
def desk(qtbot, fixture_store):
    from widgets.messages.actions import OperatorActions
    from widgets.messages.card import MessageCard
    from widgets.messages.panel import MessagePanel
    from widgets.tasks.core_bridge import CoreBridge
    from widgets.tasks.worker import DbWorker

    core = Core(fixture_store, FixedClock())
    worker = DbWorker()
    panel = MessagePanel(core, worker)
    actions = OperatorActions(core, worker, panel)
    panel.use_actions(actions)
    card = MessageCard(core, worker, actions, CoreBridge(core, panel))
    qtbot.addWidget(panel)
    qtbot.addWidget(card)
    panel.show()
    card.show()
    panel.load()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=10000)
    yield core, panel, card, actions
    worker.shutdown()


def _show(qtbot, card, message_id):
    with qtbot.waitSignal(card.loaded, timeout=10000):
        card.show_message(message_id)
    return card.card


def _row(panel, message_id):
    return next(r for r in panel.model.rows if r.id == message_id)


def _act(qtbot, actions, do):
    with qtbot.waitSignal(actions.completed, timeout=10000) as blocker:
        do()
    return blocker.args[0]


def _menu_actions(menu: QMenu) -> dict[str, object]:
    return {a.text(): a for a in menu.actions() if a.text()}


def test_card_shows_the_message_in_full_as_plain_text(qtbot, desk):
    core, _panel, card, actions = desk
    result = store_incoming(core.store, [Incoming(
        source="vk", external_id="hostile", published_at=FIXTURE_START + timedelta(hours=3), text=HOSTILE,
        author="<i>Автор</i>", url="https://vk.com/wall-1_99", settlement="Сочи", address="ул. Роз, 5",
        category="water")])
    mid = result.new_ids[0]
    agency = add_agency(core.store, "Водоканал")
    target = _show(qtbot, card, mid)
    _act(qtbot, actions, lambda: actions.assign([target], agency.id))
    qtbot.waitUntil(lambda: card.card is not None and card.card.status == "assigned", timeout=10000)
    _act(qtbot, actions, lambda: actions.set_status([card.card], "answered", "Бригада выехала, вода будет к 20:00"))
    qtbot.waitUntil(lambda: card.card.status == "answered", timeout=10000)

    assert card.text.text() == HOSTILE and card.text.textFormat() == Qt.TextFormat.PlainText
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in card.fields.values())
    assert card.fields["author"].text() == "<i>Автор</i>"
    assert "https://vk.com/wall-1_99" in card.fields["source"].text() and card.source_button.isEnabled()
    assert "ул. Роз, 5" in card.fields["place"].text() and "Сочи" in card.fields["place"].text()
    assert card.fields["category"].text().startswith("Водоснабжение")
    assert card.fields["agency"].text().startswith("Водоканал")
    assert card.fields["answer"].text() == "Бригада выехала, вода будет к 20:00"
    # the history names the operator (the OS user unless the settings name one) and the time
    assert card.history.rowCount() == 2
    assert card.history.item(0, 1).text() == "передано" and card.history.item(1, 1).text() == "ответ дан"
    assert card.history.item(1, 2).text() == core.operator != ""
    assert card.history.item(1, 3).text() == "Бригада выехала, вода будет к 20:00"
    # a first answer was given: the pending deadline is the final answer's, days ahead
    assert card.fields["due"].text() != "" and card.fields["left"].text().startswith("осталось")


def test_deadline_and_time_left_in_the_regions_calendar(qtbot, desk):
    core, panel, card, _actions = desk
    first = min(panel.model.rows, key=lambda r: r.published_at)
    shown = _show(qtbot, card, first.id)
    # published Tue 24.11 14:00 Moscow time; 8 working hours (9-18) end Wed 25.11 13:00
    assert card.fields["due"].text() == "25.11 13:00"
    assert card.fields["left"].text() == "осталось 19 ч 00 мин"  # the clock stands at 18:00 on the 24th
    assert shown.left(core.clock.now()) == 19 * 3600


def test_named_operator_in_the_audit_trail_from_settings(qtbot, desk):
    core, panel, card, actions = desk
    core.update_settings(operator_name="Петрова А. В.")
    target = _show(qtbot, card, panel.model.rows[0].id)
    _act(qtbot, actions, lambda: actions.set_status([target], "closed", "spam"))
    steps = history(core.store, target.id)
    assert [(s.status, s.operator, s.note) for s in steps] == [("closed", "Петрова А. В.", "спам или реклама")]


def test_status_menu_offers_only_allowed_steps_with_reasons(qtbot, desk):
    _core, panel, card, actions = desk
    target = _show(qtbot, card, panel.model.rows[0].id)
    menu = card.status_menu()
    items = _menu_actions(menu)
    assert not items["в работе"].isEnabled()
    assert "в работу берут переданное" in items["в работе"].toolTip()
    assert not items["решено"].isEnabled() and "Из «новое» нельзя" in items["решено"].toolTip()
    assert not items["Вернуть в работу (новое)"].isEnabled()
    assert items["Закрыть без действий"].isEnabled()
    # closed: only reopening remains
    _act(qtbot, actions, lambda: actions.set_status([target], "closed", "thanks"))
    qtbot.waitUntil(lambda: card.card.status == "closed", timeout=10000)
    items = _menu_actions(card.status_menu())
    enabled = {text for text, action in items.items() if action.isEnabled()}
    assert enabled == {"Вернуть в работу (новое)"}
    assert "закрыть без действий можно только открытое" in items["Закрыть без действий"].toolTip()


def test_close_without_routing_from_the_menu_and_reopen(qtbot, desk):
    core, panel, card, actions = desk
    target = _show(qtbot, card, panel.model.rows[1].id)
    close = _menu_actions(card.status_menu())["Закрыть без действий"].menu()
    with qtbot.waitSignal(actions.completed, timeout=10000) as blocker:
        _menu_actions(close)["не наш регион"].trigger()
    assert blocker.args[0].text == f"№{target.id}: статус → закрыто без действий (не наш регион)"
    stored = messages_by_ids(core.store, [target.id])[0]
    assert stored.status == "closed"
    with core.store.engine.connect() as conn:
        assert conn.execute(select(Message.agency_id).where(Message.id == target.id)).scalar() is None
    qtbot.waitUntil(lambda: _row(panel, target.id).status == "closed", timeout=10000)
    qtbot.waitUntil(lambda: card.card.status == "closed", timeout=10000)
    with qtbot.waitSignal(actions.completed, timeout=10000):
        _menu_actions(card.status_menu())["Вернуть в работу (новое)"].trigger()
    assert messages_by_ids(core.store, [target.id])[0].status == "new"
    assert [h.status for h in history(core.store, target.id)] == ["closed", "new"]


def _undo(qtbot, panel, actions):
    assert panel.undo_bar.undo_button.isEnabled()
    with qtbot.waitSignal(actions.completed, timeout=10000) as blocker:
        qtbot.mouseClick(panel.undo_bar.undo_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].text.startswith("Отменено: ")
    assert not panel.undo_bar.undo_button.isEnabled()


def test_undo_restores_database_and_screen_for_each_action(qtbot, desk):
    core, panel, _card, actions = desk
    agency = add_agency(core.store, "Сетевая компания")
    row = next(r for r in panel.model.rows if r.category == "power")
    steps = [
        (lambda r: actions.set_category([r], "water"), "категория → Водоснабжение",
         lambda r: r.category),
        (lambda r: actions.assign([r], agency.id), "передано: Сетевая компания", lambda r: r.status),
        (lambda r: actions.set_status([r], "closed", "duplicate"), "статус → закрыто без действий",
         lambda r: r.status),
        (lambda r: actions.mark_important([r]), "отмечено как важное", lambda r: r.importance),
    ]
    for do, said, value in steps:
        shown = _row(panel, row.id)
        before = value(shown)
        outcome = _act(qtbot, actions, lambda shown=shown, do=do: do(shown))
        assert outcome.text.startswith(f"№{row.id}: {said}")
        assert panel.undo_bar.label.text().startswith(f"№{row.id}: {said}")
        qtbot.waitUntil(lambda before=before, value=value: value(_row(panel, row.id)) != before, timeout=10000)
        _undo(qtbot, panel, actions)
        assert value(messages_by_ids(core.store, [row.id])[0]) == before  # in the database…
        qtbot.waitUntil(lambda before=before, value=value: value(_row(panel, row.id)) == before,
                        timeout=10000)  # …and on screen
    with core.store.engine.connect() as conn:
        agency_id, category_source = conn.execute(select(Message.agency_id, Message.category_source)
                                                  .where(Message.id == row.id)).one()
    assert agency_id is None and category_source != "operator"


def test_undo_of_a_merge_gives_each_incident_its_messages_back(qtbot, desk):
    from app.incidents import update_incidents
    from app.queries.messages import messages_after

    core, panel, _card, actions = desk
    update_incidents(core.store, [r.id for r in messages_after(core.store, 0)])
    panel.load()
    qtbot.waitUntil(lambda: any(r.incident_id for r in panel.model.rows), timeout=10000)
    picked: dict[int, object] = {}
    for row in panel.model.rows:
        if row.category == "power" and row.incident_id is not None:
            picked.setdefault(row.incident_id, row)
    assert len(picked) >= 2
    two = list(picked.values())[:2]

    def members():
        with core.store.engine.connect() as conn:
            return sorted(conn.execute(select(Message.id, Message.incident_id)
                                       .where(Message.incident_id.is_not(None))).all())

    before = members()
    outcome = _act(qtbot, actions, lambda: actions.merge_incidents(two))
    assert "объединены" in outcome.text and members() != before
    _undo(qtbot, panel, actions)
    assert members() == before
    with core.store.session() as session:
        states = {i.id: (i.status, i.merged_into) for i in session.scalars(select(Incident))}
    assert all(states[r.incident_id] == ("open", None) for r in two)
    qtbot.waitUntil(lambda: {_row(panel, r.id).incident_id for r in two} == {r.incident_id for r in two},
                    timeout=10000)


def test_a_held_row_stays_in_place_until_released(qtbot, desk):
    _core, panel, _card, actions = desk
    panel.filters.status.setCurrentIndex(panel.filters.status.findData("new"))
    table = panel.table
    table.selectRow(3)
    held = table.selected_messages()[0]
    shown = table.proxy.rowCount()
    _act(qtbot, actions, lambda: actions.set_status([held], "closed", "spam"))
    qtbot.waitUntil(lambda: _row(panel, held.id).status == "closed", timeout=10000)
    # edited under the operator's hand: not filtered away, not moved
    assert table.proxy.rowCount() == shown and table.row_at(table.proxy.index(3, 0)).id == held.id
    table.clearSelection()
    assert table.proxy.rowCount() == shown - 1  # released: the filter applies again
    assert held.id not in {table.row_at(table.proxy.index(i, 0)).id for i in range(table.proxy.rowCount())}


def test_notes_are_kept_in_the_history_with_who_and_when(qtbot, desk):
    core, panel, card, actions = desk
    core.update_settings(operator_name="Иванов И. И.")
    target = _show(qtbot, card, panel.model.rows[2].id)
    outcome = _act(qtbot, actions, lambda: actions.add_note([target], "Звонили в ЕДДС,\n ждём бригаду"))
    assert outcome.text == f"№{target.id}: добавлена заметка" and not outcome.undo
    qtbot.waitUntil(lambda: card.history.rowCount() == 1, timeout=10000)
    assert [card.history.item(0, c).text() for c in (1, 2, 3)] == ["заметка", "Иванов И. И.",
                                                                    "Звонили в ЕДДС, ждём бригаду"]
    assert [n.note for n in card.card.notes] == ["Звонили в ЕДДС, ждём бригаду"]
    assert card.card.version == target.version + 1  # another seat editing from the old version is refused
    assert messages_by_ids(core.store, [target.id])[0].status == "new"
    # an undone category change is noted too: who took it back
    _act(qtbot, actions, lambda: actions.set_category([card.card], "gas"))
    _undo(qtbot, panel, actions)
    assert [(h.label, h.note) for h in history(core.store, target.id)][-1] == ("заметка", "отмена действия")
