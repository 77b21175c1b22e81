"""Athletes on a shared terminal: the picker at start, PINs (set, unlock, wrong PINs with a
growing delay on the mock clock), managing athletes, and the idle lock that hides the last
session (its screens, timers and notes) behind the picker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.clock import MockClock
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from backtrack.catalog import Catalog
from backtrack.clock import FixedClock
from backtrack.demo import GUEST_PIN
from backtrack.store import Store
from backtrack.tui.app import BacktrackApp, create_app
from backtrack.tui.lock import IDLE_ENV
from backtrack.tui.screens.athletes import (
    AthletePickerScreen,
    NameScreen,
    NewPinScreen,
    PinScreen,
)
from backtrack.tui.screens.confirm import ConfirmScreen
from backtrack.tui.screens.history import HistoryScreen
from backtrack.tui.screens.timer import TimerScreen
from backtrack.tui.screens.today import TodayScreen

from .conftest import footer_keys, settle, start

NEW_PIN = "73915428"


@pytest.fixture
def build(demo_db: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock):  # type: ignore[no-untyped-def]
    """Build the app on the demo database (demo, and guest with a PIN)."""

    def make(athlete: str | None = None, **options: object) -> BacktrackApp:
        return create_app(
            demo_db, athlete, clock=clock, timer_clock=timer_clock, catalog=catalog, **options
        )

    return make


def names(pilot: Pilot) -> list[str]:
    options = pilot.app.screen.query_one(OptionList)
    return [
        str(options.get_option_at_index(i).prompt).split()[0] for i in range(options.option_count)
    ]


async def until(pilot: Pilot, condition: Callable[[], object], what: str) -> None:
    """Let the app run until `condition()` holds (the picker's workers wait on open
    dialogs, so `settle` cannot be used while one shows)."""
    for _ in range(250):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never happened: {what}")


async def pick(pilot: Pilot, name: str) -> None:
    """Highlight `name` in the picker and press Enter; wait for its PIN or its session."""
    picker = pilot.app.screen
    options = picker.query_one(OptionList)
    options.highlighted = names(pilot).index(name)
    await pilot.press("enter")
    await until(pilot, lambda: pilot.app.screen is not picker, f"{name} opens")
    if not isinstance(pilot.app.screen, PinScreen):
        await settle(pilot)


def in_session(pilot: Pilot, name: str) -> bool:
    """True when `name`'s today page is open (perhaps under its check-in question)."""
    gym = pilot.app.gym  # type: ignore[attr-defined]
    today = [s for s in pilot.app.screen_stack if isinstance(s, TodayScreen)]
    return gym is not None and gym.athlete.name == name and len(today) == 1


async def type_pin(pilot: Pilot, pin: str) -> None:
    """Type a PIN and Enter; wait until it is refused or the PIN screen has gone."""
    screen = pilot.app.screen
    field = screen.query_one(Input)
    await pilot.press(*pin, "enter")
    await until(
        pilot,
        lambda: pilot.app.screen is not screen or (field.disabled and not field.value),
        "the PIN is checked",
    )
    await pilot.pause()


def stored(db_path: Path, catalog: Catalog) -> Store:
    return Store.open(db_path, catalog)


async def test_picker_shows_at_start_with_several_athletes(build) -> None:  # type: ignore[no-untyped-def]
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, AthletePickerScreen)
        assert names(pilot) == ["demo", "guest"]
        assert app.gym is None
        await pilot.press("t", "s", "k")  # session keys do nothing at the picker
        await pilot.pause()
        assert isinstance(pilot.app.screen, AthletePickerScreen)
        assert app.rest.state == "idle" and not app.stopwatch.running
        await pick(pilot, "demo")  # no PIN: straight in
        assert in_session(pilot, "demo")


async def test_one_athlete_without_pin_opens_without_picker(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert in_session(pilot, "me") and not app.shared


class BothClocks:
    """Moves the app's timer clock and the wall clock together: the wait after a wrong PIN
    is kept in the database in wall time (shared by every process), and the PIN screen
    counts it down on the timer clock."""

    def __init__(self, timer_clock: MockClock, clock: FixedClock) -> None:
        self.timer_clock, self.clock, self.at = timer_clock, clock, 0.0

    def set_time(self, seconds: float) -> None:
        self.clock.advance(seconds=seconds - self.at)
        self.timer_clock.set_time(seconds)
        self.at = seconds


async def test_pin_unlocks_and_wrong_pins_wait_longer_each_time(
    build, timer_clock: MockClock, clock: FixedClock, demo_db: Path, catalog: Catalog
) -> None:  # type: ignore[no-untyped-def]
    both = BothClocks(timer_clock, clock)
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pick(pilot, "guest")
        assert isinstance(pilot.app.screen, PinScreen)
        assert footer_keys(pilot) == ["esc Cancel"]
        field = pilot.app.screen.query_one(Input)
        assert field.password
        await type_pin(pilot, "1111")
        status = str(pilot.app.screen.query_one("#pin-status", Static).render())
        assert "Wrong PIN" in status and "Wait 1 s" in status
        assert field.disabled and field.value == ""
        both.set_time(0.5)
        await pilot.pause(0.15)
        assert field.disabled  # still blocked half-way through the first delay
        both.set_time(1.0)
        await pilot.pause(0.15)
        assert not field.disabled
        await type_pin(pilot, "2222")  # the second wrong PIN blocks for 2 s
        assert "Wait 2 s" in str(pilot.app.screen.query_one("#pin-status", Static).render())
        # leaving and coming back does not skip the wait (it is in the database)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, AthletePickerScreen)
        await pick(pilot, "guest")
        field = pilot.app.screen.query_one(Input)
        both.set_time(2.5)
        await pilot.pause(0.15)
        assert field.disabled
        both.set_time(3.0)
        await pilot.pause(0.15)
        assert not field.disabled
        await type_pin(pilot, GUEST_PIN)
        assert in_session(pilot, "guest")
    store = stored(demo_db, catalog)
    try:
        assert store.pin_wait(store.athlete("guest", create=False)).failures == 0
        wrong = [e for e in store.access_events() if e.event == "wrong-pin"]
        assert [(e.athlete, e.via) for e in wrong] == [("guest", "app")] * 2
    finally:
        store.close()


async def test_a_wrong_pin_in_another_process_blocks_this_screen(
    build, timer_clock: MockClock, clock: FixedClock, demo_db: Path, catalog: Catalog
) -> None:  # type: ignore[no-untyped-def]
    """Another window (here: another connection, as another process would be) got the PIN
    wrong just now: this screen opens shut for the wait it earned, and a PIN typed during it
    is refused unchecked."""
    other = Store.open(demo_db, catalog, clock)
    try:
        guest = other.athlete("guest", create=False)
        for _ in range(3):  # 1 s, 2 s, then 4 s to wait (the wall clock moved past each)
            assert not other.try_pin(guest, "0000", via="browser").ok
            clock.advance(seconds=10)
        clock.advance(seconds=-10)  # just after the third
    finally:
        other.close()
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pick(pilot, "guest")
        field = pilot.app.screen.query_one(Input)
        await until(pilot, lambda: field.disabled, "the field shuts")
        status = str(pilot.app.screen.query_one("#pin-status", Static).render())
        assert "3 in a row" in status and "Wait 4 s" in status
        timer_clock.set_time(4.0)
        await until(pilot, lambda: not field.disabled, "the field opens")
        await type_pin(pilot, GUEST_PIN)  # the wall clock stands still: still blocked
        status = str(pilot.app.screen.query_one("#pin-status", Static).render())
        assert "not checked" in status and isinstance(pilot.app.screen, PinScreen)
        clock.advance(seconds=4)
        timer_clock.set_time(8.0)
        await until(pilot, lambda: not field.disabled, "the field opens again")
        await type_pin(pilot, GUEST_PIN)
        assert in_session(pilot, "guest")


async def test_named_athlete_with_a_pin_is_asked_for_it(build) -> None:  # type: ignore[no-untyped-def]
    app = build("guest")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, PinScreen), "the PIN is asked")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, AthletePickerScreen) and app.gym is None


async def test_add_athlete_set_pin_rename_unit_and_archive(
    build, demo_db: Path, catalog: Catalog
) -> None:  # type: ignore[no-untyped-def]
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(pilot.app.screen, NameScreen)
        assert footer_keys(pilot) == ["esc Cancel"]  # q is typed into the name
        await pilot.press(*"zoe", "enter")
        await settle(pilot)
        assert names(pilot) == ["demo", "guest", "zoe"]
        assert pilot.app.screen.highlighted.name == "zoe"
        # a PIN, typed twice; a mismatch is refused
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(pilot.app.screen, NewPinScreen)
        await pilot.press(*NEW_PIN, "enter", *"12345678", "enter")
        await pilot.pause()
        assert "differ" in str(pilot.app.screen.query_one("#new-pin-status", Static).render())
        await pilot.press(*NEW_PIN, "enter", *NEW_PIN, "enter")
        await settle(pilot)
        # renaming asks zoe's new PIN first
        await pilot.press("r")
        await until(pilot, lambda: isinstance(pilot.app.screen, PinScreen), "the PIN is asked")
        await type_pin(pilot, NEW_PIN)
        assert isinstance(pilot.app.screen, NameScreen)
        pilot.app.screen.query_one(Input).value = ""
        await pilot.press(*"zoey", "enter")
        await settle(pilot)
        await pilot.press("u")
        await until(pilot, lambda: isinstance(pilot.app.screen, PinScreen), "the PIN is asked")
        await type_pin(pilot, NEW_PIN)
        await settle(pilot)
        store = stored(demo_db, catalog)
        try:
            zoey = store.athlete("zoey", create=False)
            assert zoey.has_pin and store.check_pin(zoey, NEW_PIN) and zoey.unit == "lb"
        finally:
            store.close()
        data = b"".join(p.read_bytes() for p in demo_db.parent.glob(f"{demo_db.name}*"))
        assert NEW_PIN.encode() not in data
        # archiving asks the PIN and a yes; the athlete leaves the list
        await pilot.press("a")
        await until(pilot, lambda: isinstance(pilot.app.screen, PinScreen), "the PIN is asked")
        await type_pin(pilot, NEW_PIN)
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert names(pilot) == ["demo", "guest"]


async def test_ctrl_d_removes_a_pin_with_the_cursor_in_the_pin_box(
    build, demo_db: Path, catalog: Catalog
) -> None:  # type: ignore[no-untyped-def]
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        pilot.app.screen.query_one(OptionList).highlighted = names(pilot).index("guest")
        await pilot.press("p")
        await until(pilot, lambda: isinstance(pilot.app.screen, PinScreen), "the PIN is asked")
        await type_pin(pilot, GUEST_PIN)
        assert isinstance(pilot.app.screen, NewPinScreen)
        assert pilot.app.screen.query_one("#first", Input).has_focus
        assert sorted(footer_keys(pilot)) == ["^d Remove the PIN", "esc Cancel"]
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert isinstance(pilot.app.screen, AthletePickerScreen)
    store = stored(demo_db, catalog)
    try:
        assert not store.athlete("guest", create=False).has_pin
    finally:
        store.close()


async def test_ctrl_d_is_not_offered_without_a_pin(build) -> None:  # type: ignore[no-untyped-def]
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        pilot.app.screen.query_one(OptionList).highlighted = names(pilot).index("demo")
        await pilot.press("p")
        await until(pilot, lambda: isinstance(pilot.app.screen, NewPinScreen), "the new PIN")
        assert footer_keys(pilot) == ["esc Cancel"]
        await pilot.press("1", "2", "left", "ctrl+d")  # deletes the 2, as in any text box
        await pilot.pause()
        assert isinstance(pilot.app.screen, NewPinScreen)
        assert pilot.app.screen.query_one("#first", Input).value == "1"


async def test_idle_lock_hides_every_screen_and_the_timers(build, timer_clock: MockClock) -> None:  # type: ignore[no-untyped-def]
    app = build("demo", idle_seconds=300)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        assert app.shared  # two athletes: this terminal locks
        app.start_rest(90, "Jefferson curl set 1")
        app.stopwatch.start()
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TimerScreen)
        timer_clock.set_time(299)
        app.tick_timers()
        await pilot.pause()
        assert isinstance(pilot.app.screen, TimerScreen)  # not yet
        timer_clock.set_time(301)
        app.tick_timers()
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, AthletePickerScreen) and screen.locked
        assert "Locked" in str(screen.query_one("#picker-title", Static).render())
        stack = pilot.app.screen_stack
        assert not any(isinstance(s, TodayScreen | HistoryScreen | TimerScreen) for s in stack)
        assert len(stack) == 2  # the empty base screen and the picker
        assert app.gym is None and app.rest.state == "idle" and not app.stopwatch.running
        assert not list(pilot.app._notifications)
        # the old rest never rings into the locked screen, and session keys do nothing
        timer_clock.set_time(1000)
        app.tick_timers()
        await pilot.press("t", "h", "s")
        await pilot.pause()
        assert pilot.app.screen is screen and not list(pilot.app._notifications)
        assert not app.stopwatch.running
        await pilot.press("question_mark")  # the key list: nothing of the last session
        await pilot.pause()
        assert "demo" not in str(pilot.app.screen.query_one(".brand", Static).render())
        assert "rest" not in str(pilot.app.screen.query_one("RestBadge").render())
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is screen
        await pick(pilot, "guest")
        assert isinstance(pilot.app.screen, PinScreen)  # the next client needs their PIN


async def test_input_keeps_the_session_open(build, timer_clock: MockClock) -> None:  # type: ignore[no-untyped-def]
    app = build("demo", idle_seconds=300)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        timer_clock.set_time(250)
        await pilot.press("right")
        timer_clock.set_time(500)
        app.tick_timers()
        await pilot.pause()
        assert isinstance(pilot.app.screen, TodayScreen)
        timer_clock.set_time(551)
        app.tick_timers()
        await settle(pilot)
        assert isinstance(pilot.app.screen, AthletePickerScreen)


async def test_idle_time_comes_from_the_environment(
    build, timer_clock: MockClock, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(IDLE_ENV, "60")
    app = build("demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        assert app.idle.seconds == 60
        timer_clock.set_time(61)
        app.tick_timers()
        await settle(pilot)
        assert isinstance(pilot.app.screen, AthletePickerScreen)


async def test_a_lone_athlete_without_pin_is_never_locked(make_app, timer_clock: MockClock) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        timer_clock.set_time(100_000)
        app.tick_timers()
        await settle(pilot)
        assert isinstance(pilot.app.screen, TodayScreen)


async def test_ctrl_l_locks_at_once(build) -> None:  # type: ignore[no-untyped-def]
    app = build("demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(pilot.app.screen, AthletePickerScreen) and pilot.app.screen.locked
        await pick(pilot, "demo")
        assert in_session(pilot, "demo")


# -- pictures ------------------------------------------------------------------------------


def test_picker_snapshot(snap_compare, build, local_zone) -> None:  # type: ignore[no-untyped-def]
    """Who is training? The demo's two athletes, one with a PIN."""
    local_zone("UTC")
    finished: list[bool] = []

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.pause()
        finished.append(True)

    assert snap_compare(build(), terminal_size=(100, 30), run_before=run_before)
    assert finished


def test_wrong_pin_snapshot(snap_compare, build, local_zone) -> None:  # type: ignore[no-untyped-def]
    """The PIN screen after a wrong PIN: masked field shut, the wait shown."""
    local_zone("UTC")
    finished: list[bool] = []

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pick(pilot, "guest")
        pilot.app.screen.query_one(Input).cursor_blink = False
        await type_pin(pilot, "1111")
        await pilot.pause()
        finished.append(True)

    assert snap_compare(build(), terminal_size=(100, 30), run_before=run_before)
    assert finished
