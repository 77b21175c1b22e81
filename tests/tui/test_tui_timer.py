"""The rest countdown and set stopwatch, on a MockClock: the test moves time, the app reads it.

`app.tick_timers()` is what the app's 0.2 s interval calls; the tests call it right after
moving the clock so they never wait for real time.
"""

from __future__ import annotations

import pytest
from textual.clock import MockClock
from textual.widgets import Digits

from backtrack.store import Store
from backtrack.tui.screens.help import HelpScreen
from backtrack.tui.screens.history import HistoryScreen
from backtrack.tui.screens.timer import TimerScreen
from backtrack.tui.screens.today import TodayScreen
from backtrack.tui.widgets.log_form import LogForm
from backtrack.tui.widgets.rest_timer import RestBadge, RestDisplay, StopwatchDisplay
from backtrack.tui.widgets.top_bar import TopBar

from .conftest import settle, start

JEFFERSON_REST = 90  # rest_seconds of the Jefferson curl in the shipped catalog


@pytest.fixture
def bells() -> list[str]:
    """Every ring of the terminal bell, by the screen that was showing."""
    return []


def ring_recorder(app, bells: list[str]):
    def bell() -> None:
        bells.append(type(app.screen).__name__)

    return bell


def badge(app) -> str:
    """The rest time in the top bar of the screen showing now."""
    return str(app.screen.query_one(TopBar).query_one(RestBadge).render())


def big_rest(app) -> str:
    """The digits of the rest countdown on the screen showing now."""
    return app.screen.query_one(RestDisplay).query_one(Digits).value


async def move(pilot, clock: MockClock, seconds: float) -> None:
    """Move the fake clock on and let the app read it."""
    clock.set_time(clock.time + seconds)
    pilot.app.tick_timers()
    await pilot.pause()


async def log_a_set(pilot) -> None:
    await pilot.press("enter", "enter")
    await settle(pilot)


async def test_rest_starts_by_itself_after_a_set_with_the_drills_rest(make_app, timer_clock):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        assert app.rest.state == "idle"
        assert big_rest(app) == "0:00"
        assert "rest" not in badge(app)
        await log_a_set(pilot)
        assert app.rest.state == "running"
        assert app.rest.total == JEFFERSON_REST
        assert big_rest(app) == "1:30"
        assert "rest 1:30" in badge(app)
        assert "Jefferson curl set 1" in str(
            app.screen.query_one(RestDisplay).query_one(".caption").render()
        )


async def test_the_rest_of_another_drill_uses_that_drills_time(make_app, catalog):
    """The side bend's own rest (its sides in the order all left first, so the next set is
    on the same side: the full rest, not the side switch's)."""
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        await pilot.press("right", "o")
        await settle(pilot)
        drill = app.screen.drill.exercise
        assert drill.rest_seconds != JEFFERSON_REST
        await log_a_set(pilot)
        assert app.rest.total == drill.rest_seconds
        minutes, seconds = divmod(drill.rest_seconds, 60)
        assert big_rest(app) == f"{minutes}:{seconds:02d}"


async def test_counts_down_with_the_clock_and_rings_once_at_zero(make_app, timer_clock, bells):
    app = make_app()
    app.bell = ring_recorder(app, bells)
    async with app.run_test() as pilot:
        await start(pilot)
        await log_a_set(pilot)
        await move(pilot, timer_clock, 30)
        assert big_rest(app) == "1:00"
        assert "rest 1:00" in badge(app)
        await move(pilot, timer_clock, 59.5)
        assert big_rest(app) == "0:01", "a part second still shows as a second"
        assert bells == []
        await move(pilot, timer_clock, 0.5)
        assert bells == ["TodayScreen"]
        assert app.rest.state == "done"
        assert big_rest(app) == "0:00"
        assert "REST OVER" in badge(app)
        rest_over = [n for n in app._notifications if n.title == "Rest over"]
        assert len(rest_over) == 1 and "next set" in rest_over[0].message
        assert app.screen.query_one(RestDisplay).has_class("-flash")
        assert app.screen.query_one(TopBar).has_class("-flash")
        await move(pilot, timer_clock, 5)
        assert bells == ["TodayScreen"], "the bell rings once, not on every tick"
        assert not app.screen.query_one(TopBar).has_class("-flash"), "the flash ends"


async def test_the_apps_own_interval_reads_the_clock(make_app, timer_clock, bells):
    app = make_app()
    app.bell = ring_recorder(app, bells)
    async with app.run_test() as pilot:
        await start(pilot)
        await log_a_set(pilot)
        timer_clock.set_time(timer_clock.time + JEFFERSON_REST)
        for _ in range(20):  # the interval is 0.2 s of real time
            if bells:
                break
            await pilot.pause(0.1)
        assert bells == ["TodayScreen"]


async def test_pause_and_resume(make_app, timer_clock):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        await log_a_set(pilot)
        await move(pilot, timer_clock, 10)
        await pilot.press("space")
        await move(pilot, timer_clock, 100)
        assert app.rest.state == "paused"
        assert big_rest(app) == "1:20", "time stands still while paused"
        assert "paused" in badge(app)
        await pilot.press("space")
        await move(pilot, timer_clock, 20)
        assert app.rest.state == "running"
        assert big_rest(app) == "1:00"


async def test_plus_and_minus_fifteen_seconds(make_app, timer_clock):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        await log_a_set(pilot)
        await pilot.press("plus")
        await pilot.pause()
        assert big_rest(app) == "1:45"
        await pilot.press("minus", "minus", "minus")
        await pilot.pause()
        assert big_rest(app) == "1:00"
        await move(pilot, timer_clock, 50)
        assert big_rest(app) == "0:10"
        await pilot.press("minus")
        await pilot.pause()
        assert big_rest(app) == "0:00", "never below zero"


async def test_minus_to_zero_rings_the_bell(make_app, timer_clock, bells):
    app = make_app()
    app.bell = ring_recorder(app, bells)
    async with app.run_test() as pilot:
        await start(pilot)
        await log_a_set(pilot)
        await pilot.press(*["minus"] * 6)
        await pilot.pause()
        assert bells == ["TodayScreen"]


async def test_skip_ends_the_rest_without_the_bell(make_app, timer_clock, bells):
    app = make_app()
    app.bell = ring_recorder(app, bells)
    async with app.run_test() as pilot:
        await start(pilot)
        await log_a_set(pilot)
        await pilot.press("k")
        await move(pilot, timer_clock, JEFFERSON_REST + 10)
        assert app.rest.state == "idle"
        assert bells == []
        assert "rest" not in badge(app)


async def test_set_stopwatch_times_the_set_and_notes_it(make_app, timer_clock, store: Store):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        await log_a_set(pilot)
        await pilot.press("s")
        assert app.rest.state == "idle", "starting a set ends the rest"
        await move(pilot, timer_clock, 42)
        assert "set 0:42" in badge(app)
        await pilot.press("t")
        await pilot.pause()
        watch = app.screen.query_one(StopwatchDisplay)
        assert watch.query_one(Digits).value == "0:42"
        assert watch.has_class("-running")
        await move(pilot, timer_clock, 3)
        await pilot.press("s")
        await pilot.pause()
        assert watch.query_one(Digits).value == "0:45"
        assert not watch.has_class("-running")
        assert any("0:45" in n.message for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one(LogForm).field("note").value == "TUT 45 s"
        await pilot.press("enter", "enter")
        await settle(pilot)
    last = store.sets_on(store.athlete("me"), app.gym.today)[-1]
    assert last.note == "TUT 45 s"


async def test_the_rest_keeps_running_and_shows_on_every_screen(make_app, timer_clock, bells):
    app = make_app()
    app.bell = ring_recorder(app, bells)
    async with app.run_test() as pilot:
        await start(pilot)
        await log_a_set(pilot)
        await move(pilot, timer_clock, 10)
        assert "rest 1:20" in badge(app)

        await pilot.press("t")
        await move(pilot, timer_clock, 10)
        assert isinstance(app.screen, TimerScreen)
        assert big_rest(app) == "1:10"
        assert "rest 1:10" in badge(app)

        await pilot.press("question_mark")
        await move(pilot, timer_clock, 10)
        assert isinstance(app.screen, HelpScreen)
        assert "rest 1:00" in badge(app)

        await pilot.press("escape", "escape")
        await move(pilot, timer_clock, 10)
        assert isinstance(app.screen, TodayScreen)
        assert big_rest(app) == "0:50"

        await pilot.press("h")
        await settle(pilot)
        await move(pilot, timer_clock, 10)
        assert isinstance(app.screen, HistoryScreen)
        assert "rest 0:40" in badge(app)
        await pilot.press("space")  # the rest keys work there too
        await pilot.pause()
        assert "rest 0:40 paused" in badge(app)
        await pilot.press("space", "escape")
        await pilot.pause()

        await pilot.press("t", "question_mark")
        await move(pilot, timer_clock, 40)
        assert isinstance(app.screen, HelpScreen)
        assert bells == ["HelpScreen"], "the bell rings on whatever screen is showing"
        assert "REST OVER" in badge(app)

        await pilot.press("escape", "escape", "h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert "REST OVER" in badge(app)


async def test_timer_screen_buttons_work_with_the_mouse(make_app, timer_clock):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        await log_a_set(pilot)
        await pilot.press("t")
        await pilot.pause()
        await pilot.click("Button", offset=(2, 0))  # the first button: pause/resume
        assert app.rest.state == "paused"
        buttons = list(app.screen.query("Button"))
        await pilot.click(buttons[2])  # +15 s
        await pilot.pause()
        assert big_rest(app) == "1:45"
