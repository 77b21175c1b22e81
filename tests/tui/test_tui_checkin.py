"""The check-in modal: one key answers, 10 is one key too, and it can be skipped."""

from __future__ import annotations

from backtrack.store import Store
from backtrack.tui.screens.checkin import CheckInScreen
from backtrack.tui.widgets.suggestion_banner import SuggestionBanner

from .conftest import footer_keys, footer_labels, settle, start


async def test_check_in_asked_on_first_start_and_recorded_with_one_key(make_app, store: Store):
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("4")
        await settle(pilot)
        assert not isinstance(app.screen, CheckInScreen)
    checkin = store.checkin_on(store.athlete("me"), app.gym.today)
    assert checkin is not None and checkin.pain == 4


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
        banner = app.screen.query_one(SuggestionBanner)
        assert not banner.has_class("-no-checkin")
    assert store.checkin_on(store.athlete("me"), app.gym.today).pain == 3
