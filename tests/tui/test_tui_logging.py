"""Logging sets from the keyboard: prefilled, committed at once, refused in place when wrong."""

from __future__ import annotations

import sqlite3
import threading
import time

from backtrack.errors import StoreError
from backtrack.store import Store
from backtrack.tui.widgets.log_form import LogForm
from backtrack.tui.widgets.set_table import SetTable

from .conftest import settle, start


def form_values(app) -> dict[str, str]:
    return app.screen.query_one(LogForm).raw()


def todays_sets(store: Store, app) -> list:
    return store.sets_on(store.athlete("me"), app.gym.today)


async def test_form_is_prefilled_from_the_plan(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        values = form_values(app)
        assert (values["reps"], values["load"], values["rom"]) == ("8", "0", "1")
        assert (values["rpe"], values["pain"], values["note"]) == ("", "", "")


async def test_log_a_set_by_keyboard(make_app, store: Store):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        await pilot.press("enter", "7", "tab", "h", "tab", "2", "enter")
        await settle(pilot)
        [entry] = todays_sets(store, app)
        assert (entry.exercise_id, entry.reps, entry.rpe, entry.pain) == (
            "jefferson-curl",
            7,
            8.0,
            2,
        )
        assert (entry.load_kg, entry.rom_level, entry.set_number) == (0, 1, 1)
        table = app.screen.query_one(SetTable)
        assert table.row_count == 1
        assert table.has_focus, "the cursor goes back to the table, ready for the next key"
        values = form_values(app)
        assert values["reps"] == "7", "reps stay prefilled from the set just logged"
        assert (values["rpe"], values["pain"], values["note"]) == ("", "", "")


async def test_typed_rpe_and_a_note(make_app, store: Store):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        await pilot.press("enter", "tab", "7", ".", "5", "tab", "0")
        for _ in range(3):
            await pilot.press("tab")
        await pilot.press(*"slow", "enter")
        await settle(pilot)
    [entry] = todays_sets(store, app)
    assert (entry.reps, entry.rpe, entry.pain, entry.note) == (8, 7.5, 0, "slow")


async def test_up_and_down_step_a_number(make_app, store: Store):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        await pilot.press("enter", "down", "down", "tab", "up")
        assert form_values(app)["reps"] == "6"
        assert form_values(app)["rpe"] == "7"
        await pilot.press("enter")
        await settle(pilot)
    [entry] = todays_sets(store, app)
    assert (entry.reps, entry.rpe) == (6, 7.0)


async def test_invalid_values_are_refused_in_place_and_the_form_keeps_them(make_app, store):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        await pilot.press("enter", "7", "tab", "1", "1", "tab", "2", "enter")
        await settle(pilot)
        assert todays_sets(store, app) == []
        form = app.screen.query_one(LogForm)
        message = str(form.query_one(".form-message").render())
        assert "RPE: 11 is not 1 to 10 in steps of 0.5" in message
        assert form.field("rpe").has_class("-invalid")
        assert form.field("rpe").has_focus, "the cursor goes to the refused value"
        assert (form.field("reps").value, form.field("pain").value) == ("7", "2")
        await pilot.press("backspace", "backspace", "9", "enter")
        await settle(pilot)
        [entry] = todays_sets(store, app)
        assert (entry.reps, entry.rpe, entry.pain) == (7, 9.0, 2)


async def test_empty_reps_and_pain_above_ten_are_refused(make_app, store: Store):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        await pilot.press("enter", "backspace", "tab", "tab", "1", "2", "enter")
        await settle(pilot)
        message = str(app.screen.query_one(LogForm).query_one(".form-message").render())
        assert "reps: type how many reps you did" in message
        assert "pain: 12 is not a whole number 0 to 10" in message
        assert todays_sets(store, app) == []


async def test_busy_database_shows_a_message_and_keeps_the_set(make_app, store, db_path):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        app.gym.store.db.conn.execute("PRAGMA busy_timeout = 50")
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another writer holds the database
        await pilot.press("enter", "6", "tab", "h", "tab", "3", "enter")
        await settle(pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "busy" in errors[-1].message
        assert form_values(app)["reps"] == "6"
        assert (form_values(app)["rpe"], form_values(app)["pain"]) == ("8", "3")
        other.execute("ROLLBACK")
        other.close()
        await pilot.press("enter")
        await settle(pilot)
        [entry] = todays_sets(store, app)
        assert (entry.reps, entry.rpe, entry.pain) == (6, 8.0, 3)


async def test_typed_values_survive_switching_drills(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        await pilot.press("enter", "tab", "h", "escape", "right")
        assert app.screen.drill.exercise.id == "half-kneeling-side-bend"
        assert form_values(app)["rpe"] == ""
        assert form_values(app)["load"] == "4"
        await pilot.press("left")
        assert form_values(app)["rpe"] == "8"


async def test_number_keys_and_clicks_pick_a_drill(make_app):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot)
        await pilot.press("3")
        assert app.screen.drill.exercise.id == "back-extension-ghd"
        cards = list(app.screen.query(".drill-card"))
        await pilot.click(cards[3])
        assert app.screen.drill.exercise.id == "half-kneeling-windmill"


async def test_the_row_goes_up_before_todays_page_is_read_again(make_app, monkeypatch):
    """The set's row shows as soon as it is committed; the suggestion recompute (reading
    today's page again) follows and does not hold it back."""
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        gym = app.gym
        reading, release = threading.Event(), threading.Event()
        load = type(gym).load

        def slow_load(self):
            reading.set()
            assert release.wait(10), "the test never let today's page be read"
            return load(self)

        monkeypatch.setattr(type(gym), "load", slow_load)
        table = app.screen.query_one(SetTable)
        await pilot.press("enter", "6", "enter")
        deadline = time.monotonic() + 10
        while table.row_count == 0:
            assert time.monotonic() < deadline, "the row waited for today's page"
            await pilot.pause(0.01)
        assert reading.is_set() and not release.is_set()
        assert table.get_row_at(0)[1] == "6" and table.has_focus
        assert "Set 1 logged" in [n.title for n in app._notifications]
        release.set()
        await settle(pilot)
        assert table.row_count == 1, "today's page shows the same row, once"


async def test_a_failed_reread_after_a_committed_set_does_not_say_not_saved(
    make_app, store: Store, monkeypatch
):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)

        def broken_load(self):
            raise StoreError("the database file is damaged")

        monkeypatch.setattr(type(app.gym), "load", broken_load)
        await pilot.press("enter", "5", "enter")
        await settle(pilot)
        [entry] = todays_sets(store, app)
        assert entry.reps == 5
        assert app.screen.query_one(SetTable).row_count == 1
        titles = [n.title for n in app._notifications if n.severity == "error"]
        assert titles == ["Database problem"], titles  # not "Not saved": it was saved


async def test_a_note_is_shown_as_typed(make_app, store: Store):
    """Brackets in a note are text, not markup: '[/]' used to stop the table drawing."""
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await start(pilot)
        await pilot.press("enter")
        for _ in range(5):
            await pilot.press("tab")
        await pilot.press(*"[/] [red]ok", "enter")
        await settle(pilot)
        table = app.screen.query_one(SetTable)
        line = table.render_line(table.header_height).text  # the first set's row
        assert "[/] [red]ok" in line, line
    [entry] = todays_sets(store, app)
    assert entry.note == "[/] [red]ok"
