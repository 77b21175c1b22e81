"""The rules with a clinician's per-athlete settings: each rule at, just below and just above
each setting, with the defaults and with changed settings; the rule order around a flare, a
red flag, a break and a stop; and which suggestions are a decision at all.

Every reason prints the athlete's own numbers: each case with a changed setting checks that
the changed number is in the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from backtrack import rules
from backtrack.models import CheckIn, Exercise, Plan, PlanChange, SetEntry, Suggestion
from backtrack.rules import Situation
from backtrack.settings import DEFAULTS, RuleSettings

D0 = date(2026, 11, 20)  # the local date of session S
T0 = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)  # S's first set
SET_GAP = timedelta(minutes=3)
DAY = timedelta(days=1)

JC = Exercise(
    id="jefferson-curl",
    name="Jefferson curl",
    loads="flexion",
    equipment="dumbbell",
    cues=["Roll down one segment at a time"],
    sets=3,
    reps_min=6,
    reps_max=8,
    rest_seconds=90,
    start_load_kg=0,
    load_increment_kg=2.5,
    max_load_kg=40,
    max_sets=5,
    rom=["fingertips to knees", "fingertips to mid-shin", "fingertips to toes", "on a box"],
    progression=["rom", "load", "volume"],
)


def plan(sets: int = 3, load: float = 10.0, rom: int = 2) -> Plan:
    """A Jefferson curl plan: 3 x 6-8 at 10 kg, ROM level 2 unless told otherwise."""
    return Plan(exercise_id=JC.id, sets=sets, reps_min=6, reps_max=8, load_kg=load, rom_level=rom)


BASE = plan()
START = JC.starting_plan()  # 3 x 6-8 at 0 kg, ROM 1: nothing to step down to


def _pick(value: Any, index: int) -> Any:
    return value[index] if isinstance(value, tuple) else value


def session(
    days_before: int = 0,
    *,
    reps: Sequence[int] = (8, 8, 8),
    rpe: Any = 7.0,
    pain: Any = 2,
    load: float = 10.0,
    rom: int = 2,
) -> tuple[SetEntry, ...]:
    """A session `days_before` S (0: S itself) at 17:00 UTC; rpe and pain are one value for
    every set or a tuple per set. By default it earns a progression at BASE."""
    start = T0 - days_before * DAY
    return tuple(
        SetEntry(
            exercise_id=JC.id,
            performed_at=start + i * SET_GAP,
            session_date=D0 - days_before * DAY,
            set_number=i + 1,
            reps=count,
            load=load,
            load_kg=load,
            rom_level=rom,
            rpe=_pick(rpe, i),
            pain=_pick(pain, i),
        )
        for i, count in enumerate(reps)
    )


def checkin(at: datetime, pain: int, flags: tuple[str, ...] = ()) -> CheckIn:
    """A check-in whose local date is its UTC date."""
    return CheckIn(at=at, local_date=at.date(), pain=pain, red_flags=flags)


def around(days_before: int = 0, baseline: int = 2, response: int = 2) -> tuple[CheckIn, ...]:
    """The baseline an hour before the session `days_before` S, and the response at 08:00
    the next morning."""
    first = T0 - days_before * DAY
    next_morning = datetime.combine(first.date() + DAY, datetime.min.time(), UTC)
    return (
        checkin(first - timedelta(hours=1), baseline),
        checkin(next_morning + timedelta(hours=8), response),
    )


NOTHING_ELSE = Situation()  # no red flag, no today


def suggest(
    *,
    sets: Sequence[SetEntry] | None = None,
    previous: Sequence[SetEntry] = (),
    older: Sequence[Sequence[SetEntry]] = (),
    checkins: Sequence[CheckIn] | None = None,
    current: Plan = BASE,
    changes: Sequence[PlanChange] = (),
    last_judged: date | None = None,
    settings: RuleSettings = DEFAULTS,
    situation: Situation = NOTHING_ELSE,
) -> Suggestion:
    """The rules on S (an easy session at BASE unless given) with its two check-ins."""
    return rules.suggest(
        JC,
        current,
        session() if sets is None else sets,
        previous,
        around() if checkins is None else checkins,
        changes,
        last_judged,
        older=older,
        settings=settings,
        situation=situation,
    )


def expect(result: Suggestion, action: str, rule: str, *fragments: str) -> None:
    """`result` is `action` from `rule`, and its reason holds every fragment."""
    assert (result.action, result.rule) == (action, rule), result.reason
    for fragment in fragments:
        assert fragment in result.reason, (fragment, result.reason)
    assert "\n" not in result.reason and result.reason == result.reason.strip()


def moved(result: Suggestion, current: Plan = BASE) -> dict[str, Any]:
    """The plan fields a suggestion changes."""
    return {
        name: getattr(result.plan, name)
        for name in ("sets", "load_kg", "rom_level")
        if getattr(result.plan, name) != getattr(current, name)
    }


PROGRESS = "progress_rom"  # at BASE, a progression is one ROM level up


# -- rule 1: a set above pain_limit regresses --------------------------------------------

PAIN_LIMIT = [
    # settings, worst set pain, expected action, rule, fragments
    (DEFAULTS, 4, "hold", "sore", ("Set 2 hurt at 4/10", "up to 5 is acceptable")),
    (DEFAULTS, 5, "hold", "sore", ("Set 2 hurt at 5/10", "up to 5 is acceptable")),
    (DEFAULTS, 6, "regress", "pain", ("Set 2 hurt at 6/10 (above 5)",)),
    (RuleSettings(pain_limit=3), 2, PROGRESS, "progress", ("with pain 3 or less",)),
    (RuleSettings(pain_limit=3), 3, PROGRESS, "progress", ("with pain 3 or less",)),
    (RuleSettings(pain_limit=3), 4, "regress", "pain", ("Set 2 hurt at 4/10 (above 3)",)),
    (RuleSettings(pain_limit=4), 3, PROGRESS, "progress", ()),
    (RuleSettings(pain_limit=4), 4, "hold", "sore", ("up to 4 is acceptable",)),
    (RuleSettings(pain_limit=4), 5, "regress", "pain", ("Set 2 hurt at 5/10 (above 4)",)),
    (
        RuleSettings(pain_limit=2, progress_pain_max=1),
        2,
        "hold",
        "sore",
        ("up to 2 is acceptable, 1 or less to progress",),
    ),
    (RuleSettings(pain_limit=2, progress_pain_max=1), 3, "regress", "pain", ("(above 2)",)),
]


@pytest.mark.parametrize(("settings", "pain", "action", "rule", "fragments"), PAIN_LIMIT)
def test_pain_limit(
    settings: RuleSettings, pain: int, action: str, rule: str, fragments: tuple[str, ...]
) -> None:
    result = suggest(sets=session(pain=(1, pain, 1)), settings=settings)
    expect(result, action, rule, *fragments)
    if action == "regress":
        assert moved(result) == {"rom_level": 1}


def test_pain_limit_regress_needs_no_checkins() -> None:
    expect(
        suggest(sets=session(pain=(1, 4, 1)), checkins=(), settings=RuleSettings(pain_limit=3)),
        "regress",
        "pain",
        "(above 3)",
    )


# -- rule 2: a rise of rise_regress regresses; rule 6: a smaller rise holds ----------------

RISE = [
    # settings, baseline, response, action, rule, fragments
    (DEFAULTS, 2, 2, PROGRESS, "progress", ()),
    (DEFAULTS, 2, 3, "hold", "sore", ("rose from 2 to 3", "(1 point)", "a rise of 2 steps back")),
    (DEFAULTS, 2, 4, "regress", "rise", ("rose from 2 to 4", "(2 points or more)")),
    (DEFAULTS, 1, 4, "regress", "rise", ("rose from 1 to 4", "(2 points or more)")),
    (RuleSettings(rise_regress=3), 1, 2, "hold", "sore", ("(1 point)", "a rise of 3 steps back")),
    (RuleSettings(rise_regress=3), 1, 3, "hold", "sore", ("(2 points)", "a rise of 3 steps back")),
    (RuleSettings(rise_regress=3), 1, 4, "regress", "rise", ("(3 points or more)",)),
    (RuleSettings(rise_regress=3), 1, 5, "regress", "rise", ("(3 points or more)",)),
    (RuleSettings(rise_regress=4), 1, 4, "hold", "sore", ("(3 points)", "a rise of 4 steps back")),
    (RuleSettings(rise_regress=4), 1, 5, "regress", "rise", ("(4 points or more)",)),
    (RuleSettings(rise_regress=1), 2, 2, PROGRESS, "progress", ()),
    (RuleSettings(rise_regress=1), 2, 3, "regress", "rise", ("(1 point or more)",)),
    (RuleSettings(rise_regress=1), 3, 2, PROGRESS, "progress", ()),
]


@pytest.mark.parametrize(("settings", "baseline", "response", "action", "rule", "fragments"), RISE)
def test_rise_regress(
    settings: RuleSettings,
    baseline: int,
    response: int,
    action: str,
    rule: str,
    fragments: tuple[str, ...],
) -> None:
    result = suggest(checkins=around(0, baseline, response), settings=settings)
    expect(result, action, rule, *fragments)


@pytest.mark.parametrize("rise_regress", [1, 2, 3, 4])
def test_every_rise_below_rise_regress_holds_and_from_it_regresses(rise_regress: int) -> None:
    settings = RuleSettings(rise_regress=rise_regress)
    for rise in range(0, 6):
        result = suggest(checkins=around(0, 1, 1 + rise), settings=settings)
        if rise == 0:
            expected = PROGRESS
        elif rise < rise_regress:
            expected = "hold"
        else:
            expected = "regress"
        assert result.action == expected, (rise, result.reason)
        if rise:
            assert f"{rise_regress} " in result.reason


def test_a_rise_regresses_before_a_flare_holds() -> None:
    """Rule 2 comes before rule 5: a response at the flare level that is also a rise of
    rise_regress regresses."""
    expect(suggest(checkins=around(0, 5, 7)), "regress", "rise", "rose from 5 to 7")
    expect(
        suggest(checkins=around(0, 6, 7)),
        "hold",
        "flare",
        "Back pain at 7/10 by the next check-in",
    )


# -- rule 5: a baseline or a response at flare_pain holds (flare) --------------------------

FLARE = [
    # settings, baseline, response, action, fragments
    (DEFAULTS, 6, 6, PROGRESS, ()),
    (DEFAULTS, 7, 7, "hold", ("Back pain at 7/10 before this session", "flare level is 7")),
    (DEFAULTS, 8, 7, "hold", ("Back pain at 8/10 before this session", "flare level is 7")),
    (DEFAULTS, 6, 7, "hold", ("Back pain at 7/10 by the next check-in", "flare level is 7")),
    (DEFAULTS, 7, 6, "hold", ("Back pain at 7/10 before this session",)),
    (RuleSettings(pain_limit=4, flare_pain=5), 4, 4, PROGRESS, ()),
    (RuleSettings(pain_limit=4, flare_pain=5), 5, 5, "hold", ("5/10", "flare level is 5")),
    (RuleSettings(pain_limit=4, flare_pain=5), 6, 6, "hold", ("6/10", "flare level is 5")),
    (RuleSettings(pain_limit=4, flare_pain=5), 4, 5, "hold", ("by the next check-in",)),
    (RuleSettings(flare_pain=9), 8, 8, PROGRESS, ()),
    (RuleSettings(flare_pain=9), 9, 9, "hold", ("Back pain at 9/10", "flare level is 9")),
    (RuleSettings(flare_pain=9), 8, 9, "hold", ("9/10 by the next check-in", "level is 9")),
    (RuleSettings(flare_pain=10), 9, 9, PROGRESS, ()),
]


@pytest.mark.parametrize(("settings", "baseline", "response", "action", "fragments"), FLARE)
def test_flare_pain(
    settings: RuleSettings, baseline: int, response: int, action: str, fragments: tuple[str, ...]
) -> None:
    result = suggest(checkins=around(0, baseline, response), settings=settings)
    expect(result, action, "flare" if action == "hold" else "progress", *fragments)
    if action == "hold":
        assert "not a day to progress" in result.reason
        assert "contact your clinician if it does not settle within a week" in result.reason
        assert "at once with any red-flag symptom" in result.reason
        assert result.plan == BASE and result.session_date == D0


def long_flare(days: int, pain: int = 8, *, flare_pain: int = 7) -> tuple[CheckIn, ...]:
    """S's check-ins at `pain`, after a check-in at `pain` every day for `days` days before
    the response (so the run of flare check-ins spans `days` days)."""
    response_at = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    earlier = tuple(checkin(response_at - n * DAY, pain) for n in range(2, days + 1))
    return (*earlier, *around(0, pain, pain))


@pytest.mark.parametrize(("days", "now"), [(6, False), (7, True), (8, True)])
def test_a_flare_for_a_week_says_contact_your_clinician_now(days: int, now: bool) -> None:
    result = suggest(checkins=long_flare(days))
    assert result.rule == "flare"
    assert rules.flare_days(long_flare(days), DEFAULTS) == days
    if now:
        assert (
            f"Back pain has stayed at 7/10 or more for {days} days: contact your clinician now"
            in result.reason
        )
        assert "within a week" not in result.reason
    else:
        assert "contact your clinician now" not in result.reason
        assert "if it does not settle within a week" in result.reason


def test_the_week_long_flare_counts_at_the_athletes_flare_level() -> None:
    """At 6/10 for 8 days: a flare for flare_pain 6 ("6/10 or more ... now"), and no flare at
    all for the default 7; one check-in below the level breaks the run."""
    six = RuleSettings(pain_limit=5, flare_pain=6)
    result = suggest(checkins=long_flare(8, 6), settings=six)
    expect(result, "hold", "flare", "stayed at 6/10 or more for 8 days: contact your clinician")
    assert suggest(checkins=long_flare(8, 6)).action == PROGRESS
    broken = (*long_flare(8, 6), checkin(datetime(2026, 11, 18, 12, 0, tzinfo=UTC), 5))
    assert rules.flare_days(broken, six) == 2  # from the 19th (after it) to the 21st
    assert "contact your clinician now" not in suggest(checkins=broken, settings=six).reason


def test_flare_guidance_names_the_athletes_level() -> None:
    seven_days = long_flare(7, 9)
    assert rules.flare_guidance(seven_days, RuleSettings(flare_pain=9)).startswith(
        "Back pain has stayed at 9/10 or more for 7 days"
    )
    assert rules.flare_guidance(seven_days, RuleSettings(flare_pain=10)).startswith(
        "Train only as far as it settles"
    )


# -- flare on arrival: a check-in at flare_pain today turns a progress into a hold ----------

TODAY = D0 + 2 * DAY  # two days after S; the response came the morning after S


def arrival(pain: int) -> tuple[CheckIn, ...]:
    """S's check-ins, then one this morning (TODAY) at `pain`."""
    return (*around(), checkin(datetime(2026, 11, 22, 7, 0, tzinfo=UTC), pain))


@pytest.mark.parametrize(
    ("settings", "pain", "flare"),
    [
        (DEFAULTS, 6, False),
        (DEFAULTS, 7, True),
        (DEFAULTS, 8, True),
        (RuleSettings(flare_pain=9), 8, False),
        (RuleSettings(flare_pain=9), 9, True),
        (RuleSettings(flare_pain=9), 10, True),
    ],
)
def test_a_flare_on_arrival_turns_a_progress_into_a_hold(
    settings: RuleSettings, pain: int, flare: bool
) -> None:
    result = suggest(checkins=arrival(pain), settings=settings, situation=Situation(today=TODAY))
    if flare:
        expect(
            result,
            "hold",
            "flare",
            f"Back pain at {pain}/10 today",
            f"your flare level is {settings.flare_pain}",
            "not a day to progress, though your last session earned it",
        )
        assert result.plan == BASE and result.session_date == D0
    else:
        expect(result, PROGRESS, "progress")


def test_the_flare_on_arrival_is_only_today() -> None:
    """Without today, or on another day, the same check-in changes nothing."""
    assert suggest(checkins=arrival(9)).action == PROGRESS
    later = Situation(today=TODAY + DAY)
    assert suggest(checkins=arrival(9), situation=later).action == PROGRESS


def test_a_flare_on_arrival_leaves_a_regress_and_a_stop_as_they_are() -> None:
    today = Situation(today=TODAY)
    regress = suggest(sets=session(pain=(1, 6, 1)), checkins=arrival(9), situation=today)
    expect(regress, "regress", "pain")
    stop = suggest(
        sets=session(pain=(1, 6, 1), load=0, rom=1),
        current=START,
        checkins=arrival(9),
        situation=today,
    )
    expect(stop, "stop", "pain")


# -- rules 6 and 7: progress_pain_max ------------------------------------------------------

PROGRESS_PAIN = [
    # settings, worst set pain, action, rule, fragments
    (DEFAULTS, 2, PROGRESS, "progress", ("with pain 3 or less",)),
    (DEFAULTS, 3, PROGRESS, "progress", ("with pain 3 or less",)),
    (DEFAULTS, 4, "hold", "sore", ("Set 2 hurt at 4/10", "3 or less to progress")),
    (RuleSettings(progress_pain_max=1), 0, PROGRESS, "progress", ("with pain 1 or less",)),
    (RuleSettings(progress_pain_max=1), 1, PROGRESS, "progress", ("with pain 1 or less",)),
    (RuleSettings(progress_pain_max=1), 2, "hold", "sore", ("1 or less to progress",)),
    (RuleSettings(progress_pain_max=0), 0, PROGRESS, "progress", ("with pain 0 or less",)),
    (RuleSettings(progress_pain_max=0), 1, "hold", "sore", ("0 or less to progress",)),
    (RuleSettings(progress_pain_max=5), 4, PROGRESS, "progress", ("with pain 5 or less",)),
    (RuleSettings(progress_pain_max=5), 5, PROGRESS, "progress", ("with pain 5 or less",)),
    (RuleSettings(progress_pain_max=5), 6, "regress", "pain", ("(above 5)",)),
    (
        RuleSettings(pain_limit=4, progress_pain_max=4),
        4,
        PROGRESS,
        "progress",
        ("with pain 4 or less",),
    ),
]


@pytest.mark.parametrize(("settings", "pain", "action", "rule", "fragments"), PROGRESS_PAIN)
def test_progress_pain_max(
    settings: RuleSettings, pain: int, action: str, rule: str, fragments: tuple[str, ...]
) -> None:
    others = min(pain, settings.progress_pain_max)
    result = suggest(sets=session(pain=(others, pain, others)), settings=settings)
    expect(result, action, rule, *fragments)


# -- rule 7: easy_rpe, in steps of 0.5 -------------------------------------------------------

EASY_RPE = [
    # settings, hardest set's RPE, progresses
    (DEFAULTS, 6.5, True),
    (DEFAULTS, 7.0, True),
    (DEFAULTS, 7.5, False),
    (RuleSettings(easy_rpe=6.0), 5.5, True),
    (RuleSettings(easy_rpe=6.0), 6.0, True),
    (RuleSettings(easy_rpe=6.0), 6.5, False),
    (RuleSettings(easy_rpe=8.5), 8.0, True),
    (RuleSettings(easy_rpe=8.5), 8.5, True),
    (RuleSettings(easy_rpe=8.5), 9.0, False),
    (RuleSettings(easy_rpe=5.0), 5.0, True),
    (RuleSettings(easy_rpe=5.0), 5.5, False),
    (RuleSettings(easy_rpe=9.0), 9.0, True),
    (RuleSettings(easy_rpe=9.0), 9.5, False),
]


@pytest.mark.parametrize(("settings", "rpe", "progresses"), EASY_RPE)
def test_easy_rpe(settings: RuleSettings, rpe: float, progresses: bool) -> None:
    result = suggest(sets=session(rpe=(5.0, 5.0, rpe)), settings=settings)
    easy = f"RPE {settings.easy_rpe:g} or easier"
    if progresses:
        expect(result, PROGRESS, "progress", f"All 3 sets reached 8 reps at {easy}")
    else:
        expect(result, "hold", "gap", f"set 3 was RPE {rpe:g}", f"at {easy} with pain 3 or less")


# -- rule 7: sessions_to_progress, since the plan last changed -------------------------------


def good(days_before: int) -> tuple[tuple[SetEntry, ...], tuple[CheckIn, ...]]:
    """A session `days_before` S that earns a progression at BASE, and its check-ins."""
    return session(days_before), around(days_before)


S, S_CHECKS = good(0)
P, P_CHECKS = good(3)  # the session before S
OLDER, O_CHECKS = good(6)  # the one before that
ALL_CHECKS = (*O_CHECKS, *P_CHECKS, *S_CHECKS)


def change(kind: str, at: datetime, *, moves: bool = True) -> PlanChange:
    """An accepted change at `at`: the plan moved to BASE (or stayed, `moves` False)."""
    before = plan(rom=1) if moves else BASE
    return PlanChange(at=at, kind=kind, before=before, after=BASE)


@pytest.mark.parametrize("needed", [1, 2, 3])
def test_n_sessions_in_a_row_progress(needed: int) -> None:
    settings = RuleSettings(sessions_to_progress=needed)
    result = suggest(sets=S, previous=P, older=[OLDER], checkins=ALL_CHECKS, settings=settings)
    expect(result, PROGRESS, "progress")
    assert moved(result) == {"rom_level": 3}
    if needed >= 2:
        assert result.reason.startswith("All 3 sets reached 8 reps")
        assert f", {needed} sessions in a row: next time, ROM level 3" in result.reason
    else:
        assert "in a row" not in result.reason


@pytest.mark.parametrize(("needed", "logged"), [(2, 1), (3, 1), (3, 2)])
def test_fewer_sessions_than_needed_hold(needed: int, logged: int) -> None:
    sessions = [S, P, OLDER][:logged]
    result = suggest(
        sets=sessions[0],
        previous=sessions[1] if logged > 1 else (),
        older=sessions[2:],
        checkins=ALL_CHECKS,
        settings=RuleSettings(sessions_to_progress=needed),
    )
    expect(
        result,
        "hold",
        "gap",
        f"This session earned a progression; {needed} sessions in a row are needed, "
        f"{logged} so far: log the next one at this plan",
    )
    assert result.plan == BASE and result.session_date == D0


@pytest.mark.parametrize("needed", [2, 3])
def test_sessions_before_the_last_plan_change_do_not_count(needed: int) -> None:
    """The plan moved to BASE between P and S: only S counts."""
    moved_at = T0 - DAY
    result = suggest(
        sets=S,
        previous=P,
        older=[OLDER],
        checkins=ALL_CHECKS,
        changes=[change("progress_rom", moved_at)],
        settings=RuleSettings(sessions_to_progress=needed),
    )
    expect(
        result,
        "hold",
        "gap",
        f"{needed} sessions in a row are needed, 1 so far since the plan last changed",
    )
    # A change between OLDER and P leaves S and P: enough for 2, not for 3.
    result = suggest(
        sets=S,
        previous=P,
        older=[OLDER],
        checkins=ALL_CHECKS,
        changes=[change("override", T0 - 4 * DAY)],
        settings=RuleSettings(sessions_to_progress=needed),
    )
    if needed == 2:
        expect(result, PROGRESS, "progress", "2 sessions in a row")
    else:
        expect(result, "hold", "gap", "3 sessions in a row are needed, 2 so far since")


def test_an_accepted_hold_is_no_plan_change() -> None:
    """A hold accepted between P and S changed nothing: P still counts."""
    result = suggest(
        sets=S,
        previous=P,
        checkins=ALL_CHECKS,
        changes=[change("hold", T0 - DAY, moves=False)],
        settings=RuleSettings(sessions_to_progress=2),
    )
    expect(result, PROGRESS, "progress", "2 sessions in a row")


@pytest.mark.parametrize(
    ("needed", "failing", "why"),
    [
        (2, "P-hard", "Keep this plan: set 3 was RPE 8"),
        (2, "P-sore", "Set 1 hurt at 4/10"),
        (2, "P-no-checkins", "No check-in before this session"),
        (3, "O-hard", "Keep this plan: set 3 was RPE 8"),
        (3, "O-flare", "Back pain at 7/10 before this session: a flare"),
    ],
)
def test_an_older_session_that_fails_holds_naming_it(needed: int, failing: str, why: str) -> None:
    previous, older, checks = P, OLDER, ALL_CHECKS
    if failing == "P-hard":
        previous = session(3, rpe=(7.0, 7.0, 8.0))
    elif failing == "P-sore":
        previous = session(3, pain=(4, 1, 1))
    elif failing == "P-no-checkins":
        checks = (*O_CHECKS, *S_CHECKS)
    elif failing == "O-hard":
        older = session(6, rpe=(7.0, 7.0, 8.0))
    else:
        checks = (*around(6, 7, 6), *P_CHECKS, *S_CHECKS)
    day = (D0 - (3 if failing.startswith("P") else 6) * DAY).isoformat()
    result = suggest(
        sets=S,
        previous=previous,
        older=[older],
        checkins=checks,
        settings=RuleSettings(sessions_to_progress=needed),
    )
    expect(
        result,
        "hold",
        "gap",
        f"This session earned a progression, but {needed} sessions in a row are needed and "
        f"the one on {day} did not: {why}",
    )
    # The same sessions progress when one session is enough.
    assert suggest(sets=S, previous=previous, older=[older], checkins=checks).action == PROGRESS


# -- a break: layoff_days, counted to today ----------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "days", "layoff"),
    [
        (DEFAULTS, 13, False),
        (DEFAULTS, 14, True),
        (DEFAULTS, 15, True),
        (RuleSettings(layoff_days=7), 6, False),
        (RuleSettings(layoff_days=7), 7, True),
        (RuleSettings(layoff_days=7), 8, True),
        (RuleSettings(layoff_days=60), 59, False),
        (RuleSettings(layoff_days=60), 60, True),
    ],
)
def test_layoff_days(settings: RuleSettings, days: int, layoff: bool) -> None:
    today = Situation(today=D0 + days * DAY)
    result = suggest(settings=settings, situation=today)
    if layoff:
        expect(
            result,
            "regress",
            "layoff",
            f"{days} days since your last Jefferson curl: come back one step lower — "
            "ROM level 1 — fingertips to knees",
        )
        assert moved(result) == {"rom_level": 1}
        assert result.decidable
    else:
        expect(result, PROGRESS, "progress")


def test_a_layoff_at_the_starting_plan_holds_there() -> None:
    result = suggest(
        sets=session(load=0, rom=1),
        current=START,
        situation=Situation(today=D0 + 22 * DAY),
    )
    expect(
        result,
        "hold",
        "layoff",
        "22 days since your last Jefferson curl: come back at your starting plan "
        "(3 x 6-8 at 0 kg, ROM level 1 — fingertips to knees)",
    )
    assert result.decidable and result.session_date == D0


def test_a_layoff_comes_whether_or_not_the_session_was_judged() -> None:
    later = Situation(today=D0 + 20 * DAY)
    expect(suggest(last_judged=D0, situation=later), "regress", "layoff", "20 days since")
    # A session that would regress on its own: the break decides the step, once.
    expect(suggest(sets=session(pain=(1, 9, 1)), situation=later), "regress", "layoff")


def test_a_layoff_is_suggested_once_per_break() -> None:
    """Once the break was accepted or declined (layoff_decided), the session is judged as
    usual: already judged, it holds until a set is logged."""
    decided = Situation(today=D0 + 20 * DAY, layoff_decided=True)
    expect(
        suggest(last_judged=D0, situation=decided),
        "hold",
        "judged",
        "Your session on 2026-11-20 has already been judged",
    )


# -- rule 0: a red flag stops every drill --------------------------------------------------

FLAGGED = checkin(datetime(2026, 11, 21, 7, 0, tzinfo=UTC), 2, ("trauma", "saddle-numbness"))


@pytest.mark.parametrize("logged", [True, False], ids=["with-sessions", "no-session-yet"])
def test_a_red_flag_stops_the_drill(logged: bool) -> None:
    result = suggest(
        sets=S if logged else (),
        previous=P if logged else (),
        checkins=ALL_CHECKS,
        situation=Situation(red_flags=(FLAGGED,), today=D0 + 20 * DAY),
    )
    expect(
        result,
        "stop",
        "red_flag",
        "Red flag reported on 2026-11-21 (saddle-numbness, trauma): "
        "Go to an emergency department now.",
        "until a clinician clears it (backtrack clear-flag)",
    )
    assert result.plan == BASE
    assert result.session_date is None
    assert not result.decidable


def test_a_red_flag_gives_the_most_urgent_advice_of_its_reports() -> None:
    first = checkin(datetime(2026, 11, 19, 7, 0, tzinfo=UTC), 2, ("unwell",))
    second = checkin(datetime(2026, 11, 21, 7, 0, tzinfo=UTC), 2, ("leg-weakness",))
    clinician = suggest(situation=Situation(red_flags=(first,)))
    assert "Stop training and contact your clinician today" in clinician.reason
    doctor = suggest(situation=Situation(red_flags=(first, second)))
    assert "Red flag reported on 2026-11-19 (leg-weakness, unwell): See a doctor today" in (
        doctor.reason
    )


# -- stops, reviews and what is a decision -------------------------------------------------


@pytest.mark.parametrize(
    ("sets", "checks", "rule", "because"),
    [
        (session(pain=(1, 6, 1), load=0, rom=1), around(), "pain", "Set 2 hurt at 6/10"),
        (session(load=0, rom=1), around(0, 1, 3), "rise", "rose from 1 to 3"),
    ],
    ids=["pain", "rise"],
)
def test_a_pain_regress_at_the_starting_plan_stops(
    sets: tuple[SetEntry, ...], checks: tuple[CheckIn, ...], rule: str, because: str
) -> None:
    result = suggest(sets=sets, checkins=checks, current=START)
    expect(
        result,
        "stop",
        rule,
        because,
        "this drill is already at its starting plan: stop this drill and contact your clinician",
    )
    assert result.plan == START and result.session_date == D0
    assert result.decidable, "accepting a stop marks the drill stopped"


def test_a_stop_follows_the_athletes_pain_limit() -> None:
    sets = session(pain=(1, 4, 1), load=0, rom=1)
    expect(
        suggest(sets=sets, current=START, settings=RuleSettings(pain_limit=3)),
        "stop",
        "pain",
        "(above 3)",
    )
    expect(suggest(sets=sets, current=START), "hold", "sore")


def test_missing_the_rep_range_at_the_starting_plan_asks_for_a_review() -> None:
    short = (5, 5, 8)
    result = suggest(
        sets=session(reps=short, load=0, rom=1),
        previous=session(3, reps=short, load=0, rom=1),
        current=START,
    )
    expect(
        result,
        "hold",
        "missed",
        "Two sessions in a row with 2 or more sets below 6 reps, at the starting plan: "
        "review this drill with your clinician",
    )
    assert result.decidable


@pytest.mark.parametrize(
    ("checks", "missing"),
    [
        (around()[:1], "No next-day check-in after 2026-11-20"),
        (around()[1:], "No check-in before this session"),
        ((), "No check-in before this session and none the day after"),
    ],
    ids=["response", "baseline", "both"],
)
def test_a_hold_waiting_for_a_checkin_is_no_decision(
    checks: tuple[CheckIn, ...], missing: str
) -> None:
    result = suggest(checkins=checks)
    expect(result, "hold", "checkin", missing)
    assert not result.decidable


def test_every_other_suggestion_is_a_decision() -> None:
    for result in (
        suggest(),
        suggest(checkins=around(0, 2, 3)),
        suggest(checkins=around(0, 7, 7)),
        suggest(sets=session(rpe=8.0)),
        suggest(last_judged=D0),
        suggest(sets=()),
    ):
        assert result.decidable, result.rule
