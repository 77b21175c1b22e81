"""The history screen on the demo's twelve weeks: opened with h from today's page, its
session rows, charts and plan timeline, the date filter, and the CSV export key."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from itertools import product
from pathlib import Path

import pytest
from textual.clock import MockClock
from textual.widgets import DataTable, Input, Static

from backtrack.catalog import Catalog
from backtrack.clock import FixedClock
from backtrack.export import HEADER
from backtrack.store import Store
from backtrack.tui.app import BacktrackApp, create_app
from backtrack.tui.history_data import ACTION_WORDS, fit_words, rom_text
from backtrack.tui.screens.history import HistoryScreen
from backtrack.tui.screens.today import TodayScreen
from backtrack.tui.widgets.history_chart import Chart
from backtrack.tui.widgets.history_tables import ROM_MIN_WIDTH
from backtrack.units import format_load

from .conftest import settle, start

CURL = "jefferson-curl"


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


@pytest.fixture
def demo_app(
    demo_db: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock, out_dir: Path
) -> BacktrackApp:
    """The app on the demo database, opened straight on the demo athlete."""
    return create_app(
        demo_db,
        "demo",
        clock=clock,
        timer_clock=timer_clock,
        catalog=catalog,
        export_dir=out_dir,
    )


def read_store(db_path: Path, catalog: Catalog) -> Store:
    return Store.open(db_path, catalog)


def cells(table: DataTable, row: int) -> list[str]:
    return [str(c) for c in table.get_row_at(row)]


def column(table: DataTable, col: int) -> list[str]:
    return [str(table.get_row_at(r)[col]) for r in range(table.row_count)]


async def open_history(pilot) -> HistoryScreen:
    await start(pilot)
    await pilot.press("h")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


async def test_h_opens_the_drill_on_show_and_esc_goes_back(demo_app: BacktrackApp) -> None:
    async with demo_app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        await pilot.press("right")  # the second drill of the day
        await pilot.press("h")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, HistoryScreen)
        assert screen.exercise_id == "half-kneeling-side-bend"
        assert "Half-kneeling side bend" in str(screen.query_one("#drills").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TodayScreen)


async def test_one_row_per_session_newest_first_with_the_days_suggestion(
    demo_app: BacktrackApp, demo_db: Path, catalog: Catalog
) -> None:
    store = read_store(demo_db, catalog)
    try:
        demo = store.athlete("demo", create=False)
        expected = store.session_history(demo, CURL, since=date(2026, 5, 27), limit=100)
    finally:
        store.close()
    async with demo_app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        on_today = pilot.app.screen.drill.suggestion  # the Jefferson curl's, as Today shows it
        assert on_today.session_date == date(2026, 11, 23) and expected[0].status is None
        await pilot.press("h")
        await settle(pilot)
        screen = pilot.app.screen
        table = screen.query_one("#sessions", DataTable)
        dates = column(table, 0)
        assert dates == [s.day.isoformat() for s in expected]
        assert dates == sorted(dates, reverse=True) and len(dates) >= 34
        newest = cells(table, 0)
        assert newest[0] == "2026-11-23"
        assert newest[1].startswith("3 × ")
        assert newest[2] == format_load(expected[0].load_kg, "kg")
        assert newest[3].startswith(f"{expected[0].rom_level} ")
        # the newest session awaits a decision: the suggestion Today shows, marked pending
        assert newest[6] == ACTION_WORDS[on_today.action] and newest[7] == "… pending"
        detail = str(screen.query_one("#session-detail", Static).render())
        rom = f"ROM {expected[0].rom_level}: {catalog.get(CURL).rom_label(expected[0].rom_level)}"
        heading = f"2026-11-23 · {rom} · {newest[6]}, not decided yet"
        assert detail == f"{heading}\n{on_today.reason}"
        assert cells(table, 1)[7] == "✓ taken"  # the older ones as decided
        # the pain flare: the session that hurt (pain 6) was regressed, and that was taken
        flare = next(cells(table, r) for r in range(table.row_count) if cells(table, r)[5] == "6")
        assert flare[6] == "↓ regress" and flare[7] == "✓ taken"


def test_rom_labels_are_cut_after_a_word_or_a_clause(catalog: Catalog) -> None:
    assert fit_words("4 standing on a low box, past the toes", 31) == "4 standing on a low box…"
    assert fit_words("4 standing on a low box, past the toes", 38) == (
        "4 standing on a low box, past the toes"
    )
    assert fit_words("1 fingertips to knees", 12) == "1 fingertip…"  # a word cut: "1…"
    for exercise, width in product(catalog, range(ROM_MIN_WIDTH, 60)):
        for level in range(1, exercise.max_rom_level + 1):
            whole = rom_text(exercise, level)
            cut = fit_words(whole, width)
            assert len(cut) <= width and cut.startswith(f"{level} ")
            assert cut == whole or (cut.endswith("…") and whole.startswith(cut[:-1]))


def rom_cells(table: DataTable) -> dict[str, str]:
    """The ROM column's cells by level number."""
    return {cell.split(" ", 1)[0]: cell for cell in column(table, 3)}


async def test_the_rom_column_is_readable_at_100_columns_and_widens_with_the_terminal(
    demo_app: BacktrackApp, catalog: Catalog
) -> None:
    """At 100 columns the ROM labels are cut at a word or clause (never mid-word), the
    table fits the screen, and the selected row's whole label is in the line under it;
    a wider terminal shows the labels whole, a narrower one cuts them again."""
    curl = catalog.get(CURL)
    async with demo_app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one("#sessions", DataTable)
        by_level = rom_cells(table)
        assert sorted(by_level) == ["1", "2", "3", "4"]  # twelve weeks: the whole ladder
        assert by_level == {
            "1": "1 fingertips to knees",
            "2": "2 fingertips to mid-shin",
            "3": "3 fingertips to toes",
            "4": "4 standing on a low box…",
        }
        assert len(set(column(table, 3))) == 4  # one text per level
        assert table.virtual_size.width <= table.size.width  # no column off the screen
        detail = str(screen.query_one("#session-detail", Static).render())
        assert detail.splitlines()[0].startswith(f"2026-11-23 · ROM 4: {curl.rom_label(4)} · ")
        await pilot.press("down")
        level = cells(table, 1)[3].split(" ", 1)[0]
        detail = str(screen.query_one("#session-detail", Static).render())
        assert f"ROM {level}: {curl.rom_label(int(level))}" in detail.splitlines()[0]

        await pilot.resize_terminal(130, 30)
        await pilot.pause()
        assert rom_cells(table)["4"] == rom_text(curl, 4)  # the whole label
        assert table.virtual_size.width <= table.size.width
        await pilot.press("3")  # the back extension: its longest labels still get cut
        await settle(pilot)
        ghd = catalog.get("back-extension-ghd")
        for level, text in rom_cells(table).items():
            assert len(text) <= table.columns["rom"].width
            assert text == rom_text(ghd, int(level)) or text.endswith("…")
        await pilot.press("1")
        await settle(pilot)
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert rom_cells(table)["4"] == "4 standing on a low box…"
        assert table.virtual_size.width <= table.size.width


async def test_a_decided_suggestion_replaces_the_pending_one(demo_app: BacktrackApp) -> None:
    async with demo_app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        await pilot.press("d")  # decline today's suggestion for the Jefferson curl
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        newest = cells(pilot.app.screen.query_one("#sessions", DataTable), 0)
        assert newest[0] == "2026-11-23" and newest[7] == "✗ declined"


async def test_loads_show_in_the_athletes_unit(
    demo_db: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock
) -> None:
    store = read_store(demo_db, catalog)
    try:
        demo = store.set_unit(store.athlete("demo", create=False), "lb")
        heaviest = store.session_history(demo, CURL, limit=1)[0].load_kg
    finally:
        store.close()
    app = create_app(demo_db, "demo", clock=clock, timer_clock=timer_clock, catalog=catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot)
        assert cells(screen.query_one("#sessions", DataTable), 0)[2] == format_load(heaviest, "lb")
        assert screen.query_one("#chart-load").border_title == "Load (lb)"


async def test_charts_tell_the_twelve_weeks(demo_app: BacktrackApp) -> None:
    async with demo_app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot)
        load = screen.query_one("#chart-load", Chart).values
        rom = screen.query_one("#chart-rom", Chart).values
        pain = screen.query_one("#chart-pain", Chart).values
        assert load[0] == 0 and load[-1] > load[0]  # bodyweight first, then weight
        assert rom[0] == 1 and rom[-1] == 4 and list(rom) == sorted(rom)  # ROM only grows
        assert max(pain) == 6  # the flare
        assert load.index(max(load)) > pain.index(6)  # loading went on after the regress
        for chart_id in ("#chart-load", "#chart-rom", "#chart-pain"):
            assert screen.query_one(chart_id).border_subtitle == "02 Sep → 23 Nov 2026"
        words = str(screen.query_one("#range-text", Static).render())
        assert words.startswith("36 sessions, 2 Sep 2026 → 23 Nov 2026")


def chart_lines(chart: Chart) -> list[str]:
    """The chart's bars as drawn, line by line (its content, inside border and padding)."""
    return [chart.render_line(y).text for y in range(Chart.LINES)]


async def test_a_session_without_pain_is_a_gap_in_the_pain_chart_not_a_zero(
    make_app, store: Store, clock: FixedClock
) -> None:
    me = store.athlete("me")
    for days_ago, pains in ((7, (3, 2)), (5, (None, None)), (3, (4, None))):
        at = clock.now() - timedelta(days=days_ago)
        for pain in pains:
            store.log_set(me, CURL, reps=8, rpe=7, pain=pain, at=at)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot)
        pain = screen.query_one("#chart-pain", Chart)
        assert pain.values == [3, None, 4]  # the highest pain of each session, if any
        assert pain.numbers == "low 3 · high 4 · last 4/10"
        bars = chart_lines(pain)  # a third of the width each (give or take a column)
        third = len(bars[0]) // 3
        first, middle, last = slice(0, third - 2), slice(third + 2, 2 * third - 2), slice(-3, None)
        assert all(set(line[middle]) == {" "} for line in bars)  # blank: not a ▁ for 0
        assert set(bars[-1][first]) == {"▁"} and set(bars[-1][last]) == {"█"}
        load = chart_lines(screen.query_one("#chart-load", Chart))
        assert " " not in load[-1][middle]  # the session itself is there (at 0 kg: ▁)
        detail = [cells(screen.query_one("#sessions", DataTable), r)[5] for r in range(3)]
        assert detail == ["4", "–", "3"]


async def test_plan_timeline_shows_declines_overrides_and_reasons(demo_app: BacktrackApp) -> None:
    async with demo_app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot)
        await pilot.press("v")
        await pilot.pause()
        timeline = screen.query_one("#timeline", DataTable)
        assert timeline.has_focus
        rows = [cells(timeline, r) for r in range(timeline.row_count)]
        regress = next(r for r in rows if r[2] == "✓ taken" and "7.5 → 5 kg" in r[1])
        assert "hurt at 6/10" in regress[3]
        await pilot.press("2")  # the side bend: the lifter declined a progression
        await settle(pilot)
        rows = [cells(timeline, r) for r in range(timeline.row_count)]
        assert any(r[2] == "✗ declined" and r[3] for r in rows)
        await pilot.press("3")  # the back extension: the clinician's override
        await settle(pilot)
        rows = [cells(timeline, r) for r in range(timeline.row_count)]
        override = next(r for r in rows if r[2] == "clinician")
        assert "→ 2.5 kg" in override[1]


async def test_the_timeline_shows_accepted_holds_until_o_hides_them(
    demo_app: BacktrackApp, demo_db: Path, catalog: Catalog
) -> None:
    store = read_store(demo_db, catalog)
    try:
        demo = store.athlete("demo", create=False)
        every = store.plan_timeline(demo, CURL, since=date(2026, 5, 27), until=date(2026, 11, 25))
    finally:
        store.close()
    holds = [e for e in every if e.action == "hold" and e.status == "accepted"]
    assert holds and len(holds) < len(every)
    async with demo_app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot)
        await pilot.press("v")
        await settle(pilot)
        timeline = screen.query_one("#timeline", DataTable)
        rows = [cells(timeline, r) for r in range(timeline.row_count)]
        assert len(rows) == len(every)  # every accepted or declined suggestion, holds too
        assert sum(r[1] == "hold" and r[2] == "✓ taken" for r in rows) == len(holds)
        await pilot.press("o")
        await settle(pilot)
        rows = [cells(timeline, r) for r in range(timeline.row_count)]
        assert len(rows) == len(every) - len(holds) and "hold" not in [r[1] for r in rows]
        assert any("holds hidden" in n.message for n in pilot.app._notifications)
        await pilot.press("o")
        await settle(pilot)
        assert timeline.row_count == len(every)


async def test_clicking_a_views_name_shows_it(demo_app: BacktrackApp) -> None:
    async with demo_app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot)
        sessions = screen.query_one("#sessions", DataTable)
        assert sessions.display and not screen.query("#timeline")  # built when first shown
        await pilot.click("#view-tabs", offset=(14, 0))  # on "Plan timeline"
        await pilot.pause()
        timeline = screen.query_one("#timeline", DataTable)
        assert timeline.display and timeline.has_focus and not sessions.display
        assert timeline.row_count > 0
        await pilot.press("f")  # the dates, then back with Esc: to the timeline on show
        assert screen.query_one("#since", Input).has_focus
        await pilot.press("escape")
        assert timeline.has_focus
        await pilot.click("#view-tabs", offset=(3, 0))  # on "Sessions"
        await pilot.pause()
        assert sessions.display and sessions.has_focus and not timeline.display


async def test_date_filter_narrows_rows_and_refuses_bad_dates(demo_app: BacktrackApp) -> None:
    async with demo_app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot)
        await pilot.press("f")
        since = screen.query_one("#since", Input)
        assert since.has_focus
        since.value = ""
        await pilot.press(*"2026-10-01", "tab")
        until = screen.query_one("#until", Input)
        until.value = ""
        await pilot.press(*"2026-10-31", "enter")
        await settle(pilot)
        table = screen.query_one("#sessions", DataTable)
        dates = column(table, 0)
        assert dates and all("2026-10-01" <= d <= "2026-10-31" for d in dates)
        assert table.has_focus
        assert (screen.since, screen.until) == (date(2026, 10, 1), date(2026, 10, 31))
        subtitle = screen.query_one("#chart-pain").border_subtitle
        assert subtitle.startswith("02 Oct") and subtitle.endswith("30 Oct 2026")
        # a backwards range is refused and the rows stay
        await pilot.press("f")
        since.value = "2026-12-01"
        await pilot.press("enter")
        await settle(pilot)
        assert column(table, 0) == dates and screen.since == date(2026, 10, 1)
        assert any("is after" in n.message for n in pilot.app._notifications)
        await pilot.press("escape")
        await pilot.press("a")  # all dates
        await settle(pilot)
        assert screen.since is None and screen.until is None
        assert len(column(table, 0)) > len(dates)


async def test_export_key_writes_the_shown_range(demo_app: BacktrackApp, out_dir: Path) -> None:
    async with demo_app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot)
        await pilot.press("f")  # the date fields appear
        screen.query_one("#since", Input).value = "2026-10-05"
        screen.query_one("#until", Input).value = "2026-10-18"
        await pilot.press("enter")
        await settle(pilot)
        table = screen.query_one("#sessions", DataTable)
        shown = {
            cells(table, r)[0]: int(cells(table, r)[1].split(" ×")[0])
            for r in range(table.row_count)
        }
        await pilot.press("x")
        await settle(pilot)
        path = out_dir / "backtrack-demo-2026-10-05-to-2026-10-18.csv"
        assert path.exists()
        note = pilot.app._notifications
        assert any(str(path) in n.message for n in note)
        with path.open(newline="") as handle:
            rows = list(csv.reader(handle))
        assert tuple(rows[0]) == HEADER
        body = [dict(zip(HEADER, r, strict=True)) for r in rows[1:]]
        assert body and all("2026-10-05" <= r["date"] <= "2026-10-18" for r in body)
        assert {r["athlete"] for r in body} == {"demo"}
        curl: dict[str, int] = {}
        for r in body:
            if r["exercise_id"] == CURL:
                curl[r["date"]] = curl.get(r["date"], 0) + 1
        assert curl == shown  # every shown session, set by set
        # a second export does not overwrite the first
        await pilot.press("x")
        await settle(pilot)
        assert (out_dir / "backtrack-demo-2026-10-05-to-2026-10-18-2.csv").exists()


# -- pictures ------------------------------------------------------------------------------


async def steady(pilot) -> None:
    """Wait for the database work, stop cursors blinking and drop old notifications."""
    await settle(pilot)
    for field in pilot.app.query(Input):
        field.cursor_blink = False
    pilot.app.clear_notifications()
    await pilot.pause()


def test_history_snapshot(snap_compare, demo_app: BacktrackApp, local_zone) -> None:
    """The demo's twelve weeks of Jefferson curls: ROM 1 → 4, then load, the flare at 6/10
    and its regress, at 100x30."""
    local_zone("UTC")
    finished: list[bool] = []

    async def run_before(pilot) -> None:
        await start(pilot)
        await pilot.press("h")
        await steady(pilot)
        finished.append(True)

    assert snap_compare(demo_app, terminal_size=(100, 30), run_before=run_before)
    assert finished


def test_history_timeline_snapshot(snap_compare, demo_app: BacktrackApp, local_zone) -> None:
    """The plan timeline of the same drill: every change with its reason."""
    local_zone("UTC")
    finished: list[bool] = []

    async def run_before(pilot) -> None:
        await start(pilot)
        await pilot.press("h")
        await steady(pilot)
        await pilot.press("v")
        await steady(pilot)
        finished.append(True)

    assert snap_compare(demo_app, terminal_size=(100, 30), run_before=run_before)
    assert finished


def test_history_two_sided_snapshot(snap_compare, demo_app: BacktrackApp, local_zone) -> None:
    """The side bend's sessions, each side apart (reps set by set and the highest pain), the
    pain chart a row per side, and the demo's asymmetric week highlighted: the rules' note
    first on the detail line."""
    local_zone("UTC")
    finished: list[bool] = []

    async def run_before(pilot) -> None:
        await start(pilot)
        await pilot.press("h", "2")
        await steady(pilot)
        table = pilot.app.screen.query_one("#sessions", DataTable)
        days = [str(table.get_row_at(r)[0]) for r in range(table.row_count)]
        for _ in range(days.index("2026-10-02")):
            await pilot.press("down")
        await steady(pilot)
        finished.append(True)

    assert snap_compare(demo_app, terminal_size=(100, 30), run_before=run_before)
    assert finished


async def test_a_reason_with_brackets_shows_as_written_under_the_timeline(
    demo_app: BacktrackApp, demo_db: Path, catalog: Catalog, clock: FixedClock
) -> None:
    """A reason is plain text, never markup: a catalog label such as 'box [/] step' must not
    crash the line under the timeline (Textual would read '[/]' as a closing tag)."""
    from backtrack.models import Suggestion

    store = Store.open(demo_db, catalog, clock)
    try:
        demo = store.athlete("demo", create=False)
        plan = store.plan(demo, CURL)
        odd = Suggestion(
            exercise_id=CURL, action="hold", plan=plan, reason="ROM 3 [/] on the [b]box[/b]"
        )
        store.record_decision(demo, odd, plan, accepted=False)
    finally:
        store.close()
    async with demo_app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot)
        await pilot.press("v")
        await settle(pilot)
        detail = screen.query_one("#timeline-detail", Static)
        assert "ROM 3 [/] on the [b]box[/b]" in str(detail.render())
