"""What the screens look like, as SVG snapshots (tests/tui/__snapshots__, reviewed by eye).

Deterministic: a 100x30 terminal, the wall clock fixed at 2026-11-25 08:00 UTC with the
machine's zone pinned to UTC, the rest timer on a MockClock, no blinking cursor, and no
notifications left over from earlier steps. After a change to the screens, look at the
failure report, then run `pytest tests/tui/test_tui_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.clock import MockClock
from textual.widgets import Input

from backtrack import progression
from backtrack.store import Store

from .conftest import settle, start

SIZE = (100, 30)
DRILL = "jefferson-curl"


@pytest.fixture(autouse=True)
def utc_machine(local_zone) -> None:
    """Set times and dates are shown in the machine's zone: pin it."""
    local_zone("UTC")


async def steady(pilot) -> None:
    """Wait for the database work, stop the cursor blinking and drop old notifications."""
    await settle(pilot)
    for field in pilot.app.query(Input):
        field.cursor_blink = False
    pilot.app.clear_notifications()
    await pilot.pause()


def compare(snap_compare, app, run_before) -> bool:
    """Snapshot the app after `run_before`, which must have run to its end (a crash at start
    would otherwise give an empty picture that --snapshot-update accepts)."""
    finished: list[bool] = []

    async def then_mark(pilot) -> None:
        await run_before(pilot)
        finished.append(True)

    same = snap_compare(app, terminal_size=SIZE, run_before=then_mark)
    assert finished, "the app did not get as far as the picture"
    return same


def seed_flare_today(store: Store) -> None:
    """Yesterday an easy session (accepted: ROM 1 -> 2); today three sets, the last one hurt.

    The rules then suggest stepping back to ROM 1, with accept and decline keys.
    """
    me = store.athlete("me")
    now = store.clock.now()
    yesterday = now - timedelta(days=1)
    store.check_in(me, 1, at=yesterday - timedelta(minutes=30))
    for number in range(3):
        store.log_set(
            me, DRILL, reps=8, rpe=7, pain=1, at=yesterday + timedelta(minutes=3 * number)
        )
    store.check_in(me, 1, at=now - timedelta(minutes=30))
    progression.decide(store, me, DRILL, accept=True)
    for number, (reps, pain) in enumerate(((8, 2), (7, 3), (6, 6))):
        store.log_set(
            me,
            DRILL,
            reps=reps,
            rpe=7.5 + number * 0.5,
            pain=pain,
            note="slow tempo" if number == 0 else None,
            at=now - timedelta(minutes=20 - 4 * number),
        )
    assert progression.current_suggestion(store, me, DRILL).action == "regress"


def test_check_in_modal(make_app, snap_compare):
    async def opened(pilot) -> None:
        await settle(pilot)
        for field in pilot.app.query(Input):
            field.cursor_blink = False

    assert compare(snap_compare, make_app(), opened)


def test_today_empty(make_app, snap_compare):
    async def checked_in(pilot) -> None:
        await start(pilot, pain="2")
        await steady(pilot)

    assert compare(snap_compare, make_app(), checked_in)


def test_today_with_sets_and_a_suggestion(make_app, store: Store, snap_compare):
    seed_flare_today(store)
    assert compare(snap_compare, make_app(), steady)


def test_today_with_sets_and_a_suggestion_light_theme(make_app, store: Store, snap_compare):
    seed_flare_today(store)

    async def light(pilot) -> None:
        await steady(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()

    assert compare(snap_compare, make_app(), light)


def test_timer_running(make_app, timer_clock: MockClock, snap_compare):
    async def resting(pilot) -> None:
        await start(pilot)
        await pilot.press("enter", "enter")  # log a set: the 1:30 rest starts
        await steady(pilot)
        timer_clock.set_time(timer_clock.time + 23)
        await pilot.press("t")
        pilot.app.tick_timers()
        await pilot.pause()

    assert compare(snap_compare, make_app(), resting)


def test_timer_at_zero(make_app, timer_clock: MockClock, snap_compare):
    async def rest_over(pilot) -> None:
        pilot.app.bell = lambda: None
        await start(pilot)
        await pilot.press("enter", "enter")
        await steady(pilot)
        await pilot.press("t")
        timer_clock.set_time(timer_clock.time + 90)
        pilot.app.tick_timers()  # rings, flashes and notifies "Rest over"
        await pilot.pause()

    assert compare(snap_compare, make_app(), rest_over)


def test_help(make_app, snap_compare):
    async def help_open(pilot) -> None:
        await start(pilot)
        await steady(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert compare(snap_compare, make_app(), help_open)
