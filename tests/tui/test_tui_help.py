"""? lists every key: each screen's and each dialog's own, the keys Textual's widgets handle
(a table's arrows, the picker's Enter) and Textual's app-wide ones; and it opens from the
picker too, showing no one's session."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

import backtrack.tui.screens
from backtrack.tui.screens.athletes import AthletePickerScreen
from backtrack.tui.screens.help import HelpScreen
from backtrack.tui.widgets.top_bar import TopBar

from .conftest import settle, start


async def open_help(pilot) -> list[tuple[str, list[tuple[str, str]]]]:
    await pilot.press("question_mark")
    await pilot.pause()
    assert isinstance(pilot.app.screen, HelpScreen)
    return pilot.app.screen.sections()


def every_screen() -> list[type[Screen]]:
    """Every screen and dialog the app has (found in its screens package)."""
    found = []
    for module in pkgutil.iter_modules(backtrack.tui.screens.__path__):
        loaded = importlib.import_module(f"backtrack.tui.screens.{module.name}")
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(cls, Screen) and cls.__module__ == loaded.__name__:
                found.append(cls)
    return found


def covers(keys: str, key: str) -> bool:
    """Whether a help row's key (one key, or a run of digits such as '0-9') shows `key`."""
    if len(keys) == 3 and keys[1] == "-" and keys[0].isdigit():
        return key.isdigit() and keys[0] <= key <= keys[2]
    return keys == key


async def test_every_key_of_every_screen_and_dialog_is_listed(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        sections = await open_help(pilot)
        display = app.get_key_display
    listed = {(text, key) for _, rows in sections for keys, text in rows for key in keys.split()}
    screens = every_screen()
    assert len(screens) >= 9  # today, timer, history, help, picker, PIN, name, new PIN, ...
    for screen in screens:
        for binding in Binding.make_bindings(screen.BINDINGS):
            if not binding.description or binding.action == "app.quit":
                continue
            key = display(Binding(binding.key, ""))
            text = binding.tooltip or binding.description
            assert any(t == text and covers(k, key) for t, k in listed), (
                f"{screen.__name__}: {key} ({text}) is not in the help"
            )


async def test_the_keys_that_textual_handles_are_listed_too(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        sections = dict(await open_help(pilot))
    keys = {title.split(" (")[0]: dict(rows) for title, rows in sections.items()}
    assert "Quit, even while typing" in keys["Everywhere"]["^q"]
    assert "palette" in keys["Everywhere"]["^p"]
    assert "Select a set" in keys["Today"]["↑ ↓"]
    assert "Next box" in keys["Set form"]["tab"]
    assert "Move through the sessions" in keys["History"]["↑ ↓"]
    assert "Open their session" in keys["Athlete picker"]["⏎"]
    assert keys["PIN"]["esc"] == "Cancel" and "Open" in keys["PIN"]["⏎"]
    assert keys["New athlete, rename"]["esc"] == "Cancel"
    assert "Remove the PIN" in keys["New PIN"]["^d"] and keys["New PIN"]["esc"] == "Cancel"
    assert keys["Check-in"]["s esc"] == "Skip check-in"
    assert keys["Yes/no questions"]["n esc"] == "No"


async def test_help_opens_from_the_picker_and_shows_no_ones_session(
    demo_db: Path, catalog, clock, timer_clock
):
    from backtrack.tui.app import create_app

    app = create_app(demo_db, None, clock=clock, timer_clock=timer_clock, catalog=catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, AthletePickerScreen)
        await open_help(pilot)
        bar = app.screen.query_one(TopBar)
        brand = "".join(str(bar.query_one(f".{p}", Static).render()) for p in ("app-name", "brand"))
        assert brand.startswith("backtrack  ·  ") and "demo" not in brand
        await pilot.press("t")  # the session keys still do nothing
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is picker
