"""Today fits every screen, from a phone in a browser (45 columns) to a wide monitor.

Snapshots of Today with this morning's check-in, three sets and a suggestion at each size
(looked at as PNG; see test_tui_snapshots.py for how the pictures are made and updated), and
a Pilot test at each size, 40 x 24 included, that every input of the set form and the accept
and decline keys lie wholly inside the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input

from backtrack.catalog import Catalog
from backtrack.clock import FixedClock
from backtrack.tui.app import BacktrackApp, create_app

from .conftest import assert_in_view, seed_flare_today, settle

SIZES = [(45, 40), (60, 30), (80, 24), (100, 30), (160, 45)]


@pytest.fixture(autouse=True)
def utc_machine(local_zone) -> None:
    local_zone("UTC")


@pytest.fixture
def today_app(
    demo_db: Path, catalog: Catalog, clock: FixedClock, timer_clock
) -> Callable[[], BacktrackApp]:
    """The app on the demo database with this morning's check-in, three Jefferson curls and
    the rules' suggestion to step back."""
    seed_flare_today(demo_db, catalog, clock)

    def build() -> BacktrackApp:
        return create_app(demo_db, "demo", clock=clock, timer_clock=timer_clock, catalog=catalog)

    return build


async def steady(pilot) -> None:
    await settle(pilot)
    for field in pilot.app.query(Input):
        field.cursor_blink = False
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_today_at_each_size(today_app, snap_compare, size):
    finished: list[bool] = []

    async def shown(pilot) -> None:
        await steady(pilot)
        finished.append(True)

    assert snap_compare(today_app(), terminal_size=size, run_before=shown)
    assert finished


FIT_SIZES = [(40, 24), *SIZES]


@pytest.mark.parametrize("drill", ["1", "2"], ids=["curl", "side-bend"])
@pytest.mark.parametrize("size", FIT_SIZES, ids=[f"{w}x{h}" for w, h in FIT_SIZES])
async def test_every_input_and_the_decision_keys_are_whole_on_screen(today_app, size, drill):
    """The six boxes of the set form, the RPE quick picks, the suggestion with its a/d keys
    and the rest timer are wholly on the screen, and the footer ends cleanly: for the
    Jefferson curl's step back, and the side bend (two-sided: a side on the form, and a
    hold whose reason, side by side, runs to seven lines at 80 columns)."""
    from textual.widgets import Button, Digits

    from backtrack.tui.widgets.keys_footer import KeysFooter
    from backtrack.tui.widgets.log_form import FIELDS, LogForm
    from backtrack.tui.widgets.rest_timer import RestDisplay
    from backtrack.tui.widgets.suggestion_banner import SuggestionBanner

    app = today_app()
    async with app.run_test(size=size) as pilot:
        await steady(pilot)
        await pilot.press(drill)
        await steady(pilot)
        screen = app.screen
        form = screen.query_one(LogForm)
        for name in FIELDS:
            assert_in_view(pilot, form.field(name))
        picks = [b for b in form.query(Button) if b.has_class("pick") and b.display]
        picks = [b for b in picks if b.parent is not None and b.parent.display]
        assert len(picks) == 5
        for pick in picks:
            assert_in_view(pilot, pick)
        banner = screen.query_one(SuggestionBanner)
        assert "a accept" in str(banner.render()) and "d decline" in str(banner.render())
        assert_in_view(pilot, banner)
        # The headline and the keys are its first lines: in view, whatever scrolls under them.
        lines = str(banner.render()).splitlines()
        assert "a accept" in lines[1] and banner.scroll_y == 0
        assert banner.content_region.height >= 2
        rest = screen.query_one(RestDisplay)
        shown = [w for w in (*rest.query(Digits), *rest.query(".clock-line")) if w.display]
        assert shown, f"no rest timer at {size}"
        for widget in shown:
            assert_in_view(pilot, widget)
        footer = screen.query_one(KeysFooter)
        keys = [k for k in footer.children if k.display]
        assert keys and all(screen.region.contains_region(k.region) for k in keys)
        palette = footer.query_one(".-command-palette")
        others = [k for k in keys if k is not palette]
        assert all(k.region.right <= palette.region.x for k in others), "keys under ^p"


async def test_the_large_view_is_remembered_for_the_athlete(today_app, demo_db, catalog, clock):
    """b shows the sets done in big digits (the rest timer's are big already at 80 x 24),
    every input stays whole, and the next session opens in the large view; another athlete's
    does not."""
    from textual.widgets import Digits

    from backtrack.tui.widgets.log_form import FIELDS, LogForm
    from backtrack.tui.widgets.set_counter import SetCounter

    app = today_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await steady(pilot)
        screen = app.screen
        counter = screen.query_one(SetCounter)
        assert not counter.display or not counter.region  # off until asked for
        palette = [command.title for command in app.get_system_commands(screen)]
        assert "Large view" in palette  # the palette's entry for b
        await pilot.press("b")
        await steady(pilot)
        assert screen.has_class("-large")
        digits = counter.query_one(Digits)
        assert_in_view(pilot, digits)
        assert digits.value == "3"  # three Jefferson curls done
        assert "sets done of 3" in str(counter.query_one(".caption").render())
        form = screen.query_one(LogForm)
        for name in FIELDS:
            assert_in_view(pilot, form.field(name))

    async with today_app().run_test(size=(80, 24)) as pilot:
        await steady(pilot)
        assert pilot.app.screen.has_class("-large")  # remembered
        await pilot.press("b")
        await steady(pilot)
        assert not pilot.app.screen.has_class("-large")

    async with today_app().run_test(size=(80, 24)) as pilot:
        await steady(pilot)
        assert not pilot.app.screen.has_class("-large")  # and that too

    from backtrack.store import Store

    store = Store.open(demo_db, catalog, clock)
    try:  # per athlete: the demo athlete's choice is not the guest's
        store.set_large_view(store.athlete("demo"), True)
        assert store.large_view(store.athlete("demo"))
        assert not store.large_view(store.athlete("guest"))
    finally:
        store.close()


@pytest.mark.parametrize(
    "key", ["", "h", "t", "question_mark"], ids=["today", "history", "timer", "help"]
)
@pytest.mark.parametrize("size", [(40, 24), (60, 30), (80, 24)], ids=["40x24", "60x30", "80x24"])
async def test_the_footer_ends_cleanly_on_every_screen(today_app, size, key):
    """The footer shows the keys that fit whole, none under the palette key, and the
    palette key whole at the right (Textual's footer let the last key run under it)."""
    from backtrack.tui.widgets.keys_footer import KeysFooter

    app = today_app()
    async with app.run_test(size=size) as pilot:
        await steady(pilot)
        if key:
            await pilot.press(key)
            await steady(pilot)
        screen = app.screen
        footer = screen.query_one(KeysFooter)
        palette = footer.query_one(".-command-palette")
        assert_in_view(pilot, palette)
        shown = [k for k in footer.children if k.display and k is not palette]
        assert shown, f"no key left in the footer at {size}"
        assert all(k.region.right <= palette.region.x for k in shown), "a key under ^p"
        assert all(screen.region.contains_region(k.region) for k in shown)
