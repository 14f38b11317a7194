"""Per-agency queues and the deadline board against an independent SQL computation; the starting directory."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, func, select, text

from app.core import Core
from app.ops.board import deadline_board
from app.ops.deadlines import overdue_condition
from app.ops.directory import STARTING_DIRECTORY, seed_directory, suggested
from app.ops.routing import list_agencies
from app.region.registry import regions
from app.store import Message
from tests.fixtures import FIXTURE_START

# Wed 25.11.2026 13:20 Moscow time: the first answers of Tuesday's first hour (due 13:00-13:29) run out
CHECK = FIXTURE_START + timedelta(hours=23, minutes=20)


class FixedClock:
    speed = 1.0

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def _routed(store) -> Core:
    """The fixture routed as a centre would: power to the grid, water to the water utility, some answered."""
    core = Core(store, FixedClock(CHECK))
    assert seed_directory(store) == len(STARTING_DIRECTORY)
    agencies = list_agencies(store)
    from app.queries.messages import messages_after

    rows = messages_after(store, 0)
    for category in ("power", "water", "flood"):
        target = suggested(agencies, category)
        assert target is not None
        core.ops.assign([r for r in rows if r.category == category], target.id)
    power = [r for r in rows if r.category == "power"]
    from app.queries.messages import messages_by_ids

    fresh = messages_by_ids(store, [r.id for r in power[:4]])
    core.ops.set_importance(fresh[:2], True)
    fresh = messages_by_ids(store, [r.id for r in power[2:6]])
    core.ops.set_status(fresh[:2], "in_progress")
    core.ops.set_status(messages_by_ids(store, [r.id for r in power[4:6]]), "answered")
    core.ops.set_status(messages_by_ids(store, [power[6].id]), "closed", "duplicate")
    return core


def _independent(store, core: Core, at: datetime) -> dict[str | None, tuple[int, int]]:
    """Agency name → (open, overdue) by plain SQL and the governor report's cutoff condition."""
    late = func.sum(case((overdue_condition(core.calendar(), at), 1), else_=0))
    with store.engine.connect() as conn:
        names = dict(conn.execute(text("SELECT id, name FROM agencies")).all())
        rows = conn.execute(select(Message.agency_id, func.count(), late)
                            .where(Message.status.in_(("new", "assigned", "in_progress", "answered")),
                                   Message.is_complaint.is_(True), Message.published_at <= at)
                            .group_by(Message.agency_id)).all()
    return {names.get(a, "Не распределено"): (n, int(o)) for a, n, o in rows}


def test_agency_queues_equal_an_independent_sql_count(store, fixture_store):
    core = _routed(fixture_store)
    board = deadline_board(fixture_store, core.calendar(), CHECK)
    mine = {q.name: (q.open, q.overdue) for q in board.queues}
    expected = _independent(fixture_store, core, CHECK)
    assert mine == expected
    assert sum(o for _n, o in mine.values()) > 0 and any(n > o for n, o in mine.values())  # a mix, not all
    grid = next(q for q in board.queues if q.name == "Сетевая компания (электросети)")
    assert grid.open == 27 - 1  # the duplicate is closed
    assert grid.line(core.calendar(), CHECK).startswith(f"Сетевая компания (электросети): 26 открыто, "
                                                        f"{grid.overdue} просрочено, ближайший срок ")
    # «сроки горят»: every open message once, least time left first, overdue ones on top
    lefts = [p.left(CHECK) for p in board.burning]
    assert lefts == sorted(lefts) and len(lefts) == sum(n for n, _o in mine.values())
    assert [p.overdue for p in board.burning] == [x < 0 for x in lefts]
    # the nearest deadline is the earliest one not yet passed
    for queue in board.queues:
        future = [p.due for p in board.burning if p.agency == queue.name and not p.overdue]
        assert queue.nearest == (min(future) if future else None)


def test_board_at_other_moments_still_agrees(store, fixture_store):
    core = _routed(fixture_store)
    for at in (FIXTURE_START + timedelta(hours=5), FIXTURE_START + timedelta(days=2, hours=3),
               FIXTURE_START + timedelta(days=12)):
        board = deadline_board(fixture_store, core.calendar(), at)
        assert {q.name: (q.open, q.overdue) for q in board.queues} == _independent(fixture_store, core, at)


def test_deadline_board_widget_shows_the_queues(qtbot, store, fixture_store):
    from widgets.messages.board import DeadlineBoard
    from widgets.tasks.core_bridge import CoreBridge
    from widgets.tasks.worker import DbWorker

    core = _routed(fixture_store)
    worker = DbWorker()
    widget = DeadlineBoard(core, worker, CoreBridge(core))
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    with qtbot.waitSignal(widget.loaded, timeout=10000) as blocker:
        widget.refresh()
    board = blocker.args[0]
    shown = {widget.queues.item(i, 0).text(): (int(widget.queues.item(i, 1).text()),
                                               int(widget.queues.item(i, 2).text()))
             for i in range(widget.queues.rowCount())}
    assert shown == _independent(fixture_store, core, CHECK)
    assert widget.burning.rowCount() == len(board.burning)
    first = widget.burning.item(0, 0).text()
    assert first.startswith("просрочено на ")
    assert widget.summary.text().startswith(f"Открыто {sum(q.open for q in board.queues)}, просрочено ")
    with qtbot.waitSignal(widget.messageActivated, timeout=5000) as activated:
        widget._on_burning_activated(widget.burning.model().index(0, 0))
    assert activated.args[0] == board.burning[0].id
    worker.shutdown()


def test_starting_directory_is_generic_and_editable(store):
    assert seed_directory(store) == len(STARTING_DIRECTORY)
    assert seed_directory(store) == 0  # the centre's directory is never refilled
    names = [a.name for a in list_agencies(store)]
    assert len(names) == len(STARTING_DIRECTORY)
    covered = {c for t in STARTING_DIRECTORY for c in t.categories}
    assert {"power", "water", "heating", "gas", "roads", "waste", "health", "telecom", "storm", "flood"} <= covered
    words = {w for r in regions() for w in r.name.split() if len(w) > 4} - {"область", "Республика", "край"}
    assert not [n for n in names if set(n.split()) & words]  # no region's own names
    assert any(a.kind == "municipality" for a in list_agencies(store))
