"""What the screens look like, as SVG snapshots (tests/tui/__snapshots__, reviewed by eye).

Deterministic: a 100x30 terminal, the wall clock fixed at 2026-11-25 08:00 UTC with the
machine's zone pinned to UTC, the rest timer on a MockClock, no blinking cursor, and no
notifications left over from earlier steps. Apart from the empty first day, the pictures
show the `backtrack demo` data (twelve weeks of the demo athlete), as a newcomer sees it;
scripts/screens turns them into the README's PNGs. After a change to the screens, look at
the failure report, then run `pytest tests/tui/test_tui_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.clock import MockClock
from textual.widgets import Input

from backtrack.catalog import Catalog
from backtrack.clock import FixedClock
from backtrack.tui.app import BacktrackApp, create_app

from .conftest import seed_flare_today, settle, start

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


@pytest.fixture
def demo_app(
    demo_db: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock
) -> Callable[[], BacktrackApp]:
    """Build the app on the demo database, straight on the demo athlete."""

    def build() -> BacktrackApp:
        return create_app(demo_db, "demo", clock=clock, timer_clock=timer_clock, catalog=catalog)

    return build


def test_check_in_modal(demo_app, snap_compare):
    async def opened(pilot) -> None:
        await settle(pilot)
        for field in pilot.app.query(Input):
            field.cursor_blink = False

    assert compare(snap_compare, demo_app(), opened)


def test_today_empty(make_app, snap_compare):
    async def checked_in(pilot) -> None:
        await start(pilot, pain="2")
        await steady(pilot)

    assert compare(snap_compare, make_app(), checked_in)


def test_today_with_sets_and_a_suggestion(demo_app, demo_db, catalog, clock, snap_compare):
    seed_flare_today(demo_db, catalog, clock)
    assert compare(snap_compare, demo_app(), steady)


def test_today_with_sets_and_a_suggestion_light_theme(
    demo_app, demo_db, catalog, clock, snap_compare
):
    """The light theme, with a fourth set half typed: every value whole in its box."""
    seed_flare_today(demo_db, catalog, clock)

    async def light(pilot) -> None:
        await steady(pilot)
        await pilot.press("ctrl+t")
        await pilot.press("enter", "6", "tab", "9", ".", "5", "tab", "4")
        await steady(pilot)

    assert compare(snap_compare, demo_app(), light)


def test_timer_running(demo_app, timer_clock: MockClock, snap_compare):
    async def resting(pilot) -> None:
        await start(pilot)
        await pilot.press("enter", "enter")  # log a set: the 1:30 rest starts
        await steady(pilot)
        timer_clock.set_time(timer_clock.time + 23)
        await pilot.press("t")
        pilot.app.tick_timers()
        await pilot.pause()

    assert compare(snap_compare, demo_app(), resting)


def test_timer_at_zero(demo_app, timer_clock: MockClock, snap_compare):
    async def rest_over(pilot) -> None:
        pilot.app.bell = lambda: None
        await start(pilot)
        await pilot.press("enter", "enter")
        await steady(pilot)
        await pilot.press("t")
        timer_clock.set_time(timer_clock.time + 90)
        pilot.app.tick_timers()  # rings, flashes and notifies "Rest over"
        await pilot.pause()

    assert compare(snap_compare, demo_app(), rest_over)


def test_help(demo_app, snap_compare):
    async def help_open(pilot) -> None:
        await start(pilot)
        await steady(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert compare(snap_compare, demo_app(), help_open)


def test_red_flag_questions(demo_app, snap_compare):
    """After the pain number (due: the demo's check-ins never answered them), one marked."""

    async def asked(pilot) -> None:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("6")
        await steady(pilot)

    assert compare(snap_compare, demo_app(), asked)


def test_red_flag_advice(demo_app, snap_compare):
    """The most urgent advice on a full screen: an emergency, in the error colour."""

    async def advised(pilot) -> None:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("1", "6", "enter")
        await steady(pilot)

    assert compare(snap_compare, demo_app(), advised)


def test_flare_guidance(demo_app, snap_compare):
    async def flare(pilot) -> None:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("enter")  # the red-flag questions: none of these
        await steady(pilot)

    assert compare(snap_compare, demo_app(), flare)


def seed_side_bend_today(db: Path, catalog: Catalog, clock: FixedClock) -> None:
    """This morning the demo athlete checked in at 2/10 and did the side bend's L 1, R 1 and
    L 2 at 16 kg, the right a little sorer: the form offers R 2."""
    from datetime import timedelta

    from backtrack.store import Store

    store = Store.open(db, catalog, clock)
    try:
        demo = store.athlete("demo")
        now = clock.now()
        store.check_in(demo, 2, at=now - timedelta(minutes=30), flags_asked=True)
        for minutes, side, reps, rpe, pain in (
            (20, "L", 8, 7, 1),
            (19, "R", 8, 7.5, 3),
            (17, "L", 7, 7.5, 1),
        ):
            store.log_set(
                demo,
                "half-kneeling-side-bend",
                reps=reps,
                rpe=rpe,
                pain=pain,
                side=side,
                at=now - timedelta(minutes=minutes),
            )
    finally:
        store.close()


def test_today_on_a_two_sided_drill(demo_app, demo_db, catalog, clock, snap_compare):
    """The side bend with sets on both sides: the set table numbers them per side, the card
    counts each side, the form offers the right (alternating) with w and o on its border."""
    seed_side_bend_today(demo_db, catalog, clock)

    async def on_the_side_bend(pilot) -> None:
        await steady(pilot)
        await pilot.press("2")
        await steady(pilot)

    assert compare(snap_compare, demo_app(), on_the_side_bend)


def test_today_with_a_stopped_drill(make_app, store, snap_compare):
    """The Jefferson curl hurt at 7/10 at its starting plan and the stop was accepted: it is
    listed apart, and the session has the three other drills."""
    from datetime import timedelta

    from backtrack import progression

    me = store.athlete("me")
    now = store.clock.now()
    store.check_in(me, 2, at=now - timedelta(minutes=40), flags_asked=True)
    store.log_set(me, DRILL, reps=8, rpe=7, pain=7, at=now - timedelta(minutes=20))
    progression.decide(store, me, DRILL, accept=True)
    store.log_set(me, "half-kneeling-side-bend", reps=8, rpe=6, pain=1, side="L")
    assert DRILL in store.stopped_drills(me)
    assert compare(snap_compare, make_app(), steady)
