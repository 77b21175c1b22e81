"""The clinic's audit exports: `export --decisions` (every stored suggestion and clinician
override) and `export --checkins` (every check-in, red flags and notes): exact headers, one
row per record, plans as the command line writes them, the sets export's quoting, formula
defusing, date filters, file and athlete rules."""

from __future__ import annotations

import csv
import io
import sqlite3
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backtrack.clock import FixedClock

DECISIONS_HEADER = (
    "date,athlete,exercise_id,exercise,action,reason,decision,decided_at,plan_before,plan_after"
)
CHECKINS_HEADER = "date,checked_at,athlete,pain,red_flags,note"
SETS_HEADER = (
    "date,performed_at,athlete,exercise_id,exercise,set,side,reps,load,unit,load_kg,"
    "rom_level,rom_label,rpe,pain,note"
)
DRILL = "jefferson-curl"
SHADY = "=cmd|' /C calc'!A0"  # an athlete name a spreadsheet would run

StopClock = Callable[[datetime], FixedClock]


@pytest.fixture(autouse=True)
def utc_machine(local_zone) -> None:
    local_zone("UTC")


@pytest.fixture
def clock(machine_clock: StopClock) -> FixedClock:
    """The machine's clock, standing at 2026-11-02 07:00 UTC."""
    return machine_clock(datetime(2026, 11, 2, 7, 0, tzinfo=UTC))


def ok(run, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def query(db_path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def log_session(run, day: str, drill: str = DRILL, pains=(1, 1, 1)) -> None:
    side = ["--side", "L"] if drill in ("half-kneeling-side-bend", "half-kneeling-windmill") else []
    for number, pain in enumerate(pains):
        ok(run, "log", drill, "--reps", "8", "--rpe", "7", "--pain", str(pain), *side,
           "--at", f"{day}T08:0{number}:00Z")  # fmt: skip


def decisions_history(run, clock: FixedClock) -> None:
    """For `me`: a clinician's override and a pending hold (2026-11-02), then the hold
    superseded by a progression, accepted, a start declined, a stop accepted and a hold left
    pending (2026-11-03)."""
    ok(run, "plan", DRILL, "--load", "10", "--rom", "2")  # 07:00
    ok(run, "checkin", "--pain", "2", "--at", "2026-11-02T07:30:00Z")
    log_session(run, "2026-11-02")
    clock.advance(hours=2)
    ok(run, "next", DRILL)  # waiting for the next-day check-in: pending
    clock.advance(hours=24)  # 2026-11-03 09:00
    ok(run, "checkin", "--pain", "2", "--at", "2026-11-03T07:00:00Z")
    ok(run, "next", DRILL)  # the progression: the hold is superseded
    ok(run, "accept", DRILL)
    ok(run, "decline", "half-kneeling-side-bend")  # "start here", declined
    ok(run, "checkin", "--pain", "2", "--at", "2026-11-03T07:45:00Z")
    log_session(run, "2026-11-03", "half-kneeling-windmill", pains=(1, 6, 1))
    ok(run, "accept", "half-kneeling-windmill")  # a pain stop at the starting plan
    ok(run, "next", "back-extension-ghd")  # pending


# -- decisions --------------------------------------------------------------------------------


def test_decisions_header_is_exactly_the_contract(run) -> None:
    assert ok(run, "export", "--decisions", "--all-athletes").splitlines() == [DECISIONS_HEADER]


def test_one_decisions_row_per_stored_suggestion_and_override(
    run, db_path: Path, clock: FixedClock
) -> None:
    decisions_history(run, clock)
    printed = ok(run, "export", "--decisions")
    assert printed.splitlines()[0] == DECISIONS_HEADER
    exported = rows(printed)
    assert [(r["exercise_id"], r["action"], r["decision"]) for r in exported] == [
        (DRILL, "override", "accepted"),
        (DRILL, "hold", "superseded"),
        (DRILL, "progress_rom", "accepted"),
        ("half-kneeling-side-bend", "hold", "declined"),
        ("half-kneeling-windmill", "stop", "accepted"),
        ("back-extension-ghd", "hold", "pending"),
    ]
    stored = query(db_path, "SELECT exercise_id, action, status FROM suggestions ORDER BY id")
    assert sorted(stored) == sorted(
        (r["exercise_id"], r["action"], r["decision"]) for r in exported
    )

    override, hold, progress, declined, stop, pending = exported
    assert override == {
        "date": "2026-11-02",
        "athlete": "me",
        "exercise_id": DRILL,
        "exercise": "Jefferson curl",
        "action": "override",
        "reason": "Clinician's override: load 0 kg -> 10 kg, ROM level 1 -> 2 (fingertips to "
        "mid-shin)",
        "decision": "accepted",
        "decided_at": "2026-11-02T07:00:00Z",
        "plan_before": "3 x 6-8 at 0 kg, ROM 1",
        "plan_after": "3 x 6-8 at 10 kg, ROM 2",
    }
    assert hold["date"] == "2026-11-02" and hold["decided_at"] == "2026-11-03T09:00:00Z"
    assert hold["reason"].startswith("No next-day check-in after 2026-11-02")
    assert hold["plan_before"] == hold["plan_after"] == "3 x 6-8 at 10 kg, ROM 2"
    assert progress["date"] == "2026-11-03"
    assert progress["reason"].startswith("All 3 sets reached 8 reps at RPE 7 or easier")
    assert (progress["plan_before"], progress["plan_after"]) == (
        "3 x 6-8 at 10 kg, ROM 2",
        "3 x 6-8 at 10 kg, ROM 3",
    )
    assert declined["reason"].startswith("No session logged yet: start here")
    assert stop["exercise"] == "Half-kneeling windmill"
    assert stop["reason"].endswith("stop this drill and contact your clinician")
    assert stop["plan_before"] == stop["plan_after"] == "3 x 6-8 at 4 kg, ROM 1"
    assert (pending["decision"], pending["decided_at"]) == ("pending", "")


def test_decision_plans_are_in_the_athletes_unit(run, clock: FixedClock) -> None:
    ok(run, "athletes", "add", "Bo", "--unit", "lb")
    ok(run, "plan", DRILL, "--load", "22.5", "--athlete", "Bo")
    (row,) = rows(ok(run, "export", "--decisions", "--athlete", "Bo"))
    assert (row["plan_before"], row["plan_after"]) == (
        "3 x 6-8 at 0 lb, ROM 1",
        "3 x 6-8 at 22.5 lb, ROM 1",
    )


def test_decisions_are_dated_by_the_local_day_they_were_made(
    run, local_zone, machine_clock: StopClock
) -> None:
    local_zone("America/Los_Angeles")
    machine_clock(datetime(2026, 11, 3, 5, 0, tzinfo=UTC))  # 2026-11-02 21:00 in Los Angeles
    ok(run, "plan", DRILL, "--rom", "2")
    (row,) = rows(ok(run, "export", "--decisions"))
    assert (row["date"], row["decided_at"]) == ("2026-11-02", "2026-11-03T05:00:00Z")
    assert rows(ok(run, "export", "--decisions", "--since", "2026-11-03")) == []
    assert len(rows(ok(run, "export", "--decisions", "--until", "2026-11-02"))) == 1


def test_decisions_since_and_until(run, clock: FixedClock) -> None:
    decisions_history(run, clock)
    first = rows(ok(run, "export", "--decisions", "--until", "2026-11-02"))
    assert [(r["date"], r["action"]) for r in first] == [
        ("2026-11-02", "override"),
        ("2026-11-02", "hold"),
    ]
    later = rows(ok(run, "export", "--decisions", "--since", "2026-11-03"))
    assert len(later) == 4 and {r["date"] for r in later} == {"2026-11-03"}
    both = ("--since", "2026-11-02", "--until", "2026-11-03")
    assert len(rows(ok(run, "export", "--decisions", *both))) == 6
    assert rows(ok(run, "export", "--decisions", "--since", "2026-11-04")) == []


def test_decisions_of_one_athlete_or_all_and_formulas_defused(run, clock: FixedClock) -> None:
    ok(run, "plan", DRILL, "--rom", "2")
    ok(run, "next", DRILL, "--athlete", SHADY)
    assert {r["athlete"] for r in rows(ok(run, "export", "--decisions"))} == {"me"}
    everyone = rows(ok(run, "export", "--decisions", "--all-athletes"))
    assert [r["athlete"] for r in everyone] == ["me", "'" + SHADY]
    (shady,) = rows(ok(run, "export", "--decisions", "--athlete", SHADY))
    assert shady["athlete"] == "'" + SHADY


# -- check-ins -------------------------------------------------------------------------------

AWKWARD_NOTES = [
    '=HYPERLINK("http://evil.example","x")',
    "+1 after the walk",
    "-2 since yesterday",
    "@SUM(A1)",
    "'already quoted",
    'said "sore", then "fine"',
    "line one\nline two",
    "felt 💪, שלום",
]


def test_checkins_header_is_exactly_the_contract(run) -> None:
    assert ok(run, "export", "--checkins", "--all-athletes").splitlines() == [CHECKINS_HEADER]


def test_one_checkins_row_per_checkin_with_flags_and_notes(
    run, db_path: Path, clock: FixedClock
) -> None:
    ok(run, "checkin", "--pain", "2", "--at", "2026-11-01T21:30:00Z")
    flags = ("--red-flag", "trauma", "--red-flag", "saddle-numbness", "--note", "fell, then drove")
    ok(run, "checkin", "--pain", "4", "--at", "2026-11-02T06:15:00Z", *flags)
    for minute, note in enumerate(AWKWARD_NOTES):
        ok(run, "checkin", "--pain", "1", "--note", note,
           "--at", f"2026-11-03T07:{minute:02d}:00Z")  # fmt: skip
    printed = ok(run, "export", "--checkins")
    assert printed.splitlines()[0] == CHECKINS_HEADER
    exported = rows(printed)
    assert len(exported) == 2 + len(AWKWARD_NOTES)
    assert len(exported) == len(query(db_path, "SELECT id FROM checkins"))
    assert exported[0] == {
        "date": "2026-11-01",
        "checked_at": "2026-11-01T21:30:00Z",
        "athlete": "me",
        "pain": "2",
        "red_flags": "",
        "note": "",
    }
    assert exported[1] == {
        "date": "2026-11-02",
        "checked_at": "2026-11-02T06:15:00Z",
        "athlete": "me",
        "pain": "4",
        "red_flags": "saddle-numbness;trauma",
        "note": "fell, then drove",
    }
    expected = [("'" + n if n[0] in "=+-@\t'" else n) for n in AWKWARD_NOTES]
    assert [r["note"] for r in exported[2:]] == expected


def test_checkins_are_dated_by_their_local_date(run, local_zone) -> None:
    local_zone("Pacific/Auckland")
    ok(run, "checkin", "--pain", "3", "--at", "2026-11-03T09:00")  # local: 20:00 UTC the day before
    (row,) = rows(ok(run, "export", "--checkins"))
    assert (row["date"], row["checked_at"]) == ("2026-11-03", "2026-11-02T20:00:00Z")
    assert rows(ok(run, "export", "--checkins", "--until", "2026-11-02")) == []


def test_checkins_since_and_until(run) -> None:
    for day in (1, 2, 3, 4):
        ok(run, "checkin", "--pain", str(day), "--at", f"2026-11-0{day}T07:00:00Z")
    window = ("--since", "2026-11-02", "--until", "2026-11-03")
    assert [r["date"] for r in rows(ok(run, "export", "--checkins", *window))] == [
        "2026-11-02",
        "2026-11-03",
    ]
    assert len(rows(ok(run, "export", "--checkins", "--since", "2026-11-04"))) == 1
    assert len(rows(ok(run, "export", "--checkins", "--until", "2026-11-01"))) == 1


def test_checkins_of_one_athlete_or_all_and_formulas_defused(run) -> None:
    ok(run, "checkin", "--pain", "2", "--at", "2026-11-02T07:00:00Z")
    ok(run, "checkin", "--pain", "5", "--athlete", SHADY, "--at", "2026-11-02T08:00:00Z")
    assert [r["athlete"] for r in rows(ok(run, "export", "--checkins"))] == ["me"]
    everyone = rows(ok(run, "export", "--checkins", "--all-athletes"))
    assert [(r["athlete"], r["pain"]) for r in everyone] == [("me", "2"), ("'" + SHADY, "5")]


# -- the file and usage rules, shared with the sets export ------------------------------------


@pytest.mark.parametrize(
    ("option", "what", "count"),
    [("--decisions", "suggestions and overrides", 6), ("--checkins", "check-ins", 3)],
)
def test_audit_export_file_is_private_and_complete(
    run, tmp_path: Path, clock: FixedClock, option: str, what: str, count: int
) -> None:
    decisions_history(run, clock)
    out = tmp_path / "records.csv"
    result = run("export", option, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Exported {count} {what} to {out}\n"
    assert result.stdout == ""
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".records")] == []
    text = out.read_text(encoding="utf-8")
    assert text == ok(run, "export", option), "the file holds what standard output gets"
    assert len(rows(text)) == count


@pytest.mark.parametrize("option", ["--decisions", "--checkins"])
def test_an_unknown_athlete_is_refused_without_creating_anything(
    run, db_path: Path, option: str
) -> None:
    result = run("export", option, "--athlete", "nobody")
    assert result.exit_code == 2
    assert "nobody" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not db_path.exists()


def test_decisions_and_checkins_together_are_a_usage_error(run, tmp_path: Path) -> None:
    ok(run, "checkin", "--pain", "2")
    out = tmp_path / "both.csv"
    result = run("export", "--decisions", "--checkins", "-o", str(out))
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "--decisions" in line and "--checkins" in line
    assert not out.exists()


@pytest.mark.parametrize("option", ["--decisions", "--checkins"])
def test_since_after_until_is_refused(run, option: str) -> None:
    ok(run, "checkin", "--pain", "2")
    result = run("export", option, "--since", "2026-11-03", "--until", "2026-11-02")
    assert result.exit_code == 2 and "--since" in result.stderr


def test_the_sets_export_keeps_its_own_header(run, clock: FixedClock) -> None:
    decisions_history(run, clock)
    printed = ok(run, "export")
    assert printed.splitlines()[0] == SETS_HEADER
    assert len(rows(printed)) == 6
