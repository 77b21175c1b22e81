"""What a newcomer tripped over when trying `backtrack demo` in a 100x30 terminal."""

from __future__ import annotations

from textual.widgets import Input

from backtrack.tui.widgets.log_form import LogForm

from .conftest import start

SIZE = (100, 30)


def shown(field: Input) -> str:
    """The text an Input shows in its box (not its value: a narrow box scrolls)."""
    return "".join(field.render_line(y).text for y in range(field.size.height)).strip()


async def test_every_box_of_the_set_form_shows_all_it_holds(make_app):
    """RPE 7.5 showed as '.5' and reps 100 as '00': the boxes were 3 cells wide."""
    async with make_app().run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("enter", "1", "0", "0", "tab", "7", ".", "5", "tab", "1", "0")
        await pilot.press("tab", "1", "2", "2", ".", "5", "tab", "3")
        await pilot.pause()
        form = pilot.app.screen.query_one(LogForm)
        expected = {"reps": "100", "rpe": "7.5", "pain": "10", "load": "122.5", "rom": "3"}
        assert {name: form.field(name).value for name in expected} == expected
        assert {name: shown(form.field(name)) for name in expected} == expected


async def test_starting_to_type_a_set_clears_the_notes_over_the_form(make_app):
    """Notifications sit over the form's message line, where a refused value says why."""
    async with make_app().run_test(size=SIZE) as pilot:
        await start(pilot)  # "Back pain 2/10 recorded." shows for a few seconds
        assert pilot.app._notifications  # Textual has no public count
        await pilot.press("enter")
        await pilot.pause()
        assert not pilot.app._notifications
        await pilot.press("2", "0", "0", "enter")
        await pilot.pause()
        message = str(pilot.app.screen.query_one(".form-message").render())
        assert "reps: 200 is not a whole number 0 to 100" in message
