"""The clinic login (issue 16): a browser session of `backtrack serve` shows it before
anything of anyone's log; a wrong password keeps the field shut for the delay kept in the
database (the mock timer clock and the wall clock are moved, never slept); the right one
goes on to the session or the picker. Also: a PIN removed as forgotten is told to its
athlete when they next sign in."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.clock import MockClock
from textual.widgets import Input, Static

from backtrack.catalog import Catalog
from backtrack.clock import FixedClock
from backtrack.store import Store
from backtrack.tui.app import BacktrackApp, create_app
from backtrack.tui.screens.athletes import AthletePickerScreen
from backtrack.tui.screens.login import ClinicLoginScreen
from backtrack.tui.screens.today import TodayScreen

from .conftest import footer_keys, settle

PASSWORD = "Lumbar-Flexion-42"


def with_password(db_path: Path, catalog: Catalog, clock: FixedClock, *names: str) -> None:
    store = Store.open(db_path, catalog, clock)
    try:
        store.set_clinic_password(PASSWORD, via="command line")
        for name in names:
            store.athlete(name)
    finally:
        store.close()


@pytest.fixture
def served(db_path: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock):  # type: ignore[no-untyped-def]
    def make(mode: str = "if-set") -> BacktrackApp:
        return create_app(
            db_path,
            None,
            clock=clock,
            timer_clock=timer_clock,
            catalog=catalog,
            clinic_login=mode,  # type: ignore[arg-type]
        )

    return make


def status(pilot) -> str:  # type: ignore[no-untyped-def]
    return str(pilot.app.screen.query_one("#login-status", Static).render())


async def until(pilot, condition, what: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(250):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never happened: {what}")


async def test_login_comes_first_and_wrong_passwords_wait(
    served, db_path: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock
) -> None:  # type: ignore[no-untyped-def]
    with_password(db_path, catalog, clock, "ann", "bob")  # two athletes: the picker next
    app = served()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, ClinicLoginScreen)
        assert app.gym is None and app.via == "browser"
        assert not any(isinstance(s, TodayScreen) for s in pilot.app.screen_stack)
        assert footer_keys(pilot) == ["^q Quit"]
        field = pilot.app.screen.query_one(Input)
        assert field.password and field.has_focus
        # the app's keys do nothing here: q, t, ? type into the box; ctrl+p is shut
        await pilot.press("ctrl+p", "t", "question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ClinicLoginScreen) and field.value == "t?"
        field.value = ""
        await pilot.press(*"Wrong-Guess-1", "enter")
        await until(pilot, lambda: "Wait 1 s" in status(pilot), "the first wait")
        assert field.disabled and field.value == ""
        assert "Wrong password (1 in a row)" in status(pilot)
        clock.advance(seconds=1)
        timer_clock.set_time(1.0)
        await until(pilot, lambda: not field.disabled, "the field opens")
        await pilot.press(*"Wrong-Guess-2", "enter")
        await until(pilot, lambda: "Wait 2 s" in status(pilot), "the second wait")
        clock.advance(seconds=2)
        timer_clock.set_time(3.0)
        await until(pilot, lambda: not field.disabled, "the field opens again")
        await pilot.press(*PASSWORD, "enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, AthletePickerScreen), "the picker")
    store = Store.open(db_path, catalog, clock)
    try:
        assert store.clinic_wait().failures == 0
        wrong = [(e.event, e.via) for e in store.access_events() if e.event.startswith("wrong")]
        assert wrong == [("wrong-password", "browser")] * 2
    finally:
        store.close()


async def test_a_lone_athlete_opens_after_the_login(
    served, db_path: Path, catalog: Catalog, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    with_password(db_path, catalog, clock)
    app = served()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, ClinicLoginScreen)
        await pilot.press(*PASSWORD, "enter")
        await until(pilot, lambda: app.gym is not None, "the session opens")
        await settle(pilot)
        assert any(isinstance(s, TodayScreen) for s in pilot.app.screen_stack)
        assert app.login is None


async def test_a_login_during_another_sessions_wait_is_refused_unchecked(
    served, db_path: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock
) -> None:  # type: ignore[no-untyped-def]
    with_password(db_path, catalog, clock)
    other = Store.open(db_path, catalog, clock)
    try:
        other.try_clinic_password("Wrong-Guess-1", via="browser")  # another tab, just now
    finally:
        other.close()
    app = served()
    async with app.run_test(size=(100, 30)) as pilot:
        # (not `settle`: the screen's worker waits on the mock clock until it is moved)
        await until(pilot, lambda: isinstance(pilot.app.screen, ClinicLoginScreen), "login")
        field = pilot.app.screen.query_one(Input)
        await until(pilot, lambda: field.disabled, "the field shut by the other tab's try")
        assert "Wait 1 s" in status(pilot)
        timer_clock.set_time(1.0)  # this screen's wait is over, the wall clock stands still
        await until(pilot, lambda: not field.disabled, "the field opens")
        await pilot.press(*PASSWORD, "enter")
        await until(pilot, lambda: "not checked" in status(pilot), "refused unchecked")
        assert isinstance(pilot.app.screen, ClinicLoginScreen)


async def test_required_without_a_password_lets_nobody_in(served) -> None:  # type: ignore[no-untyped-def]
    app = served("required")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, ClinicLoginScreen)
        assert "No clinic password is set" in status(pilot)
        assert not pilot.app.screen.query(Input)
        await pilot.press("enter", "escape", "q")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ClinicLoginScreen) and app.gym is None


async def test_if_set_without_a_password_opens_as_the_terminal_does(served) -> None:  # type: ignore[no-untyped-def]
    app = served("if-set")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert not isinstance(pilot.app.screen, ClinicLoginScreen)
        assert app.gym is not None and app.via == "browser"


async def test_a_forgotten_pin_is_told_at_the_next_sign_in(
    make_app, db_path: Path, catalog: Catalog, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(db_path, catalog, clock)
    try:
        me = store.change_pin(store.athlete("me"), "2468", via="app", allowed_by="none")
        store.change_pin(me, None, via="command line", allowed_by="forgotten")
    finally:
        store.close()
    for told in (True, False):  # told once
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await until(pilot, lambda app=app: app.gym is not None, "the session")
            await settle(pilot)
            notes = [n.message for n in pilot.app._notifications]
            assert any("PIN was removed" in note for note in notes) is told, notes
