"""Clinical safety through the real command line on a real SQLite file: a break, a flare, a
red flag, a stop at the starting plan, a suggestion that is nothing to decide yet, and the
clinician's rule settings (`rules`, `rules set`, `rules reset`), each change audited and in
every drill's plan timeline."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backtrack.catalog import Catalog
from backtrack.clock import FixedClock
from backtrack.red_flags import RED_FLAGS
from backtrack.settings import SPECS
from backtrack.store import Store
from backtrack.store.history import TimelineEntry

DRILL = "jefferson-curl"
DRILLS = (
    "jefferson-curl",
    "half-kneeling-side-bend",
    "back-extension-ghd",
    "half-kneeling-windmill",
)
RESUME = "your clinician can resume it with `backtrack plan jefferson-curl --active`"

StopClock = Callable[[datetime], FixedClock]


@pytest.fixture(autouse=True)
def utc_machine(local_zone, machine_clock: StopClock) -> None:
    """Local dates follow the machine's zone: pin it so the dates below are the lifter's;
    the machine's clock stands on the morning after the first session below (a test moves
    it when it needs another day)."""
    local_zone("UTC")
    machine_clock(at("2026-11-03T09:00"))


def at(text: str) -> datetime:
    """A UTC moment from 'YYYY-MM-DDTHH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def ok(run, *args: str) -> str:
    """Run a command that must succeed and return what it printed."""
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def refused(run, *args: str) -> str:
    """Run a command that must be refused: exit 2, one line on stderr (returned)."""
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def log_session(run, day: str, *, pains=(1, 1, 1), drill: str = DRILL, rom=None) -> None:
    """Log an easy session of `drill` on `day`: 3 x 8 at RPE 7, a set every three minutes
    from 08:00 UTC."""
    for number, pain in enumerate(pains):
        args = ["log", drill, "--reps", "8", "--rpe", "7", "--pain", str(pain)]
        args += ["--at", f"{day}T08:{number * 3:02d}:00Z"]
        if rom is not None:
            args += ["--rom", str(rom)]
        ok(run, *args)


def checkin(run, moment: str, pain: int, *extra: str) -> str:
    return ok(run, "checkin", "--pain", str(pain), "--at", f"{moment}:00Z", *extra)


def suggestions(run, drill: str | None = None) -> dict[str, dict]:
    """What `next [DRILL] --json` prints now, by drill."""
    printed = json.loads(ok(run, "next", *([drill] if drill else []), "--json"))
    return {s["exercise"]: s for s in printed}


def suggestion(run, drill: str = DRILL) -> dict:
    return suggestions(run, drill)[drill]


def plan(run, drill: str = DRILL) -> dict:
    (only,) = json.loads(ok(run, "plan", drill, "--json"))
    return only


def query(db_path: Path, sql: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def dump(db_path: Path) -> list[str]:
    """Every row of every table (read only): to check that nothing was written."""
    conn = sqlite3.connect(f"{db_path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def timeline(db_path: Path, catalog: Catalog, drill: str) -> list[TimelineEntry]:
    """The plan timeline of `drill` for the athlete `me`, as History shows it."""
    store = Store.open(db_path, catalog)
    try:
        return store.plan_timeline(store.athlete("me", create=False), drill)
    finally:
        store.close()


def earned_progression(run) -> None:
    """An easy session on 2026-11-02 with a baseline before it and a response the next
    morning: a progression to ROM 2 once judged."""
    checkin(run, "2026-11-02T07:30", 2)
    log_session(run, "2026-11-02")
    checkin(run, "2026-11-03T07:00", 2)


# -- a break ----------------------------------------------------------------------------


@pytest.mark.parametrize("decision", ["accept", "decline"])
def test_after_three_weeks_off_the_drill_comes_back_one_step_lower_once(
    run, db_path: Path, machine_clock: StopClock, decision: str
) -> None:
    clock = machine_clock(at("2026-11-03T09:00"))
    earned_progression(run)
    assert suggestion(run)["action"] == "progress_rom"
    ok(run, "accept", DRILL)
    assert plan(run)["rom_level"] == 2

    clock.advance(days=21)  # 2026-11-24: 22 days since the session of 2026-11-02
    back = suggestion(run)
    assert back["action"] == "regress"
    assert back["reason"] == (
        "22 days since your last Jefferson curl: come back one step lower — "
        "ROM level 1 — fingertips to knees"
    )
    assert back["plan"]["rom_level"] == 1
    assert "22 days since your last Jefferson curl" in ok(run, "next")

    decided = ok(run, decision, DRILL)
    assert "22 days since your last Jefferson curl" in decided
    assert plan(run)["rom_level"] == (1 if decision == "accept" else 2)
    status = "accepted" if decision == "accept" else "declined"
    assert query(db_path, "SELECT action, status FROM suggestions WHERE rule = 'layoff'") == [
        ("regress", status)
    ]

    # Suggested once per break: the drill holds until a set is logged, days later too.
    for _ in range(2):
        again = suggestion(run)
        assert again["action"] == "hold"
        assert "log your next session at this plan" in again["reason"]
        assert "days since" not in again["reason"]
        clock.advance(days=3)
    ok(run, "accept", DRILL)
    assert len(query(db_path, "SELECT 1 FROM suggestions WHERE rule = 'layoff'")) == 1

    ok(run, "log", DRILL, "--reps", "8", "--rpe", "7", "--pain", "1")
    fresh = suggestion(run)
    assert fresh["action"] == "hold" and "No check-in before this session" in fresh["reason"]

    clock.advance(days=14)  # a new break, from the set just logged
    assert suggestion(run)["reason"].startswith("14 days since your last Jefferson curl")


def test_the_break_follows_the_athletes_layoff_days(run, machine_clock: StopClock) -> None:
    clock = machine_clock(at("2026-11-03T09:00"))
    ok(run, "rules", "set", "layoff_days", "30", "--reason", "travels a lot")
    earned_progression(run)
    clock.advance(days=27)  # 28 days since the session
    assert suggestion(run)["action"] == "progress_rom"
    clock.advance(days=2)
    assert suggestion(run)["reason"].startswith("30 days since your last Jefferson curl")


# -- a flare ------------------------------------------------------------------------------

FLARE_AT_8 = (
    "FLARE: Back pain at 8/10: a flare (your flare level is 7), not a day to progress. "
    "Train only as far as it settles; contact your clinician if it does not settle within a "
    "week, or at once with any red-flag symptom"
)


def test_a_flare_at_8_prints_the_guidance_and_next_holds(
    run, db_path: Path, machine_clock: StopClock
) -> None:
    machine_clock(at("2026-11-04T07:05"))
    earned_progression(run)
    assert suggestion(run)["action"] == "progress_rom"

    printed = checkin(run, "2026-11-04T07:00", 8)
    assert printed.splitlines() == ["Checked in me on 2026-11-04: back pain 8/10", FLARE_AT_8]
    held = suggestion(run)
    assert held["action"] == "hold"
    assert held["reason"].startswith(
        "Back pain at 8/10 today: a flare (your flare level is 7), so not a day to progress, "
        "though your last session earned it. Train only as far as it settles"
    )
    assert held["plan"]["rom_level"] == 1
    assert query(db_path, "SELECT rule FROM suggestions WHERE status = 'pending'") == [("flare",)]

    # The session on the day of the flare: judged by the flare before it.
    log_session(run, "2026-11-04")
    checkin(run, "2026-11-05T07:00", 6)
    machine_clock(at("2026-11-05T07:05"))
    held = suggestion(run)
    assert held["action"] == "hold"
    assert held["reason"].startswith(
        "Back pain at 8/10 before this session: a flare (your flare level is 7), not a day to "
        "progress"
    )


def test_below_the_athletes_flare_level_there_is_no_flare(run, machine_clock: StopClock) -> None:
    machine_clock(at("2026-11-04T07:05"))
    ok(run, "rules", "set", "flare_pain", "9", "--reason", "chronic pain, high baseline")
    earned_progression(run)
    assert checkin(run, "2026-11-04T07:00", 8).splitlines() == [
        "Checked in me on 2026-11-04: back pain 8/10"
    ]
    assert suggestion(run)["action"] == "progress_rom"
    printed = checkin(run, "2026-11-04T07:01", 9)
    assert "FLARE: Back pain at 9/10: a flare (your flare level is 9)" in printed
    assert suggestion(run)["action"] == "hold"


@pytest.mark.parametrize(("days", "now"), [(6, False), (7, True)])
def test_a_flare_that_lasts_a_week_says_contact_your_clinician_now(
    run, machine_clock: StopClock, days: int, now: bool
) -> None:
    machine_clock(at(f"2026-11-{1 + days:02d}T09:00"))
    for day in range(1, days + 2):
        printed = checkin(run, f"2026-11-{day:02d}T07:00", 8)
    long = f"Back pain has stayed at 7/10 or more for {days} days: contact your clinician now"
    assert (long in printed) is now
    assert ("does not settle within a week" in printed) is not now


# -- a red flag ---------------------------------------------------------------------------


def stop_at_start(run, drill: str = DRILL) -> dict:
    """A session at the starting plan with a set at 6/10 on 2026-11-02: a stop."""
    checkin(run, "2026-11-02T07:30", 2)
    log_session(run, "2026-11-02", pains=(1, 1, 6), drill=drill)
    return suggestion(run, drill)


def test_a_red_flag_stops_every_drill_until_a_clinician_clears_it(
    run, db_path: Path, catalog: Catalog, machine_clock: StopClock
) -> None:
    machine_clock(at("2026-11-04T09:00"))
    assert stop_at_start(run, "back-extension-ghd")["action"] == "stop"
    ok(run, "accept", "back-extension-ghd")
    checkin(run, "2026-11-03T07:30", 2)
    log_session(run, "2026-11-03")
    checkin(run, "2026-11-04T07:00", 2)  # the response: Jefferson curl would progress
    assert suggestion(run)["action"] == "progress_rom"

    printed = checkin(
        run,
        "2026-11-04T08:00",
        3,
        "--red-flag",
        "trauma",
        "--red-flag",
        "saddle-numbness",
        "--note",
        "slipped on the ice",
    )
    assert printed.splitlines() == [
        "Checked in me on 2026-11-04: back pain 3/10",
        "RED FLAG (saddle-numbness, trauma): Go to an emergency department now. These can be "
        "signs of cauda equina syndrome, which needs treatment within hours. Do not train.",
        "  Training is stopped until a clinician clears it (backtrack clear-flag).",
    ]
    assert query(db_path, "SELECT red_flags, note FROM checkins WHERE pain = 3") == [
        ("saddle-numbness;trauma", "slipped on the ice")
    ]

    stops = suggestions(run)
    active = ["jefferson-curl", "half-kneeling-side-bend", "half-kneeling-windmill"]
    assert list(stops) == active, "the stopped drill stays out"
    for drill, s in stops.items():
        assert s["action"] == "stop", drill
        assert s["reason"].startswith(
            "Red flag reported on 2026-11-04 (saddle-numbness, trauma): Go to an emergency "
            "department now."
        )
    assert "Back extension (GHD): stopped on 2026-11-04" in ok(run, "next")

    before = dump(db_path)
    for command in ("accept", "decline"):
        for drill in ("jefferson-curl", "half-kneeling-side-bend"):
            line = refused(run, command, drill)
            assert line == (
                "Error: nothing to decide: a red flag stops training until a clinician clears "
                "it with `backtrack clear-flag --reason TEXT`"
            )
    assert dump(db_path) == before, "a refused decision records nothing"

    cleared = ok(run, "clear-flag", "--reason", "seen in A&E: no cauda equina")
    assert cleared.splitlines() == [
        "Cleared 1 red-flag report(s) for me (2026-11-04: saddle-numbness, trauma).",
        "Still stopped: back-extension-ghd; resume each with `backtrack plan DRILL --active`.",
    ]
    assert query(db_path, "SELECT cleared_by, reason FROM flag_clearances") == [
        ("clinician", "seen in A&E: no cauda equina")
    ]
    assert query(db_path, "SELECT red_flags FROM checkins WHERE pain = 3") == [
        ("saddle-numbness;trauma",)
    ], "cleared reports stay in the audit trail"
    for drill in DRILLS:
        (entry,) = [e for e in timeline(db_path, catalog, drill) if e.action == "clear-flag"]
        assert entry.reason == "Red flags cleared by clinician: seen in A&E: no cauda equina"

    after = suggestions(run)
    assert after[DRILL]["action"] == "progress_rom"
    assert "back-extension-ghd" not in after
    assert suggestion(run, "back-extension-ghd")["action"] == "stop"
    assert "No open red flags for me; nothing recorded." in ok(run, "clear-flag", "--reason", "x")
    assert len(query(db_path, "SELECT 1 FROM flag_clearances")) == 1


def test_a_new_red_flag_after_a_clearance_stops_again(run, db_path: Path) -> None:
    ok(run, "checkin", "--pain", "2", "--red-flag", "unwell")
    ok(run, "clear-flag", "--reason", "flu, over", "--by", "Dr Lee")
    assert suggestion(run)["action"] == "hold"
    ok(run, "checkin", "--pain", "2")  # no --red-flag: none reported
    assert suggestion(run)["action"] == "hold"
    printed = ok(run, "checkin", "--pain", "2", "--red-flag", "leg-weakness")
    assert "RED FLAG (leg-weakness): See a doctor today about the weakness." in printed
    stop = suggestion(run)
    assert stop["action"] == "stop" and "(leg-weakness)" in stop["reason"]
    assert "unwell" not in stop["reason"], "the cleared flag stays cleared"
    assert query(db_path, "SELECT cleared_by FROM flag_clearances") == [("Dr Lee",)]


def test_clear_flag_needs_a_reason_and_an_unknown_flag_is_refused(run, db_path: Path) -> None:
    ok(run, "checkin", "--pain", "2", "--red-flag", "night-pain")
    before = dump(db_path)
    assert "--reason" in refused(run, "clear-flag")
    assert "--reason must not be empty" in refused(run, "clear-flag", "--reason", "  ")
    assert "'numb'" in refused(run, "checkin", "--pain", "2", "--red-flag", "numb")
    assert dump(db_path) == before
    assert suggestion(run)["action"] == "stop"


def test_checkin_help_lists_every_red_flag_and_its_question(run) -> None:
    printed = ok(run, "checkin", "--help")
    for flag in RED_FLAGS:
        assert f"{flag.key}: {flag.question}" in printed


# -- a stop at the starting plan --------------------------------------------------------------


def test_accepting_a_pain_stop_takes_the_drill_out_until_resumed(
    run, db_path: Path, machine_clock: StopClock
) -> None:
    machine_clock(at("2026-11-03T09:00"))
    stop = stop_at_start(run)
    assert stop["action"] == "stop"
    assert stop["reason"] == (
        "Set 3 hurt at 6/10 (above 5), and this drill is already at its starting plan: "
        "stop this drill and contact your clinician"
    )
    assert "Accepted for Jefferson curl: stop (judging the session of 2026-11-02)" in ok(
        run, "accept", DRILL
    )
    assert plan(run)["stopped"] is True
    shown = ok(run, "plan")
    assert "(stopped 2026-11-03)" in next(line for line in shown.splitlines() if DRILL in line)

    assert DRILL not in suggestions(run)
    assert (
        "Jefferson curl: stopped on 2026-11-03 (Set 3 hurt at 6/10 (above 5), and this drill is "
        f"already at its starting plan: stop this drill and contact your clinician); {RESUME}"
    ) in ok(run, "next")
    named = suggestion(run)
    assert named["action"] == "stop"
    assert named["reason"].startswith("Stopped on 2026-11-03: Set 3 hurt at 6/10")
    before = dump(db_path)
    assert refused(run, "accept", DRILL).startswith("Error: nothing to decide: Stopped on")
    assert refused(run, "decline", DRILL).startswith("Error: nothing to decide: Stopped on")
    assert dump(db_path) == before

    ok(run, "plan", DRILL, "--active")
    assert plan(run)["stopped"] is False
    (resumed,) = query(
        db_path, "SELECT reason FROM suggestions WHERE action = 'override' AND status = 'accepted'"
    )
    assert "resumed (stopped on 2026-11-03: Set 3 hurt at 6/10" in resumed[0]
    back = suggestions(run)[DRILL]
    assert back["action"] == "hold" and "already been judged" in back["reason"]


def test_declining_a_stop_keeps_the_drill_and_is_recorded(run, db_path: Path) -> None:
    assert stop_at_start(run)["action"] == "stop"
    ok(run, "decline", DRILL)
    assert plan(run)["stopped"] is False
    assert DRILL in suggestions(run)
    assert query(db_path, "SELECT action, status, rule FROM suggestions WHERE action = 'stop'") == [
        ("stop", "declined", "pain")
    ]


def test_a_rise_at_the_starting_plan_stops_at_the_athletes_rise_regress(
    run, machine_clock: StopClock
) -> None:
    machine_clock(at("2026-11-03T09:00"))
    checkin(run, "2026-11-02T07:30", 1)
    log_session(run, "2026-11-02")
    checkin(run, "2026-11-03T07:00", 3)
    assert suggestion(run)["action"] == "stop"
    ok(run, "rules", "set", "rise_regress", "3", "--reason", "pain fluctuates by 2 anyway")
    held = suggestion(run)
    assert held["action"] == "hold"
    assert "(2 points): keep training at this plan" in held["reason"]
    assert "(a rise of 3 steps back)" in held["reason"]


# -- nothing to decide yet ----------------------------------------------------------------------


def test_a_hold_waiting_for_the_next_day_checkin_is_no_decision(
    run, db_path: Path, machine_clock: StopClock
) -> None:
    clock = machine_clock(at("2026-11-02T09:00"))
    checkin(run, "2026-11-02T07:30", 2)
    log_session(run, "2026-11-02")
    waiting = suggestion(run)
    assert waiting["action"] == "hold"
    assert waiting["reason"].startswith("No next-day check-in after 2026-11-02")

    before = dump(db_path)
    for command in ("accept", "decline"):
        line = refused(run, command, DRILL)
        assert line.startswith(
            "Error: nothing to decide yet: no next-day check-in after 2026-11-02"
        )
        assert line.endswith("the session is judged once it is in")
    assert dump(db_path) == before, "nothing recorded"

    clock.advance(days=1)
    checkin(run, "2026-11-03T07:00", 2)
    judged = ok(run, "accept", DRILL)
    assert "Accepted for Jefferson curl: progress rom (judging the session of 2026-11-02)" in judged
    assert plan(run)["rom_level"] == 2


# -- the clinician's rule settings ---------------------------------------------------------------

KEYS = ["key", "value", "default", "changed_at", "changed_by", "reason"]


def settings_json(run) -> dict[str, dict]:
    printed = json.loads(ok(run, "rules", "--json"))
    assert [list(s) for s in printed] == [KEYS] * len(SPECS)
    assert [s["key"] for s in printed] == [spec.key for spec in SPECS]
    return {s["key"]: s for s in printed}


def test_rules_json_shows_the_defaults_with_null_fields_while_unset(run) -> None:
    shown = settings_json(run)
    for spec in SPECS:
        assert shown[spec.key] == {
            "key": spec.key,
            "value": spec.default,
            "default": spec.default,
            "changed_at": None,
            "changed_by": None,
            "reason": None,
        }
    assert shown["pain_limit"]["value"] == 5 and isinstance(shown["pain_limit"]["value"], int)
    assert shown["easy_rpe"]["value"] == 7


def test_rules_set_and_reset_are_audited_and_in_every_drills_timeline(
    run, db_path: Path, catalog: Catalog, machine_clock: StopClock
) -> None:
    clock = machine_clock(at("2026-11-04T09:00"))
    assert ok(run, "rules", "set", "pain_limit", "4", "--reason", "after surgery") == (
        "pain_limit for me: 5 -> 4 (by clinician)\n"
    )
    clock.advance(minutes=1)
    ok(run, "rules", "set", "easy_rpe", "6.5", "--reason", "new to lifting", "--by", "Dr Lee")
    shown = settings_json(run)
    assert shown["pain_limit"] == {
        "key": "pain_limit",
        "value": 4,
        "default": 5,
        "changed_at": "2026-11-04T09:00:00Z",
        "changed_by": "clinician",
        "reason": "after surgery",
    }
    assert (shown["easy_rpe"]["value"], shown["easy_rpe"]["changed_by"]) == (6.5, "Dr Lee")
    table = ok(run, "rules")
    assert "(default 5; set 2026-11-04 by clinician: after surgery)" in table
    assert "6.5   (default 7; set 2026-11-04 by Dr Lee: new to lifting)" in table

    clock.advance(minutes=1)
    assert ok(run, "rules", "reset", "pain_limit", "--reason", "healed") == (
        "pain_limit for me: 4 -> back to its default, 5 (by clinician)\n"
    )
    assert settings_json(run)["pain_limit"]["changed_at"] is None
    assert query(
        db_path, "SELECT key, value, previous, changed_by, reason FROM rule_setting_changes"
    ) == [
        ("pain_limit", 4.0, 5.0, "clinician", "after surgery"),
        ("easy_rpe", 6.5, 7.0, "Dr Lee", "new to lifting"),
        ("pain_limit", None, 4.0, "clinician", "healed"),
    ]
    for drill in DRILLS:
        changes = [
            (e.change, e.reason) for e in timeline(db_path, catalog, drill) if e.action == "setting"
        ]
        assert changes == [
            ("pain_limit 4 → 5", "Rule setting pain_limit 4 → 5 (reset to the default) by "
             "clinician: healed"),
            ("easy_rpe 7 → 6.5", "Rule setting easy_rpe 7 → 6.5 by Dr Lee: new to lifting"),
            ("pain_limit 5 → 4", "Rule setting pain_limit 5 → 4 by clinician: after surgery"),
        ]  # fmt: skip


def test_the_changed_settings_are_the_ones_the_rules_use(run, machine_clock: StopClock) -> None:
    machine_clock(at("2026-11-03T09:00"))
    ok(run, "rules", "set", "pain_limit", "4", "--reason", "r")
    ok(run, "rules", "set", "progress_pain_max", "1", "--reason", "r")
    ok(run, "rules", "set", "easy_rpe", "7.5", "--reason", "r")
    checkin(run, "2026-11-02T07:30", 2)
    for number, (rpe, pain) in enumerate([("7.5", "1"), ("7", "2"), ("6", "1")]):
        ok(run, "log", DRILL, "--reps", "8", "--rpe", rpe, "--pain", pain,
           "--at", f"2026-11-02T08:0{number}:00Z")  # fmt: skip
    checkin(run, "2026-11-03T07:00", 2)
    held = suggestion(run)
    assert held["reason"] == (
        "Set 2 hurt at 2/10 (up to 4 is acceptable, 1 or less to progress): keep training at "
        "this plan, but not a day to progress"
    )


BAD_CHANGES = [
    (["set", "pain_limti", "4"], "unknown rule setting 'pain_limti' (one of: pain_limit,"),
    (["set", "pain_limit", "6"], "pain_limit must be a whole number from 2 to 5, not 6"),
    (["set", "pain_limit", "1"], "pain_limit must be a whole number from 2 to 5, not 1"),
    (["set", "pain_limit", "4.5"], "pain_limit must be a whole number from 2 to 5, not 4.5"),
    (["set", "pain_limit", "four"], "pain_limit takes a number, not 'four'"),
    (["set", "pain_limit", "nan"], "pain_limit takes a number, not 'nan'"),
    (["set", "easy_rpe", "7.25"], "easy_rpe must be a number in steps of 0.5 from 5 to 9"),
    (["set", "easy_rpe", "9.5"], "easy_rpe must be a number in steps of 0.5 from 5 to 9"),
    (["set", "layoff_days", "6"], "layoff_days must be a whole number from 7 to 60, not 6"),
    (["set", "sessions_to_progress", "4"], "from 1 to 3, not 4"),
    (["set", "flare_pain", "5"], "flare_pain (5) must be above pain_limit (5)"),
    (["set", "pain_limit", "2"], "progress_pain_max (3) must be at most pain_limit (2)"),
    (["reset", "flare"], "unknown rule setting 'flare'"),
]


@pytest.mark.parametrize("exists", [True, False], ids=["database", "no-database"])
@pytest.mark.parametrize(("args", "named"), BAD_CHANGES, ids=[" ".join(a) for a, _ in BAD_CHANGES])
def test_a_bad_change_is_one_line_exit_2_and_writes_nothing(
    run, db_path: Path, exists: bool, args: list[str], named: str
) -> None:
    if exists:
        ok(run, "checkin", "--pain", "2")
        before = dump(db_path)
    line = refused(run, "rules", *args, "--reason", "because")
    assert named in line
    if exists:
        assert dump(db_path) == before
    else:
        assert not db_path.exists()


@pytest.mark.parametrize(
    "args", [["set", "pain_limit", "4"], ["reset", "pain_limit"]], ids=["set", "reset"]
)
def test_a_change_needs_a_reason(run, db_path: Path, args: list[str]) -> None:
    ok(run, "checkin", "--pain", "2")
    before = dump(db_path)
    assert "Missing option '--reason'" in refused(run, "rules", *args)
    assert "--reason must not be empty" in refused(run, "rules", *args, "--reason", " ")
    assert dump(db_path) == before


def test_a_change_that_would_break_a_pair_names_both_keys(run, db_path: Path) -> None:
    ok(run, "rules", "set", "pain_limit", "4", "--reason", "r")
    ok(run, "rules", "set", "flare_pain", "5", "--reason", "r")
    before = dump(db_path)
    line = refused(run, "rules", "reset", "pain_limit", "--reason", "r")
    assert "flare_pain (5) must be above pain_limit (5)" in line
    assert dump(db_path) == before
    line = refused(run, "rules", "set", "progress_pain_max", "5", "--reason", "r")
    assert "progress_pain_max (5) must be at most pain_limit (4)" in line
    assert dump(db_path) == before
    ok(run, "rules", "reset", "flare_pain", "--reason", "r")
    ok(run, "rules", "reset", "pain_limit", "--reason", "r")
    assert all(s["changed_at"] is None for s in settings_json(run).values())


def test_settings_are_per_athlete(run) -> None:
    ok(run, "rules", "set", "pain_limit", "3", "--reason", "r", "--athlete", "kim")
    assert settings_json(run)["pain_limit"]["value"] == 5
    kim = json.loads(ok(run, "rules", "--json", "--athlete", "kim"))
    assert kim[0]["value"] == 3


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["set", "pain_limit", "4", "--reason", " "], "--reason must not be empty"),
        (["reset", "pain_limit", "--reason", ""], "--reason must not be empty"),
        (["set", "pain_limit", "4", "--reason", "x", "--by", " "], "--by must not be empty"),
        (["set", "pain_limit", "4", "--reason", "x" * 501], "--reason is over 500 characters"),
        (["set", "pain_limit", "4", "--reason", "x", "--by", "x" * 61], "--by is over 60"),
        (["set", "pain_limit", "4", "--reason", "x", "--athlete", " "], "--athlete"),
    ],
    ids=["set-blank-reason", "reset-blank-reason", "blank-by", "long-reason", "long-by", "athlete"],
)
def test_a_refused_change_leaves_no_new_database_behind(
    run, db_path: Path, args: list[str], named: str
) -> None:
    assert named in refused(run, "rules", *args)
    assert not db_path.parent.exists(), sorted(db_path.parent.rglob("*"))
