"""Clinical safety on the gym floor: the red-flag questions after the pain number (when they
are due, and on ! from any screen), the advice on a full screen, the flare guidance at
check-in, a real stop (asked first, then listed apart from the session), and a/d refused with
the reason for a suggestion that is no decision. Everything is read back from the database."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta

import pytest
from textual.widgets import DataTable

from backtrack import progression
from backtrack.store import Store
from backtrack.tui.screens import today_checkin
from backtrack.tui.screens.alert import AlertScreen
from backtrack.tui.screens.checkin import CheckInScreen
from backtrack.tui.screens.confirm import ConfirmScreen
from backtrack.tui.screens.history import HistoryScreen
from backtrack.tui.screens.red_flags import RedFlagsScreen
from backtrack.tui.screens.today import TodayScreen
from backtrack.tui.widgets.drill_list import DrillCard
from backtrack.tui.widgets.set_table import SetTable
from backtrack.tui.widgets.stopped_list import StoppedList
from backtrack.tui.widgets.suggestion_banner import SuggestionBanner

from .conftest import no_red_flags, settle, start

CURL = "jefferson-curl"


@pytest.fixture(autouse=True)
def utc_machine(local_zone) -> None:
    """Session dates follow the machine's zone: pin it so yesterday is yesterday."""
    local_zone("UTC")


def asked_yesterday(store: Store, pain: int = 2) -> None:
    """A check-in yesterday that answered the red-flag questions (none): not due today
    unless the pain calls for them."""
    me = store.athlete("me")
    store.check_in(me, pain, at=store.clock.now() - timedelta(days=1), flags_asked=True)


def text(widget) -> str:
    return str(widget.render())


def screen_text(app) -> str:
    """Every Static's text on the screen showing now."""
    from textual.widgets import Static

    return "\n".join(text(w) for w in app.screen.query(Static))


async def answer_pain(pilot, key: str) -> None:
    await settle(pilot)
    assert isinstance(pilot.app.screen, CheckInScreen)
    await pilot.press(key)
    await settle(pilot)


# -- the red-flag questions ----------------------------------------------------------------


async def test_not_asked_when_not_due_and_recorded_as_not_asked(make_app, store: Store):
    asked_yesterday(store)
    app = make_app()
    async with app.run_test() as pilot:
        await answer_pain(pilot, "3")
        assert isinstance(app.screen, TodayScreen)
    me = store.athlete("me")
    assert store.checkin_on(me, app.gym.today).pain == 3
    assert store.red_flags_last_asked(me) == store.clock.now() - timedelta(days=1)


async def test_asked_when_pain_reaches_the_flare_level(make_app, store: Store):
    asked_yesterday(store)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await answer_pain(pilot, "7")
        assert isinstance(app.screen, RedFlagsScreen)
        assert "Since your last session, any of these?" in screen_text(app)


async def test_asked_after_a_rise_of_two_points(make_app, store: Store):
    asked_yesterday(store, pain=1)
    app = make_app()
    async with app.run_test() as pilot:
        await answer_pain(pilot, "3")
        assert isinstance(app.screen, RedFlagsScreen)


async def test_none_of_these_is_enter_and_is_recorded_as_asked(make_app, store: Store):
    app = make_app()
    async with app.run_test() as pilot:
        await answer_pain(pilot, "2")
        assert isinstance(app.screen, RedFlagsScreen)  # the first check-in ever
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
    me = store.athlete("me")
    checkin = store.checkin_on(me, app.gym.today)
    assert (checkin.pain, checkin.red_flags) == (2, ())
    assert store.red_flags_last_asked(me) == checkin.at
    assert store.open_red_flags(me) == []


async def test_a_yes_brings_the_advice_on_a_full_screen_and_stops_every_drill(
    make_app, store: Store
):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await answer_pain(pilot, "3")
        await pilot.press("6", "1", "2", "2")  # numbness below the knee, saddle; bladder: no
        questions = app.screen.query_one("#flag-saddle-numbness")
        assert questions.has_class("-yes")
        assert not app.screen.query_one("#flag-bladder-bowel").has_class("-yes")
        await pilot.press("enter")
        await settle(pilot)
        alert = app.screen
        assert isinstance(alert, AlertScreen) and alert.has_class("-emergency")
        words = screen_text(app)
        assert "Go to an emergency department now." in words
        assert "cauda equina" in words
        assert "New numbness or tingling between your legs" in words
        assert "pins and needles down one leg" in words
        await pilot.press("enter")  # Enter does not close it: a second press must not hide it
        await pilot.pause()
        assert app.screen is alert
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        banner = app.screen.query_one(SuggestionBanner)
        assert banner.has_class("-stop")
        assert "Stop training: a red flag is open" in text(banner)
        assert all(
            d.suggestion.action == "stop" and d.suggestion.rule == "red_flag"
            for d in app.screen.view.drills
        )
        assert "■ stop" in text(app.screen.query(DrillCard).first())
        assert app.screen.check_action("accept", ()) is None  # dimmed
        await pilot.press("a")
        await settle(pilot)
        [note] = [n for n in app._notifications if n.title == "Nothing to decide"]
        assert "a red flag stops training until a clinician clears it" in note.message
    me = store.athlete("me")
    checkin = store.checkin_on(me, app.gym.today)
    assert checkin.red_flags == ("saddle-numbness", "leg-numbness")
    assert [c.id for c in store.open_red_flags(me)] == [checkin.id]
    assert store.plan_timeline(me, CURL) == []  # the refused accept recorded nothing


@pytest.mark.parametrize(
    ("key", "level", "advice"),
    [
        ("5", "doctor", "See a doctor today about the weakness."),
        ("9", "clinician", "Stop training and contact your clinician today."),
    ],
)
async def test_the_most_urgent_advice_in_its_colour(make_app, key, level, advice):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await answer_pain(pilot, "2")
        await pilot.press(key, "enter")
        await settle(pilot)
        assert isinstance(app.screen, AlertScreen) and app.screen.has_class(f"-{level}")
        assert text(app.screen.query_one("#alert-heading")) == advice


async def test_skipping_the_questions_saves_the_pain_and_asks_them_next_time(
    make_app, store: Store
):
    app = make_app()
    async with app.run_test() as pilot:
        await answer_pain(pilot, "4")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
    me = store.athlete("me")
    assert store.checkin_on(me, app.gym.today).pain == 4
    assert store.red_flags_last_asked(me) is None
    assert progression.ask_red_flags(store, me, 4)


async def test_escape_after_a_yes_still_reports_it(make_app, store: Store):
    app = make_app()
    async with app.run_test() as pilot:
        await answer_pain(pilot, "2")
        await pilot.press("9", "escape")
        await settle(pilot)
        assert isinstance(app.screen, AlertScreen)
    assert store.checkin_on(store.athlete("me"), app.gym.today).red_flags == ("trauma",)


async def test_q_quits_from_the_questions_recording_nothing(make_app, store: Store):
    """As from every question: quitting answers nothing."""
    app = make_app()
    async with app.run_test() as pilot:
        await answer_pain(pilot, "2")
        assert isinstance(app.screen, RedFlagsScreen)
        await pilot.press("q")
        assert app.return_code == 0
    assert store.checkin_on(store.athlete("me"), app.gym.today) is None


async def test_a_busy_database_keeps_the_pain_and_the_symptoms(
    make_app, store: Store, db_path, monkeypatch
):
    """The advice shows at once (it needs nothing from the log); the answer, symptoms and
    all, is kept and saved once the database lets it; a new pain number meanwhile does
    not take the symptoms back."""
    monkeypatch.setattr(today_checkin, "CHECK_IN_RETRY_SECONDS", 0.2)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.gym.store.db.conn.execute("PRAGMA busy_timeout = 50")
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another writer holds the database
        await answer_pain(pilot, "3")
        await pilot.press("5", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AlertScreen) and app.screen.has_class("-doctor")
        [error] = [n for n in app._notifications if n.severity == "error"]
        assert "3/10 and the symptoms you reported, is kept" in error.message
        await pilot.press("escape")
        await pilot.press("c")  # a new number: the symptoms stay with it
        await pilot.pause()
        assert "the symptoms stay" in text(app.screen.query_one(".kept"))
        await pilot.press("4")
        await settle(pilot)
        await no_red_flags(pilot)
        assert store.checkin_on(store.athlete("me"), app.gym.today) is None
        other.execute("ROLLBACK")
        other.close()
        deadline = time.monotonic() + 10
        while store.checkin_on(store.athlete("me"), app.gym.today) is None:
            assert time.monotonic() < deadline, "the kept check-in was never saved"
            await pilot.pause(0.05)
        await settle(pilot)
        assert app.screen.unsaved_check_in is None
    [checkin] = store.checkins_between(
        store.athlete("me"), store.clock.now() - timedelta(hours=1), store.clock.now()
    )
    assert (checkin.pain, checkin.red_flags) == (4, ("leg-weakness",))


# -- report a symptom ----------------------------------------------------------------------


async def test_bang_reports_a_symptom_from_history(make_app, store: Store):
    """The questions come whether due or not, after the pain number (a check-in needs it)."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot, pain="2")
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        assert "Report a symptom" in screen_text(app)
        await pilot.press("exclamation_mark")  # pressed twice: not 10 (as it is in a check-in)
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, RedFlagsScreen)  # not due (asked minutes ago): asked
        await pilot.press("3", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AlertScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
    me = store.athlete("me")
    first, report = store.checkins_between(me, store.clock.now(), store.clock.now())
    assert (first.red_flags, report.red_flags, report.pain) == ((), ("sexual",), 2)


async def test_report_a_symptom_is_in_the_command_palette_and_skipping_records_nothing(
    make_app, store: Store
):
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot, pain="2")
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Report a symptom" in titles
        await pilot.press("exclamation_mark")
        await pilot.pause()
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert any(n.message == "Nothing reported." for n in app._notifications)
    now = store.clock.now()
    assert len(store.checkins_between(store.athlete("me"), now, now)) == 1


# -- a flare on arrival --------------------------------------------------------------------


async def test_a_flare_at_check_in_shows_its_guidance_before_any_set(make_app, store: Store):
    asked_yesterday(store)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await answer_pain(pilot, "8")
        await pilot.press("enter")  # the questions (due at the flare level): none
        await settle(pilot)
        alert = app.screen
        assert isinstance(alert, AlertScreen) and alert.has_class("-flare")
        heading = text(alert.query_one("#alert-heading"))
        assert heading.startswith("Back pain at 8/10: a flare (your flare level is 7)")
        assert "contact your clinician if it does not settle within a week" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert app.screen.query_one(SetTable).row_count == 0


async def test_the_flare_level_is_the_athletes_own(make_app, store: Store):
    me = store.athlete("me")
    store.change_rule_setting(me, "flare_pain", 9, reason="calmer flares", by="clinician")
    asked_yesterday(store, pain=7)  # 8 today is no rise that matters either
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await answer_pain(pilot, "8")
        assert isinstance(app.screen, TodayScreen)  # below 9: neither questions nor flare
        await pilot.press("c", "9")
        await settle(pilot)
        await no_red_flags(pilot)
        assert isinstance(app.screen, AlertScreen)
        assert "your flare level is 9" in text(app.screen.query_one("#alert-heading"))


# -- a real stop ---------------------------------------------------------------------------


def seed_pain_stop(store: Store) -> None:
    """A Jefferson curl at its starting plan this morning that hurt at 7/10: a stop."""
    me = store.athlete("me")
    now = store.clock.now()
    store.check_in(me, 2, at=now - timedelta(minutes=40), flags_asked=True)
    store.log_set(me, CURL, reps=8, rpe=7, pain=7, at=now - timedelta(minutes=20))
    suggestion = progression.current_suggestion(store, me, CURL)
    assert (suggestion.action, suggestion.rule) == ("stop", "pain"), suggestion


async def test_a_pain_stop_is_asked_first_then_listed_apart_out_of_the_session(
    make_app, store: Store
):
    seed_pain_stop(store)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        today = app.screen
        banner = today.query_one(SuggestionBanner)
        assert banner.has_class("-stop")
        assert "Stop this drill and contact your clinician" in text(banner)
        assert "stop it (until your clinician resumes it)" in text(banner)
        assert not today.query_one(StoppedList).display
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is today
        assert [d.exercise.id for d in today.view.drills] == [
            "half-kneeling-side-bend",
            "back-extension-ghd",
            "half-kneeling-windmill",
        ]
        stopped = today.query_one(StoppedList)
        assert stopped.display
        words = text(stopped)
        assert "■ Stopped: Jefferson curl on 25 Nov, out of your sessions. Set 1 hurt" in words
        assert "Set 1 hurt at 7/10" in words
        assert "Your clinician can resume it with `backtrack plan jefferson-curl --active`" in words
        assert len(today.query(DrillCard)) == 3
        await pilot.press("1")  # the first drill of the session, not the stopped one
        await pilot.pause()
        assert today.drill.exercise.id == "half-kneeling-side-bend"
    me = store.athlete("me")
    assert CURL in store.stopped_drills(me)
    [entry] = store.plan_timeline(me, CURL)
    assert (entry.action, entry.status) == ("stop", "accepted")


async def test_no_to_the_stop_question_changes_nothing(make_app, store: Store):
    seed_pain_stop(store)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("n")
        await settle(pilot)
        assert len(app.screen.view.drills) == 4
    assert store.stopped_drills(store.athlete("me")) == {}
    assert store.plan_timeline(store.athlete("me"), CURL) == []


async def test_declining_a_stop_keeps_the_drill_in_the_session(make_app, store: Store):
    seed_pain_stop(store)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert app.screen.view.drills[0].exercise.id == CURL
    me = store.athlete("me")
    assert store.stopped_drills(me) == {}
    [entry] = store.plan_timeline(me, CURL)
    assert (entry.action, entry.status) == ("stop", "declined")


async def test_a_drill_resumed_by_the_clinician_is_back_in_the_session(make_app, store: Store):
    seed_pain_stop(store)
    me = store.athlete("me")
    progression.decide(store, me, CURL, accept=True)
    store.override_plan(me, CURL, active=True)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.screen.view.drills[0].exercise.id == CURL
        assert not app.screen.query_one(StoppedList).display


# -- nothing to decide ---------------------------------------------------------------------


async def test_accept_of_a_hold_that_waits_for_a_check_in_is_refused_with_the_reason(
    make_app, store: Store
):
    me = store.athlete("me")
    now = store.clock.now()
    store.log_set(me, CURL, reps=8, rpe=6, pain=1, at=now - timedelta(days=2))
    store.check_in(me, 1, flags_asked=True)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        today = app.screen
        suggestion = today.drill.suggestion
        assert (suggestion.rule, suggestion.decidable) == ("checkin", False)
        assert today.check_action("accept", ()) is None
        assert today.check_action("decline", ()) is None
        assert "accept" not in text(today.query_one(SuggestionBanner))
        await pilot.press("d")
        await settle(pilot)
        [note] = [n for n in app._notifications if n.title == "Nothing to decide"]
        assert note.message.startswith("nothing to decide yet: no check-in before this session")
    assert store.plan_timeline(me, CURL) == []


# -- history -------------------------------------------------------------------------------


async def test_history_shows_the_stop_and_the_clinicians_changes_for_every_drill(
    make_app, store: Store
):
    seed_pain_stop(store)
    me = store.athlete("me")
    progression.decide(store, me, CURL, accept=True)
    store.change_rule_setting(me, "pain_limit", 4, reason="careful after the stop", by="Dr Lee")
    store.check_in(me, 3, red_flags=("trauma",))
    store.clear_red_flags(me, reason="seen in clinic: a bruise", by="Dr Lee")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_history(CURL)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        sessions = screen.query_one("#sessions", DataTable)
        assert [str(c) for c in sessions.get_row_at(0)][6:] == ["■ stop", "✓ taken"]
        await pilot.press("v")
        await settle(pilot)
        timeline = screen.query_one("#timeline", DataTable)
        rows = {
            tuple(str(c) for c in timeline.get_row_at(r)[1:3]) for r in range(timeline.row_count)
        }
        assert rows == {
            ("■ stop", "✓ taken"),
            ("pain_limit 5 → 4", "clinician"),
            ("red flags cleared", "clinician"),
        }
