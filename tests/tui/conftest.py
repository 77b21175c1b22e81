"""Fixtures for the app's tests: an app on a fresh database with a fixed wall clock and a
mock timer clock, and a helper that waits for database workers to finish."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.clock import MockClock
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Footer

from backtrack.catalog import Catalog
from backtrack.clock import FixedClock
from backtrack.tui.app import BacktrackApp, create_app


@pytest.fixture
def timer_clock() -> MockClock:
    """The rest timer's clock, at 0 s until moved."""
    return MockClock()


@pytest.fixture
def make_app(
    db_path: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock
) -> Callable[..., BacktrackApp]:
    """Build the app on the test database (athlete 'me' unless told otherwise)."""

    def build(athlete: str = "me") -> BacktrackApp:
        return create_app(db_path, athlete, clock=clock, timer_clock=timer_clock, catalog=catalog)

    return build


async def settle(pilot: Pilot) -> None:
    """Wait until every database worker has finished and its messages are handled (and,
    when the app came up on a first look at the file, until its session is open)."""
    deadline = time.monotonic() + 10
    while getattr(pilot.app, "opening", None) is not None:
        assert time.monotonic() < deadline, "the session behind the first look never opened"
        await pilot.pause(0.01)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def footer_keys(pilot: Pilot) -> list[str]:
    """The keys in the footer of the screen showing now (a modal's own, not the page's
    under it), as 'key description' (a key of a group: the key alone)."""
    footer = pilot.app.screen.query_one(Footer)
    return [f"{key.key_display} {key.description}".strip() for key in footer.query("FooterKey")]


def footer_labels(pilot: Pilot) -> list[str]:
    """The words after each group of keys in the footer of the screen showing now."""
    footer = pilot.app.screen.query_one(Footer)
    return [str(label.render()) for label in footer.query("FooterLabel")]


async def start(pilot: Pilot, *, pain: str | None = "2") -> None:
    """Let the app load; answer the check-in with the key `pain` (None: skip it), and the
    red-flag questions, when they follow, with none of these."""
    await settle(pilot)
    await pilot.press(pain if pain is not None else "s")
    await settle(pilot)
    await no_red_flags(pilot)


async def no_red_flags(pilot: Pilot) -> None:
    """Answer the red-flag questions, if they are up, with none of these (Enter)."""
    from backtrack.tui.screens.red_flags import RedFlagsScreen

    if isinstance(pilot.app.screen, RedFlagsScreen):
        await pilot.press("enter")
        await settle(pilot)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `backtrack demo` database (twelve weeks for 'demo' until 2026-11-25, and 'guest'
    with the PIN 2468), built once per test run; tests use copies (`demo_db`)."""
    from datetime import date

    from backtrack.catalog import load_catalog
    from backtrack.demo import add_guest, build_demo
    from backtrack.store import Store

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with pytest.MonkeyPatch.context() as patch:  # the same moments on any machine
        patch.setenv("TZ", "UTC")
        time.tzset()
        store = Store.open(path, load_catalog())
        try:
            build_demo(store, today=date(2026, 11, 25))
            add_guest(store)
        finally:
            store.close()
    time.tzset()
    return path


@pytest.fixture
def demo_db(demo_template: Path, db_path: Path) -> Path:
    """A fresh copy of the demo database at the test's database path."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(demo_template, db_path)
    return db_path


def seed_flare_today(db: Path, catalog: Catalog, clock: FixedClock) -> None:
    """This morning the demo athlete checked in at 2/10 and did three Jefferson curls at
    12.5 kg and ROM 4; the third hurt at 6/10, so the rules suggest stepping back, with the
    accept and decline keys."""
    from datetime import timedelta

    from backtrack import progression
    from backtrack.store import Store

    store = Store.open(db, catalog, clock)
    try:
        demo = store.athlete("demo")
        now = clock.now()
        store.check_in(demo, 2, at=now - timedelta(minutes=30))
        for number, (reps, rpe, pain) in enumerate(((8, 7, 2), (8, 7.5, 3), (7, 8.5, 6))):
            store.log_set(
                demo,
                "jefferson-curl",
                reps=reps,
                rpe=rpe,
                pain=pain,
                note="slow on the way down" if number == 0 else None,
                at=now - timedelta(minutes=20 - 4 * number),
            )
        assert progression.current_suggestion(store, demo, "jefferson-curl").action == "regress"
    finally:
        store.close()


def assert_in_view(pilot: Pilot, widget: Widget) -> None:
    """`widget` lies wholly inside the screen and is not clipped by a scrolling parent: its
    region is the part of it on show, and each of its corners shows it."""
    screen = pilot.app.screen
    name = f"{widget!r} on {screen!r} at {pilot.app.size}"
    region = widget.region
    assert region.area > 0, f"{name} is not shown"
    assert screen.region.contains_region(region), f"{name} {region} is outside the screen"
    geometry = screen.find_widget(widget)
    assert geometry.clip.contains_region(geometry.region), f"{name} is cut by its parent"
    corners = (
        (region.x, region.y),
        (region.right - 1, region.y),
        (region.x, region.bottom - 1),
        (region.right - 1, region.bottom - 1),
    )
    for x, y in corners:
        shown, _ = screen.get_widget_at(x, y)
        assert shown is widget or widget in shown.ancestors, f"{name}: {shown!r} at {x},{y}"
