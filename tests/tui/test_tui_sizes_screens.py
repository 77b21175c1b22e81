"""The other screens at every size (issue 18): the timer, History, the athlete picker and
help as SVG snapshots at a phone's 45x40, a tablet's 60x30, the classic 80x24, 100x30 and a
wide 160x45 (tests/tui/__snapshots__/test_tui_sizes_screens, each looked at as PNG); and
Pilot checks, at those sizes and at 40x24, that nothing is cut: every box and button of the
picker, the PIN and login screens and the two modals lies wholly inside the screen and in
view (not clipped by a scrolling parent), History's narrow table keeps its five columns in
view, and the charts' numbers are whole at 80x24.

The pictures use the `backtrack demo` data on a fixed clock, as tests/tui/test_tui_snapshots.py
does. After a change to these screens, look at the failure report, then run
`pytest tests/tui/test_tui_sizes_screens.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.clock import MockClock
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, OptionList

from backtrack.catalog import Catalog
from backtrack.clock import FixedClock
from backtrack.store import Store
from backtrack.tui.app import BacktrackApp, create_app
from backtrack.tui.screens.athletes import NameScreen, NewPinScreen, PinScreen
from backtrack.tui.screens.checkin import CheckInScreen
from backtrack.tui.screens.confirm import ConfirmScreen
from backtrack.tui.screens.history import HistoryScreen
from backtrack.tui.screens.login import ClinicLoginScreen
from backtrack.tui.widgets.history_chart import Chart

from .conftest import assert_in_view, settle, start

SIZES = [(45, 40), (60, 30), (80, 24), (100, 30), (160, 45)]
CHECKED = [(40, 24), *SIZES]  # the smallest size the app promises to fit, and the pictures'
PASSWORD = "Lumbar-Flexion-42"


def size_id(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


@pytest.fixture(autouse=True)
def utc_machine(local_zone) -> None:  # type: ignore[no-untyped-def]
    """Set times and dates are shown in the machine's zone: pin it."""
    local_zone("UTC")


@pytest.fixture
def build(
    demo_db: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock
) -> Callable[..., BacktrackApp]:
    """The app on the demo database: straight on `athlete`, or (None) on the picker."""

    def make(athlete: str | None = "demo", **options: object) -> BacktrackApp:
        return create_app(
            demo_db, athlete, clock=clock, timer_clock=timer_clock, catalog=catalog, **options
        )

    return make


async def steady(pilot: Pilot) -> None:
    """Wait for the database work, stop cursors blinking and drop old notifications."""
    await settle(pilot)
    for field in pilot.app.query(Input):
        field.cursor_blink = False
    pilot.app.clear_notifications()
    await pilot.pause()


async def until(pilot: Pilot, condition: Callable[[], object], what: str) -> None:
    """Let the app run until `condition()` holds (a worker waiting on an open dialog keeps
    `settle` from returning)."""
    for _ in range(250):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never happened: {what}")


def compare(snap_compare, app: BacktrackApp, size: tuple[int, int], run_before) -> bool:  # type: ignore[no-untyped-def]
    """Snapshot the app after `run_before`, which must have run to its end."""
    finished: list[bool] = []

    async def then_mark(pilot: Pilot) -> None:
        await run_before(pilot)
        finished.append(True)

    same = snap_compare(app, terminal_size=size, run_before=then_mark)
    assert finished, "the app did not get as far as the picture"
    return same


# -- pictures ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=size_id)
def test_timer(snap_compare, build, timer_clock: MockClock, size) -> None:  # type: ignore[no-untyped-def]
    """The rest 23 s into its 1:30 after a set, the stopwatch and the five buttons."""

    async def resting(pilot: Pilot) -> None:
        await start(pilot)
        await pilot.press("enter", "enter")  # log a set: the rest starts
        await steady(pilot)
        timer_clock.set_time(timer_clock.time + 23)
        await pilot.press("t")
        pilot.app.tick_timers()
        await pilot.pause()

    assert compare(snap_compare, build(), size, resting)


@pytest.mark.parametrize("size", SIZES, ids=size_id)
def test_history(snap_compare, build, size) -> None:  # type: ignore[no-untyped-def]
    """The demo's Jefferson curls: the sessions with their charts (narrow: the load chart
    alone, its tabs over it, and the narrow table)."""

    async def history(pilot: Pilot) -> None:
        await start(pilot)
        await pilot.press("h")
        await steady(pilot)

    assert compare(snap_compare, build(), size, history)


@pytest.mark.parametrize("size", SIZES, ids=size_id)
def test_picker(snap_compare, build, size) -> None:  # type: ignore[no-untyped-def]
    """Who is training: demo, and guest with a PIN."""
    assert compare(snap_compare, build(None), size, steady)


@pytest.mark.parametrize("size", SIZES, ids=size_id)
def test_help(snap_compare, build, size) -> None:  # type: ignore[no-untyped-def]
    """The key list, long descriptions wrapped beside their keys."""

    async def help_open(pilot: Pilot) -> None:
        await start(pilot)
        await steady(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert compare(snap_compare, build(), size, help_open)


# -- nothing cut ---------------------------------------------------------------------------


def assert_fields_in_view(pilot: Pilot, at_least: int) -> None:
    """Every text box and button of the screen on show is in view (and there are some)."""
    widgets = [*pilot.app.screen.query(Input), *pilot.app.screen.query(Button)]
    assert len(widgets) >= at_least, f"{pilot.app.screen!r} has {len(widgets)}"
    for widget in widgets:
        assert_in_view(pilot, widget)


@pytest.mark.parametrize("size", CHECKED, ids=size_id)
async def test_the_picker_and_its_dialogs_fit(build, size) -> None:  # type: ignore[no-untyped-def]
    """The picker's list and hint, guest's PIN box, the new-athlete name box, the new PIN's
    two boxes and the archive question's two buttons."""
    app = build(None)
    async with app.run_test(size=size) as pilot:
        await steady(pilot)
        for widget in (app.screen.query_one(OptionList), app.screen.query_one("#picker-hint")):
            assert_in_view(pilot, widget)
        options = app.screen.query_one(OptionList)
        options.highlighted = 1  # guest, who has a PIN
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PinScreen), "the PIN screen")
        await pilot.pause()
        assert_fields_in_view(pilot, 1)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, PinScreen), "back to the picker")
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NameScreen), "the name box")
        await pilot.pause()
        assert_fields_in_view(pilot, 1)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, NameScreen), "back to the picker")
        options.highlighted = 0  # demo, without a PIN
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, NewPinScreen), "the new PIN")
        await pilot.pause()
        assert_fields_in_view(pilot, 2)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, NewPinScreen), "the picker")
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the archive question")
        await pilot.pause()
        assert_fields_in_view(pilot, 2)
        await pilot.press("n")


@pytest.mark.parametrize("size", CHECKED, ids=size_id)
async def test_the_clinic_login_fits(build, demo_db: Path, catalog: Catalog, size) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(demo_db, catalog)
    try:
        store.set_clinic_password(PASSWORD, via="command line")
    finally:
        store.close()
    app = build(None, clinic_login="if-set")
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ClinicLoginScreen), "the login")
        await pilot.pause()
        assert_fields_in_view(pilot, 1)


@pytest.mark.parametrize("size", CHECKED, ids=size_id)
async def test_the_check_in_fits(build, size) -> None:  # type: ignore[no-untyped-def]
    """The eleven pain keys and Skip, over Today."""
    app = build()
    async with app.run_test(size=size) as pilot:
        await steady(pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert_fields_in_view(pilot, 12)


@pytest.mark.parametrize("size", [*CHECKED, (70, 24)], ids=size_id)
async def test_the_history_table_and_charts_fit(build, size) -> None:  # type: ignore[no-untyped-def]
    """Narrow: date, sets, load, pain and next, all in view; one chart at a time, c or a
    click on its tab for the next. Wider: every column, and three charts whose numbers are
    whole (broken over two lines where they need it, at 80x24)."""
    app = build()
    async with app.run_test(size=size) as pilot:
        await start(pilot)
        await pilot.press("h")
        await steady(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one("#sessions", DataTable)
        labels = [str(column.label).strip() for column in table.ordered_columns]
        charts = list(screen.query(Chart))
        shown = [chart for chart in charts if chart.display]
        if size[0] < 70:
            assert labels == ["Date", "Sets", "kg", "Pain", "Next"]
            assert [chart.id for chart in shown] == ["chart-load"]
            await pilot.press("c")
            await pilot.pause()
            assert [chart.id for chart in charts if chart.display] == ["chart-rom"]
            await pilot.click("#chart-tabs", offset=(15, 0))  # on "Pain"
            await pilot.pause()
            assert [chart.id for chart in charts if chart.display] == ["chart-pain"]
        else:  # medium: whether it was taken is a mark after the suggestion ('hold ✓')
            taken = ["Taken"] if size[0] >= 100 else []
            assert labels == ["Date", "Sets", "Load", "ROM", "RPE", "Pain", "Next", *taken]
            assert len(shown) == 3
        assert table.max_scroll_x == 0, f"the table is wider than the screen: {labels}"
        for chart in charts if size[0] >= 70 else []:
            lines = [chart.render_line(y).text.rstrip() for y in range(chart.size.height)]
            numbers = [line.strip() for line in lines if "·" in line or "last" in line]
            assert " · ".join(numbers) == chart.numbers, f"{chart.id} at {size}: {lines}"
        await pilot.press("2")  # the side bend: each side's reps and pain
        await steady(pilot)
        assert str(table.get_row_at(0)[1]).split() == ["L", "7/8/7", "R", "7/7/7"]
        assert table.max_scroll_x == 0, f"the side bend's table is wider than the screen: {size}"


async def test_the_chart_key_is_offered_where_one_chart_shows(build) -> None:  # type: ignore[no-untyped-def]
    """c is a binding with a description (help lists it); the footer offers it on a narrow
    screen only, where it is needed."""
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        await pilot.press("h")
        await steady(pilot)
        assert app.screen.check_action("next_chart", ()) is False
        await pilot.resize_terminal(45, 40)
        await pilot.pause()
        await pilot.pause()
        assert app.screen.check_action("next_chart", ()) is True
        table = app.screen.query_one("#sessions", DataTable)
        labels = [str(c.label).strip() for c in table.ordered_columns]
        assert labels == ["Date", "Sets", "kg", "Pain", "Next"]


@pytest.mark.parametrize("size", CHECKED, ids=size_id)
async def test_the_red_flag_questions_fit(build, size) -> None:  # type: ignore[no-untyped-def]
    """After the pain number: the send and skip buttons stay in view (the nine questions
    scroll between them and the title where the screen is small)."""
    from backtrack.tui.screens.red_flags import RedFlagsScreen

    app = build()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("6")  # a yes: the send button's longest words but one
        await steady(pilot)
        assert isinstance(app.screen, RedFlagsScreen)
        assert_fields_in_view(pilot, 2)


async def test_a_narrow_screen_shows_one_drill_and_a_click_steps_to_the_next(build) -> None:  # type: ignore[no-untyped-def]
    """'‹ 1/4 Jefferson curl ›': a click on the name or › shows the next drill, ‹ the one
    before; ] and [ too."""
    app = build()
    async with app.run_test(size=(45, 40)) as pilot:
        await start(pilot)
        await pilot.press("h")
        await steady(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        drills = screen.query_one("#drills")
        assert str(drills.render()).startswith("‹  1/4 Jefferson curl  ›")
        assert drills.region.height == 1
        await pilot.click("#drills", offset=(6, 0))  # on the name
        await steady(pilot)
        assert screen.exercise_id == "half-kneeling-side-bend"
        assert "2/4 Half-kneeling side bend" in str(drills.render())
        await pilot.click("#drills", offset=(1, 0))  # on ‹
        await steady(pilot)
        assert screen.exercise_id == "jefferson-curl"
        await pilot.resize_terminal(80, 24)  # medium: every drill, on two lines
        await pilot.pause()
        await pilot.pause()
        text = str(drills.render())
        assert all(name in text for name in ("Jefferson curl", "Half-kneeling windmill"))
        assert drills.region.height == 2
