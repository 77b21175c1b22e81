"""q quits the app from every screen and every question, except while the cursor is in a
box where q is something to type (a note, a name). Quitting from a question answers it
with nothing: no check-in recorded, no set deleted."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.clock import MockClock
from textual.pilot import Pilot
from textual.widgets import Input

from backtrack.catalog import Catalog
from backtrack.clock import FixedClock
from backtrack.store import Store
from backtrack.tui.app import BacktrackApp, create_app
from backtrack.tui.screens.athletes import AthletePickerScreen, NameScreen, PinScreen
from backtrack.tui.screens.checkin import CheckInScreen
from backtrack.tui.screens.confirm import ConfirmScreen
from backtrack.tui.screens.help import HelpScreen
from backtrack.tui.screens.history import HistoryScreen
from backtrack.tui.screens.timer import TimerScreen
from backtrack.tui.screens.today import TodayScreen
from backtrack.tui.widgets.log_form import LogForm

from .conftest import settle, start


async def until(pilot: Pilot, condition: Callable[[], bool], what: str) -> None:
    """Let the app run (workers, PIN checks) until `condition` holds; the deadline is
    generous because a PIN check (scrypt) is slow on a busy machine."""
    deadline = time.monotonic() + 30
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {what}")
        await pilot.pause(0.02)


async def quits(pilot: Pilot, screen_type: type) -> None:
    """On a `screen_type` screen, q ends the app (exit code 0)."""
    assert isinstance(pilot.app.screen, screen_type), pilot.app.screen
    assert pilot.app.return_code is None
    await pilot.press("q")
    assert pilot.app.return_code == 0, f"q did not quit from {screen_type.__name__}"


@pytest.fixture
def demo_app(
    demo_db: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock
) -> Callable[..., BacktrackApp]:
    """The app on the demo database: 'demo' straight away, or None for the picker."""

    def build(athlete: str | None = "demo") -> BacktrackApp:
        return create_app(demo_db, athlete, clock=clock, timer_clock=timer_clock, catalog=catalog)

    return build


async def test_q_quits_from_the_check_in_question_without_checking_in(make_app, store: Store):
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await quits(pilot, CheckInScreen)
    assert store.checkin_on(store.athlete("me"), app.gym.today) is None


async def test_q_quits_from_today(make_app):
    async with make_app().run_test() as pilot:
        await start(pilot)
        await quits(pilot, TodayScreen)


async def test_q_is_typed_in_the_note_box_and_quits_after_esc(make_app):
    async with make_app().run_test() as pilot:
        await start(pilot)
        await pilot.press("enter")  # the cursor goes to the set form
        pilot.app.screen.query_one(LogForm).field("note").focus()
        await pilot.press("q", "u", "a", "d")
        assert pilot.app.return_code is None
        assert pilot.app.screen.query_one(LogForm).field("note").value == "quad"
        await pilot.press("escape")
        await quits(pilot, TodayScreen)


async def test_q_quits_from_the_timer(make_app):
    async with make_app().run_test() as pilot:
        await start(pilot)
        await pilot.press("t")
        await quits(pilot, TimerScreen)


async def test_q_quits_from_help_rather_than_only_closing_it(make_app):
    async with make_app().run_test() as pilot:
        await start(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        await quits(pilot, HelpScreen)


async def test_help_lists_q_once_as_quitting_everywhere(make_app):
    async with make_app().run_test() as pilot:
        await start(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        sections = pilot.app.screen.sections()
    quit_rows = [(title, keys) for title, rows in sections for keys, _ in rows if keys == "q"]
    assert quit_rows == [("Everywhere", "q")]


async def test_q_quits_from_a_yes_no_question_and_nothing_is_deleted(make_app, store: Store):
    me = store.athlete("me")
    store.log_set(me, "jefferson-curl", reps=8, rpe=7, pain=1)
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        await pilot.press("x")
        await pilot.pause()
        await quits(pilot, ConfirmScreen)
    assert [s.reps for s in store.sets_on(me, app.gym.today)] == [8]


async def test_q_quits_from_history(demo_app):
    async with demo_app().run_test(size=(100, 30)) as pilot:
        await start(pilot)
        await pilot.press("h")
        await settle(pilot)
        await quits(pilot, HistoryScreen)


async def test_q_quits_from_the_picker(demo_app):
    async with demo_app(None).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await quits(pilot, AthletePickerScreen)


async def test_q_quits_from_the_pin_screen_while_a_wrong_pin_blocks_it(demo_app):
    async with demo_app("guest").run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, PinScreen), "the PIN screen")
        field = pilot.app.screen.query_one(Input)
        await pilot.press(*"1111", "enter")
        await until(pilot, lambda: field.disabled and not field.value, "the PIN is refused")
        await quits(pilot, PinScreen)


async def test_q_is_typed_in_a_name_and_quits_after_esc(demo_app):
    async with demo_app(None).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(pilot.app.screen, NameScreen), "the name box")
        await pilot.press("q", "u", "i", "n", "n")
        assert pilot.app.return_code is None
        assert pilot.app.screen.query_one(Input).value == "quinn"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(pilot.app.screen, AthletePickerScreen), "back")
        await quits(pilot, AthletePickerScreen)
