"""Start-up on a first look: today's drills drawn before the store opens, the store opened
behind them with all its checks and the daily backup, keys pressed meanwhile kept, and a
database the store refuses still reported as a one-line error with nothing written."""

from __future__ import annotations

import gc
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.clock import MockClock
from textual.pilot import Pilot
from textual.widgets import Static

from backtrack import collector
from backtrack.catalog import Catalog
from backtrack.clock import FixedClock, local_date
from backtrack.store import Store, StoreError
from backtrack.store.backup import list_backups
from backtrack.tui import app as app_module
from backtrack.tui.app import BacktrackApp, create_app
from backtrack.tui.screens.checkin import CheckInScreen
from backtrack.tui.screens.help import HelpScreen
from backtrack.tui.screens.history import HistoryScreen
from backtrack.tui.screens.timer import TimerScreen
from backtrack.tui.screens.today import TodayScreen
from backtrack.tui.widgets.drill_list import DrillCard, next_marker
from backtrack.tui.widgets.log_form import LogForm
from backtrack.tui.widgets.set_table import SetTable
from backtrack.tui.widgets.top_bar import TopBar

from .conftest import no_red_flags, settle


async def until(pilot: Pilot, condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for: {what}"
        await pilot.pause(0.01)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Hold the store's opening behind the first look until the test sets the event."""
    release = threading.Event()
    real = app_module.open_log

    def held_open(*args, **kwargs):
        assert release.wait(10), "the test never let the store open"
        return real(*args, **kwargs)

    monkeypatch.setattr(app_module, "open_log", held_open)
    yield release
    release.set()


@pytest.fixture
def checked_in(demo_db: Path, catalog: Catalog, clock: FixedClock) -> Path:
    """The demo database with today's check-in recorded (so no question comes up)."""
    store = Store.open(demo_db, catalog, clock)
    try:
        store.check_in(store.athlete("demo"), 1)
    finally:
        store.close()
    return demo_db


def build(db: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock) -> BacktrackApp:
    return create_app(db, "demo", clock=clock, timer_clock=timer_clock, catalog=catalog)


def brand(app: BacktrackApp) -> str:
    """The left of the top bar of the screen showing now (the app's name, the athlete, the
    day)."""
    bar = app.screen.query_one(TopBar)
    return "".join(
        str(bar.query_one(f".{part}", Static).render()) for part in ("app-name", "brand")
    )


def drill_names(app: BacktrackApp) -> list[str]:
    cards = app.screen.query(DrillCard)
    return [str(card.render()).splitlines()[0].split(" ", 1)[1] for card in cards]


async def test_todays_drills_are_drawn_before_the_store_opens(
    checked_in: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock, held
) -> None:
    app = build(checked_in, catalog, clock, timer_clock)
    assert app.opening is not None and app.gym is None
    store = Store.open(checked_in, catalog, clock, maintenance=False)
    try:
        active = [p.exercise_id for p in store.plans(store.athlete("demo")) if p.active]
    finally:
        store.close()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, TodayScreen)
        await until(pilot, lambda: screen.first_frame_shown, "the first frame")
        assert app.gym is None and screen.view is None  # the store is not open yet
        assert drill_names(app) == [catalog.get(e).name for e in active]
        title = str(screen.query_one("#drill-title", Static).render())
        assert title.startswith(catalog.get(active[0]).name) and "Plan 3 ×" in title
        held.set()
        await settle(pilot)
        assert app.gym is not None and app.gym.athlete.name == "demo"
        assert screen.view is not None and screen.query_one(SetTable) and screen.query_one(LogForm)
        assert drill_names(app) == [catalog.get(e).name for e in active]


async def test_the_first_look_shows_each_drills_plan_and_the_suggestions_follow(
    checked_in: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock, held
) -> None:
    """The cards' plan lines come from the first look (no store, no rules yet: 'next …');
    the rules' markers come with the store, the plan lines as they were."""
    app = build(checked_in, catalog, clock, timer_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await until(pilot, lambda: screen.first_frame_shown, "the first frame")
        assert app.gym is None
        first = [str(card.render()).splitlines() for card in screen.query(DrillCard)]
        assert len(first) == 4 and all(len(card) == 4 for card in first)
        assert [card[3] for card in first] == ["  next …"] * len(first)
        assert all(card[1].startswith("  3×6-8 · ") for card in first)
        held.set()
        await settle(pilot)
        loaded = [str(card.render()).splitlines() for card in screen.query(DrillCard)]
        assert [card[1] for card in loaded] == [card[1] for card in first]
        assert [card[3] for card in loaded] == [
            f"  next {next_marker(drill)[0]}" for drill in screen.view.drills
        ]
        assert "  next …" not in [card[3] for card in loaded]


async def test_keys_pressed_before_the_store_opens_run_once_today_is_shown(
    checked_in: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock, held
) -> None:
    app = build(checked_in, catalog, clock, timer_clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await until(pilot, lambda: screen.first_frame_shown, "the first frame")
        await pilot.press("2", "h")  # the second drill, then its history
        assert isinstance(app.screen, TodayScreen)
        held.set()
        await settle(pilot)
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen), "the history")
        assert app.screen.exercise_id == screen.view.drills[1].exercise.id


async def test_timer_and_help_open_before_the_store_does(
    checked_in: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock, held
) -> None:
    """t and ? as the app comes up (no session yet) open their screens, headed with the
    first look's athlete and day; they stay up while the session opens behind them."""
    app = build(checked_in, catalog, clock, timer_clock)
    async with app.run_test(size=(120, 40)) as pilot:
        today = app.screen
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TimerScreen), "the timer")
        assert app.gym is None
        heading = f"backtrack  ·  demo  ·  {local_date(clock.now()):%a %d %b}"
        assert brand(app) == heading
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        assert app.gym is None and brand(app) == heading
        held.set()
        await settle(pilot)
        assert app.gym is not None and isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert app.screen is today and today.view is not None


async def test_the_check_in_question_comes_before_keys_pressed_early(
    demo_db: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock, held
) -> None:
    app = build(demo_db, catalog, clock, timer_clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await until(pilot, lambda: screen.first_frame_shown, "the first frame")
        await pilot.press("h")
        held.set()
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("3")
        await settle(pilot)
        await no_red_flags(pilot)  # due: the demo's check-ins never answered them
        assert app.screen is screen  # the early h was dropped with the question


async def test_the_daily_backup_is_made_behind_the_first_look(
    demo_db: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock, held
) -> None:
    """The first open of the day backs the file up, after the drills are on screen."""
    today = local_date(clock.now())
    assert not [b for b in list_backups(demo_db) if b.taken_at.astimezone().date() == today]
    app = build(demo_db, catalog, clock, timer_clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.first_frame_shown, "the first frame")
        assert list_backups(demo_db) == []
        held.set()
        await settle(pilot)
        assert app.gym is not None
    taken = [b.taken_at.astimezone().date() for b in list_backups(demo_db)]
    assert taken == [today]


@pytest.fixture
def from_the_future(checked_in: Path) -> bytes:
    """The demo database as a newer backtrack would leave it: a schema step this one does
    not know (the first look reads it fine; the store refuses it)."""
    with sqlite3.connect(checked_in) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('backtrack', '9999_from_the_future', ?)",
            [datetime(2027, 1, 1, tzinfo=UTC).isoformat()],
        )
    conn.close()
    return checked_in.read_bytes()


async def test_a_database_the_store_refuses_closes_the_app_and_is_left_untouched(
    checked_in: Path, from_the_future: bytes, catalog, clock, timer_clock
) -> None:
    app = build(checked_in, catalog, clock, timer_clock)
    assert app.opening is not None
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.return_code is not None, "the app to close")
    assert app.return_code == 2
    assert isinstance(app.start_error, StoreError)
    assert "newer backtrack" in str(app.start_error)
    assert checked_in.read_bytes() == from_the_future
    assert app.gym is None


def test_the_command_line_reports_it_in_one_line(
    checked_in: Path, from_the_future: bytes, monkeypatch: pytest.MonkeyPatch, run
) -> None:
    """`backtrack` (no command) on such a file: 'Error: ...' and exit 2, as before the app
    drew anything first. (The app runs headless here: the test has no terminal.)"""
    real_run = BacktrackApp.run
    monkeypatch.setattr(BacktrackApp, "run", lambda self: real_run(self, headless=True))
    result = run("--athlete", "demo")  # on the test's database: the demo's copy
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: database ")
    assert "newer backtrack" in result.output and len(result.output.strip().splitlines()) == 1
    assert checked_in.read_bytes() == from_the_future


async def test_quitting_as_the_first_look_comes_up_is_clean(
    checked_in: Path, catalog, clock, timer_clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """q while the rest of the page is still being mounted ends the app, with no error."""
    real = TodayScreen._rest_of_page

    def quit_first() -> list:
        app.exit()  # as q would, while the rest of the page is on its way
        return real()

    monkeypatch.setattr(TodayScreen, "_rest_of_page", staticmethod(quit_first))
    app = build(checked_in, catalog, clock, timer_clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.return_code is not None, "the app to close")
    assert app.return_code == 0 and app.start_error is None and app.gym is None


async def test_the_collector_paused_for_start_up_is_back_once_the_session_opens(
    checked_in: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock, held
) -> None:
    """Run from the `backtrack` script, start-up has the garbage collector paused
    (backtrack.collector): the app turns it back on when the session behind the first look is
    open, not before (the first frame and the store's opening are start-up too)."""
    app = build(checked_in, catalog, clock, timer_clock)
    gc.disable()
    collector._paused = True
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            await until(pilot, lambda: screen.first_frame_shown, "the first frame")
            assert not gc.isenabled()
            held.set()
            await until(pilot, lambda: app.gym is not None, "the session")
            assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        collector._paused = False
        gc.enable()
        gc.unfreeze()
