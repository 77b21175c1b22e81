"""The rules end to end through the command line on a real SQLite file: log, check in,
`next --json`, accept, log again, and a pain flare that regresses the plan."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

DRILL = "jefferson-curl"


@pytest.fixture(autouse=True)
def utc_machine(local_zone) -> None:
    """Session dates follow the machine's zone: pin it so the dates below are the lifter's."""
    local_zone("UTC")


def ok(run, *args: str) -> str:
    """Run a command that must succeed and return what it printed."""
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def log_session(run, day: str, *, reps=(8, 8, 8), rpe="7", pains=(1, 1, 1), rom=None) -> None:
    """Log one session of the drill on `day`, a set every three minutes from 08:00 UTC."""
    for number, (count, pain) in enumerate(zip(reps, pains, strict=True)):
        args = ["log", DRILL, "--reps", str(count), "--rpe", rpe, "--pain", str(pain)]
        args += ["--at", f"{day}T08:{number * 3:02d}:00Z"]
        if rom is not None:
            args += ["--rom", str(rom)]
        ok(run, *args)


def suggestion(run) -> dict:
    """The one suggestion `next DRILL --json` prints now."""
    (only,) = json.loads(ok(run, "next", DRILL, "--json"))
    assert only["exercise"] == DRILL
    return only


def plan(run) -> dict:
    """The drill's current plan, as `plan DRILL --json` prints it."""
    (only,) = json.loads(ok(run, "plan", DRILL, "--json"))
    return only


def audit(db_path: Path) -> list[tuple[str, str]]:
    """The accepted and declined suggestions, oldest first: (action, status)."""
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT action, status FROM suggestions"
            " WHERE status IN ('accepted', 'declined') ORDER BY id"
        ).fetchall()


def test_easy_session_progresses_rom_and_is_judged_once(run, db_path: Path) -> None:
    ok(run, "checkin", "--pain", "2", "--at", "2026-11-02T07:30:00Z")
    log_session(run, "2026-11-02")
    waiting = suggestion(run)
    assert waiting["action"] == "hold"
    assert "next-day check-in" in waiting["reason"]

    ok(run, "checkin", "--pain", "2", "--at", "2026-11-03T07:00:00Z")
    step = suggestion(run)
    assert step["action"] == "progress_rom"
    assert step["plan"]["rom_level"] == 2
    assert "All 3 sets reached 8 reps at RPE 7 or easier with pain 3 or less" in step["reason"]
    assert plan(run)["rom_level"] == 1, "the plan must not change before accept"

    ok(run, "accept", DRILL)
    assert plan(run)["rom_level"] == 2
    assert audit(db_path) == [("progress_rom", "accepted")]

    again = suggestion(run)
    assert again["action"] == "hold"
    assert "log your next session at this plan" in again["reason"]
    ok(run, "accept", DRILL)
    assert plan(run)["rom_level"] == 2, "accepting a hold changes nothing"


def test_a_flare_regresses_the_last_progression(run, db_path: Path) -> None:
    ok(run, "checkin", "--pain", "1", "--at", "2026-11-02T07:30:00Z")
    log_session(run, "2026-11-02")
    ok(run, "checkin", "--pain", "1", "--at", "2026-11-04T07:30:00Z")
    assert suggestion(run)["action"] == "progress_rom"
    ok(run, "accept", DRILL)

    log_session(run, "2026-11-04", pains=(2, 3, 7))
    flare = suggestion(run)
    assert flare["action"] == "regress"
    assert flare["reason"].startswith("Set 3 hurt at 7/10 (above 5)")
    assert "back to ROM level 1" in flare["reason"]
    ok(run, "accept", DRILL)
    assert plan(run)["rom_level"] == 1
    assert audit(db_path) == [("progress_rom", "accepted"), ("regress", "accepted")]


def test_pain_rising_by_the_next_morning_regresses_and_decline_keeps_the_plan(
    run, db_path: Path
) -> None:
    ok(run, "plan", DRILL, "--rom", "3")
    ok(run, "checkin", "--pain", "1", "--at", "2026-11-02T07:30:00Z")
    log_session(run, "2026-11-02", rom=3)
    ok(run, "checkin", "--pain", "3", "--at", "2026-11-03T07:00:00Z")
    flare = suggestion(run)
    assert flare["action"] == "regress"
    assert "Back pain rose from 1 to 3" in flare["reason"]
    assert flare["plan"]["rom_level"] == 2

    ok(run, "decline", DRILL)
    assert plan(run)["rom_level"] == 3, "declining leaves the plan as it was"
    assert audit(db_path) == [("override", "accepted"), ("regress", "declined")]
