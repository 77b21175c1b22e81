"""The check-in modal: one key answers, 10 is one key too, it can be skipped, and an answer
the database cannot take yet (busy) is kept and saved once it can."""

from __future__ import annotations

import sqlite3
import time

from backtrack.store import Store
from backtrack.tui.screens import today_checkin
from backtrack.tui.screens.checkin import CheckInScreen
from backtrack.tui.screens.red_flags import RedFlagsScreen
from backtrack.tui.screens.today import TodayScreen
from backtrack.tui.widgets.suggestion_banner import SuggestionBanner

from .conftest import footer_keys, footer_labels, no_red_flags, settle, start


async def test_check_in_asked_on_first_start_and_recorded_with_one_key(make_app, store: Store):
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, RedFlagsScreen)  # the first check-in ever asks them
        await pilot.press("enter")  # none of these
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
    checkin = store.checkin_on(store.athlete("me"), app.gym.today)
    assert checkin is not None and checkin.pain == 4 and checkin.red_flags == ()


async def test_the_footer_shows_the_check_ins_own_keys(make_app):
    """Not the keys of today's page under it, which do nothing while it is up."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        keys = footer_keys(pilot)
        assert keys == [*"0123456789", "t", "s Skip check-in", "q Quit"]
        assert footer_labels(pilot) == ["answer (t = 10)"]


async def test_ten_is_one_key(make_app, store: Store):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot, pain="t")
    assert store.checkin_on(store.athlete("me"), app.gym.today).pain == 10


async def test_buttons_answer_with_the_mouse(make_app, store: Store):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.click("#pain-7")
        await settle(pilot)
        await pilot.click("#send")  # the red-flag questions: none of these
        await settle(pilot)
    assert store.checkin_on(store.athlete("me"), app.gym.today).pain == 7


async def test_not_asked_again_once_checked_in_today(make_app, store: Store):
    store.check_in(store.athlete("me"), 1)
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, CheckInScreen)


async def test_skipped_check_in_records_nothing_and_the_suggestion_says_so(make_app, store):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot, pain=None)
        assert not isinstance(app.screen, CheckInScreen)
        banner = app.screen.query_one(SuggestionBanner)
        assert "No check-in today" in str(banner.render())
        assert banner.has_class("-no-checkin")
    assert store.checkin_on(store.athlete("me"), app.gym.today) is None


async def test_c_checks_in_again(make_app, store: Store):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot, pain=None)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("3")
        await settle(pilot)
        await no_red_flags(pilot)
        banner = app.screen.query_one(SuggestionBanner)
        assert not banner.has_class("-no-checkin")
    assert store.checkin_on(store.athlete("me"), app.gym.today).pain == 3


async def test_a_check_in_the_busy_database_refuses_is_kept_and_saved_later(
    make_app, store: Store, db_path, monkeypatch
):
    monkeypatch.setattr(today_checkin, "CHECK_IN_RETRY_SECONDS", 0.2)
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        app.gym.store.db.conn.execute("PRAGMA busy_timeout = 50")
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another writer holds the database
        answered_at = app.gym.clock.now()
        await pilot.press("4")
        await settle(pilot)
        await no_red_flags(pilot)
        [error] = [n for n in app._notifications if n.severity == "error"]
        assert "busy" in error.message and "4/10, is kept" in error.message
        assert store.checkin_on(store.athlete("me"), app.gym.today) is None
        await pilot.pause(0.5)  # it is tried again, and fails again, without more notes
        await settle(pilot)
        assert len([n for n in app._notifications if n.severity == "error"]) == 1
        await pilot.press("c")  # asking again says the answer is kept
        await pilot.pause()
        assert "Your 4/10 is not saved yet" in str(app.screen.query_one(".kept").render())
        await pilot.press("s")  # ...and skipping keeps it
        await pilot.pause()
        other.execute("ROLLBACK")
        other.close()
        deadline = time.monotonic() + 10
        while store.checkin_on(store.athlete("me"), app.gym.today) is None:
            assert time.monotonic() < deadline, "the kept check-in was never saved"
            await pilot.pause(0.05)
        await settle(pilot)
        assert any("4/10 recorded" in n.message for n in app._notifications)
        assert app.screen.unsaved_check_in is None
        assert not app.screen.query_one(SuggestionBanner).has_class("-no-checkin")
    [checkin] = store.checkins_between(store.athlete("me"), answered_at, answered_at)
    assert checkin.pain == 4
