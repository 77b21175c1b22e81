"""The rules end to end through the command line on a real SQLite file: log, check in,
`next --json`, accept, log again, and a pain flare that regresses the plan."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

DRILL = "jefferson-curl"


@pytest.fixture(autouse=True)
def utc_machine(local_zone, machine_clock) -> None:
    """Session dates follow the machine's zone: pin it so the dates below are the lifter's;
    and the machine's clock stands on the day after the last of them (no break, no flare
    today unless a test says so)."""
    local_zone("UTC")
    machine_clock(datetime(2026, 11, 5, 9, 0, tzinfo=UTC))


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


def statuses(db_path: Path) -> list[tuple[str, str]]:
    """Every rules suggestion of the drill in the audit trail, oldest first: (action, status)."""
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT action, status FROM suggestions"
            " WHERE source = 'rules' AND exercise_id = ? ORDER BY id",
            [DRILL],
        ).fetchall()


@pytest.mark.parametrize("decision", ["accept", "decline"])
def test_a_newer_suggestion_supersedes_the_pending_one(run, db_path: Path, decision) -> None:
    """`next` stores its suggestion as pending; a different newer one (from `next`, or the
    fresh one `accept`/`decline` judge) marks the older one superseded, never decided."""
    ok(run, "checkin", "--pain", "2", "--at", "2026-11-02T07:30:00Z")
    log_session(run, "2026-11-02")
    assert suggestion(run)["action"] == "hold"  # waiting for the next-day check-in
    assert suggestion(run)["action"] == "hold"
    assert statuses(db_path) == [("hold", "pending")], "the same suggestion is stored once"

    ok(run, "checkin", "--pain", "2", "--at", "2026-11-03T07:00:00Z")
    assert suggestion(run)["action"] == "progress_rom"
    assert statuses(db_path) == [("hold", "superseded"), ("progress_rom", "pending")]

    # A fourth set that hurt at 4/10, logged after `next` printed the progression: the
    # decision judges the session as it stands now, so the pending progression is stale.
    ok(
        run,
        "log",
        DRILL,
        "--reps",
        "8",
        "--rpe",
        "7",
        "--pain",
        "4",
        "--at",
        "2026-11-02T08:09:00Z",
    )
    judged = ok(run, decision, DRILL)
    assert "Set 4 hurt at 4/10" in judged
    status = "accepted" if decision == "accept" else "declined"
    assert statuses(db_path) == [
        ("hold", "superseded"),
        ("progress_rom", "superseded"),
        ("hold", status),
    ]
    assert plan(run)["rom_level"] == 1, "the superseded progression was never applied"
