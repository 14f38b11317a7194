"""Clock jumps: the wall clock moves hours forward or back; hourly buckets and the stale detector behave."""

from __future__ import annotations

import inspect
import time
from datetime import UTC, datetime, timedelta

from app.analytics.hourly import hourly_counts, last_hours_window
from app.common.clock import ScenarioClock
from app.intake.feed_state import FeedHealth, refreshed
from app.intake.writer import Incoming, store_incoming
from app.queries.messages import count_in
from drills.core import Checks, drill, temp_store

NOW = datetime(2026, 11, 24, 12, 30, tzinfo=UTC)


@drill("clock: hourly buckets across jumps", "store 48 h of messages, then read the 24-hour window "
       "at now, now + 5 h (clock forward) and now − 5 h (clock back)")
def buckets(checks: Checks) -> None:
    with temp_store() as (store, _):
        items = [Incoming("drill", f"Нет света {i}", NOW - timedelta(hours=36) + timedelta(minutes=10 * i),
                          external_id=f"c{i}", category="power") for i in range(6 * 48)]
        store_incoming(store, items)
        for label, now in (("now", NOW), ("forward 5 h", NOW + timedelta(hours=5)),
                           ("back 5 h", NOW - timedelta(hours=5))):
            start, end = last_hours_window(now)
            counts = hourly_counts(store, start, end)
            checks.check(len(counts.hours) == 24 and counts.hours[0] == start,
                         f"{label}: 24 whole-hour buckets starting {start:%H:%M}")
            checks.check(sum(counts.total()) == count_in(store, start, end),
                         f"{label}: buckets add up to the messages in the window ({sum(counts.total())})")


@drill("clock: stale detector across jumps", "judge a healthy feed (last success at now, 30 s interval) "
       "after the clock jumps 2 h forward and 2 h back")
def stale(checks: Checks) -> None:
    health = FeedHealth("drill", "ok", NOW, NOW, NOW, None, 0, 10, 0.0)
    forward = refreshed(health, 30.0, NOW + timedelta(hours=2))
    back = refreshed(health, 30.0, NOW - timedelta(hours=2))
    checks.note(f"forward: {forward.state}, «{forward.label}»; back: {back.state}, «{back.label}»")
    checks.check(forward.state == "stale", "a jump forward past 3 intervals shows the feed as stale")
    checks.check(back.state == "ok" and "-" not in back.label, "a jump back keeps it ok, no negative «ago»")
    fake = iter([0.0, 10.0])
    clock = ScenarioClock(NOW, 60.0, monotonic=lambda: next(fake))
    checks.check(clock.now() == NOW + timedelta(minutes=10), "scenario clock advances by speed × monotonic time")
    default = inspect.signature(ScenarioClock).parameters["monotonic"].default
    checks.check(default is time.monotonic,
                 "the scenario clock (demo, drills) runs on time.monotonic: system clock jumps do not move it")
