"""Changing the log from Today: edit a set, delete one (asked first), undo the last one, and
accept or decline the rules' suggestion. Every outcome is read back from the database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backtrack import progression
from backtrack.store import Store
from backtrack.tui.screens.confirm import ConfirmScreen
from backtrack.tui.widgets.log_form import LogForm
from backtrack.tui.widgets.set_table import SetTable
from backtrack.tui.widgets.suggestion_banner import SuggestionBanner

from .conftest import footer_keys, settle, start

DRILL = "jefferson-curl"


@pytest.fixture(autouse=True)
def utc_machine(local_zone) -> None:
    """Session dates follow the machine's zone: pin it so yesterday is yesterday."""
    local_zone("UTC")


def todays_sets(store: Store, app) -> list:
    return store.sets_on(store.athlete("me"), app.gym.today)


async def log_sets(pilot, *reps: str) -> None:
    """Log one set per entry of `reps` from the keyboard (everything else prefilled)."""
    for count in reps:
        await pilot.press("enter", *count, "enter")
        await settle(pilot)


def seed_easy_session_yesterday(store: Store) -> None:
    """An easy Jefferson curl session yesterday, checked in before and this morning.

    The rules then suggest more range (ROM 1 -> 2) for today.
    """
    me = store.athlete("me")
    now = store.clock.now()
    yesterday = now - timedelta(days=1)
    store.check_in(me, 1, at=yesterday - timedelta(minutes=30))
    for number in range(3):
        store.log_set(
            me, DRILL, reps=8, rpe=7, pain=1, at=yesterday + timedelta(minutes=3 * number)
        )
    store.check_in(me, 1, at=now - timedelta(hours=1))
    suggestion = progression.current_suggestion(store, me, DRILL)
    assert suggestion.action == "progress_rom", suggestion
    assert store.plan(me, DRILL).rom_level == 1


async def test_edit_a_logged_set(make_app, store: Store):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        await log_sets(pilot, "7", "6")
        table = app.screen.query_one(SetTable)
        await pilot.press("up")  # the cursor was on set 2; edit set 1
        assert table.selected.set_number == 1
        await pilot.press("e")
        form = app.screen.query_one(LogForm)
        assert form.editing == table.selected.id
        assert form.has_class("-editing")
        assert form.field("reps").value == "7"
        await pilot.press("5", "tab", "h", "enter")
        await settle(pilot)
        assert form.editing is None, "the form goes back to logging new sets"
        assert table.get_row_at(0)[1] == "5", "the table shows the new value at once"
    first, second = todays_sets(store, app)
    assert (first.set_number, first.reps, first.rpe) == (1, 5, 8.0)
    assert (second.set_number, second.reps, second.rpe) == (2, 6, None)


async def test_escape_cancels_an_edit_without_saving(make_app, store: Store):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        await log_sets(pilot, "7")
        await pilot.press("e", "3", "escape")
        await settle(pilot)
        form = app.screen.query_one(LogForm)
        assert form.editing is None
        assert form.field("reps").value == "7", "the form is back to the next new set"
    [entry] = todays_sets(store, app)
    assert entry.reps == 7


async def test_an_invalid_edit_is_refused_and_the_set_unchanged(make_app, store: Store):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        await log_sets(pilot, "7")
        await pilot.press("e", "tab", "tab", "1", "4", "enter")
        await settle(pilot)
        form = app.screen.query_one(LogForm)
        assert form.editing is not None, "still editing: nothing was saved"
        assert "pain: 14 is not a whole number 0 to 10" in str(
            form.query_one(".form-message").render()
        )
        assert form.field("pain").value == "14"
    [entry] = todays_sets(store, app)
    assert (entry.reps, entry.pain) == (7, None)


async def test_delete_asks_first_and_no_keeps_the_set(make_app, store: Store):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        await log_sets(pilot, "7", "6")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Delete set 2 of Jefferson curl?" in str(app.screen.query_one(".question").render())
        assert footer_keys(pilot) == ["y Yes", "n No", "q Quit"]  # not Today's keys
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert [s.reps for s in todays_sets(store, app)] == [7, 6]

        await pilot.press("x")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert [s.reps for s in todays_sets(store, app)] == [7, 6]

        await pilot.press("up", "x")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert app.screen.query_one(SetTable).row_count == 1
    [left] = todays_sets(store, app)
    assert left.reps == 6


async def test_delete_with_the_mouse(make_app, store: Store):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await log_sets(pilot, "7")
        await pilot.press("x")
        await pilot.pause()
        await pilot.click("#yes")
        await settle(pilot)
    assert todays_sets(store, app) == []


async def test_undo_takes_back_the_last_set_and_its_rest(make_app, store: Store):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        await log_sets(pilot, "7", "6")
        assert app.rest.state == "running"
        await pilot.press("u")
        await settle(pilot)
        assert [s.reps for s in todays_sets(store, app)] == [7]
        assert app.rest.state == "idle", "the rest of an undone set is dropped"
        assert app.screen.query_one(SetTable).row_count == 1
        await pilot.press("u")
        await settle(pilot)
        assert todays_sets(store, app) == []
        assert app.screen.check_action("undo", ()) is None, "the footer dims undo now"


async def test_undo_never_reaches_sets_logged_before_the_app_started(make_app, store: Store):
    store.log_set(store.athlete("me"), DRILL, reps=5)
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        await pilot.press("u")
        await settle(pilot)
    [entry] = todays_sets(store, app)
    assert entry.reps == 5


async def test_accept_changes_the_plan_and_records_it(make_app, store: Store):
    seed_easy_session_yesterday(store)
    me = store.athlete("me")
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        banner = app.screen.query_one(SuggestionBanner)
        text = str(banner.render())
        assert "More range: ROM 1 → 2" in text
        assert "a accept" in text
        await pilot.press("a")
        await settle(pilot)
        form = app.screen.query_one(LogForm)
        assert form.field("rom").value == "2", "the next set is prefilled from the new plan"
        assert "ROM 2" in str(app.screen.query_one("#drill-title").render())
    assert store.plan(me, DRILL).rom_level == 2
    [row] = store.audit_trail(me, DRILL)
    assert (row["action"], row["status"]) == ("progress_rom", "accepted")
    [change] = store.plan_changes(me, DRILL)
    assert (change.before.rom_level, change.after.rom_level) == (1, 2)


async def test_decline_keeps_the_plan_and_records_it(make_app, store: Store):
    seed_easy_session_yesterday(store)
    me = store.athlete("me")
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert any("Plan stays" in n.message for n in app._notifications)
        assert "a accept" not in str(app.screen.query_one(SuggestionBanner).render())
    assert store.plan(me, DRILL).rom_level == 1
    [row] = store.audit_trail(me, DRILL)
    assert (row["action"], row["status"]) == ("progress_rom", "declined")
    assert store.plan_changes(me, DRILL) == []


async def test_accept_does_nothing_without_a_suggestion_to_decide(make_app, store: Store):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        await pilot.press("a")
        await settle(pilot)
    me = store.athlete("me")
    assert store.audit_trail(me, DRILL) == []
    assert store.plan(me, DRILL).rom_level == 1
