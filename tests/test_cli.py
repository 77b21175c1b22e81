"""The command line, driven in-process through click's CliRunner on a real SQLite file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from backtrack.cli import cli


def rows(db_path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_every_command_has_help_text(run) -> None:
    group_help = run("--help")
    assert group_help.exit_code == 0
    for name, command in cli.commands.items():
        assert command.help, f"{name} has no help text"
        result = run(name, "--help")
        assert result.exit_code == 0, name
        if name != "exercises":
            assert "--db" in result.output and "--athlete" in result.output, name
        assert name in group_help.output


def test_version(run) -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert "backtrack, version" in result.output


def test_exercises_json_lists_the_four_drills_with_their_keys(run) -> None:
    result = run("exercises", "--json")
    assert result.exit_code == 0, result.output
    drills = json.loads(result.stdout)
    assert [d["id"] for d in drills] == [
        "jefferson-curl",
        "half-kneeling-side-bend",
        "back-extension-ghd",
        "half-kneeling-windmill",
    ]
    for drill in drills:
        for key in (
            "id",
            "name",
            "sets",
            "reps_min",
            "reps_max",
            "rest_seconds",
            "start_load_kg",
            "load_increment_kg",
            "max_load_kg",
            "max_sets",
            "rom",
            "progression",
        ):
            assert key in drill
        assert (drill["sets"], drill["reps_min"], drill["reps_max"]) == (3, 6, 8)
        assert drill["progression"] == ["rom", "load", "volume"]


def test_exercises_text_names_each_ladder(run) -> None:
    result = run("exercises")
    assert result.exit_code == 0
    assert "ROM 1: fingertips to knees" in result.output


def test_log_stores_the_set_and_prints_it(run, db_path: Path) -> None:
    result = run(
        "log",
        "jefferson-curl",
        "--reps",
        "8",
        "--load",
        "10",
        "--rom",
        "2",
        "--rpe",
        "7",
        "--pain",
        "2",
        "--note",
        "smooth",
    )
    assert result.exit_code == 0, result.output
    assert "set 1" in result.output and "8 reps at 10 kg" in result.output
    stored = rows(
        db_path,
        "SELECT exercise_id, set_number, reps, load, unit, load_kg, rom_level, rpe, pain, note "
        "FROM sets",
    )
    assert stored == [("jefferson-curl", 1, 8, 10.0, "kg", 10.0, 2, 7.0, 2, "smooth")]


def test_log_numbers_sets_within_the_session(run, db_path: Path) -> None:
    for _ in range(3):
        assert run("log", "jefferson-curl", "--reps", "8").exit_code == 0
    assert run("log", "back-extension-ghd", "--reps", "8").exit_code == 0
    numbers = rows(db_path, "SELECT exercise_id, set_number FROM sets ORDER BY id")
    assert numbers == [
        ("jefferson-curl", 1),
        ("jefferson-curl", 2),
        ("jefferson-curl", 3),
        ("back-extension-ghd", 1),
    ]


def test_log_defaults_load_and_rom_to_the_plan(run, db_path: Path) -> None:
    assert run("plan", "half-kneeling-windmill", "--load", "8", "--rom", "2").exit_code == 0
    assert run("log", "half-kneeling-windmill", "--reps", "7", "--side", "L").exit_code == 0
    assert rows(db_path, "SELECT load_kg, rom_level FROM sets") == [(8.0, 2)]


def test_pounds_read_back_as_entered(run, db_path: Path) -> None:
    result = run("log", "jefferson-curl", "--reps", "6", "--load", "135", "--unit", "lb")
    assert result.exit_code == 0, result.output
    assert "135 lb" in result.output
    load, unit, load_kg = rows(db_path, "SELECT load, unit, load_kg FROM sets")[0]
    assert (load, unit) == (135.0, "lb")
    assert load_kg == pytest.approx(61.23496995)
    exported = run("export").stdout.splitlines()[1].split(",")
    assert exported[8:11] == ["135", "lb", "61.235"]  # load, unit, load_kg after set, side


def test_rir_is_stored_as_rpe(run, db_path: Path) -> None:
    assert run("log", "jefferson-curl", "--reps", "8", "--rir", "3").exit_code == 0
    assert rows(db_path, "SELECT rpe FROM sets") == [(7.0,)]


def test_at_without_offset_is_local_time(run, db_path: Path, local_zone) -> None:
    local_zone("America/New_York")
    result = run("log", "jefferson-curl", "--reps", "8", "--at", "2026-03-08T23:30")
    assert result.exit_code == 0, result.output
    assert rows(db_path, "SELECT performed_at, session_date FROM sets") == [
        ("2026-03-09T03:30:00Z", "2026-03-08")
    ]


def test_at_with_offset_keeps_the_date_the_lifter_lived(run, db_path: Path, local_zone) -> None:
    local_zone("UTC")
    result = run("log", "jefferson-curl", "--reps", "8", "--at", "2026-11-25T06:30+09:00")
    assert result.exit_code == 0, result.output
    assert rows(db_path, "SELECT performed_at, session_date FROM sets") == [
        ("2026-11-24T21:30:00Z", "2026-11-25")
    ]


def test_unknown_drill_names_the_closest(run, db_path: Path) -> None:
    result = run("log", "jeferson-curl", "--reps", "8")
    assert result.exit_code == 2
    assert "jefferson-curl" in result.stderr
    assert "Traceback" not in result.output
    assert not db_path.exists()


def test_checkin_records_back_pain(run, db_path: Path) -> None:
    result = run("checkin", "--pain", "3", "--at", "2026-11-25T07:00+00:00")
    assert result.exit_code == 0, result.output
    assert rows(db_path, "SELECT at, pain FROM checkins") == [("2026-11-25T07:00:00Z", 3)]


BAD_INPUTS = [
    ("log-reps-high", ["log", "jefferson-curl", "--reps", "101"], "--reps"),
    ("log-reps-negative", ["log", "jefferson-curl", "--reps", "-1"], "--reps"),
    ("log-reps-text", ["log", "jefferson-curl", "--reps", "eight"], "--reps"),
    ("log-reps-missing", ["log", "jefferson-curl"], "--reps"),
    ("log-load-negative", ["log", "jefferson-curl", "--reps", "8", "--load", "-5"], "--load"),
    ("log-load-nan", ["log", "jefferson-curl", "--reps", "8", "--load", "nan"], "--load"),
    ("log-load-inf", ["log", "jefferson-curl", "--reps", "8", "--load", "inf"], "--load"),
    ("log-load-1000kg", ["log", "jefferson-curl", "--reps", "8", "--load", "1000"], "1000"),
    (
        "log-load-2300lb",
        ["log", "jefferson-curl", "--reps", "8", "--load", "2300", "--unit", "lb"],
        "1000",
    ),
    ("log-unit", ["log", "jefferson-curl", "--reps", "8", "--unit", "stone"], "--unit"),
    ("log-rom-zero", ["log", "jefferson-curl", "--reps", "8", "--rom", "0"], "--rom"),
    ("log-rom-off-ladder", ["log", "jefferson-curl", "--reps", "8", "--rom", "9"], "--rom"),
    ("log-rpe-high", ["log", "jefferson-curl", "--reps", "8", "--rpe", "11"], "--rpe"),
    ("log-rpe-step", ["log", "jefferson-curl", "--reps", "8", "--rpe", "7.3"], "--rpe"),
    ("log-rpe-zero", ["log", "jefferson-curl", "--reps", "8", "--rpe", "0"], "--rpe"),
    ("log-rir-high", ["log", "jefferson-curl", "--reps", "8", "--rir", "10"], "--rir"),
    (
        "log-rpe-and-rir",
        ["log", "jefferson-curl", "--reps", "8", "--rpe", "7", "--rir", "3"],
        "--rir",
    ),
    ("log-pain-high", ["log", "jefferson-curl", "--reps", "8", "--pain", "11"], "--pain"),
    ("log-pain-fraction", ["log", "jefferson-curl", "--reps", "8", "--pain", "2.5"], "--pain"),
    ("log-at", ["log", "jefferson-curl", "--reps", "8", "--at", "yesterday"], "--at"),
    ("log-drill", ["log", "deadlift", "--reps", "8"], "deadlift"),
    ("log-athlete-empty", ["log", "jefferson-curl", "--reps", "8", "--athlete", " "], "name"),
    ("checkin-pain", ["checkin", "--pain", "12"], "--pain"),
    ("checkin-missing", ["checkin"], "--pain"),
    ("checkin-at", ["checkin", "--pain", "2", "--at", "2026-13-01"], "--at"),
    ("plan-sets-zero", ["plan", "jefferson-curl", "--sets", "0"], "--sets"),
    ("plan-sets-over-max", ["plan", "jefferson-curl", "--sets", "9"], "--sets"),
    ("plan-rom", ["plan", "jefferson-curl", "--rom", "7"], "--rom"),
    ("plan-load-over-max", ["plan", "jefferson-curl", "--load", "400"], "--load"),
    ("plan-load-text", ["plan", "jefferson-curl", "--load", "heavy"], "--load"),
    ("plan-without-drill", ["plan", "--sets", "4"], "DRILL"),
    ("plan-unit-alone", ["plan", "jefferson-curl", "--unit", "lb"], "--unit"),
    ("plan-drill", ["plan", "squat", "--sets", "3"], "squat"),
    ("next-drill", ["next", "squat"], "squat"),
    ("accept-drill", ["accept", "squat"], "squat"),
    ("decline-missing", ["decline"], "DRILL"),
    ("export-since", ["export", "--since", "last week"], "--since"),
    ("export-order", ["export", "--since", "2026-02-01", "--until", "2026-01-01"], "--since"),
    ("export-unknown-athlete", ["export", "--athlete", "nobody"], "nobody"),
    ("import-missing-file", ["import", "no-such.csv"], "no-such.csv"),
    ("unknown-option", ["log", "jefferson-curl", "--reps", "8", "--weight", "3"], "--weight"),
]


@pytest.mark.parametrize(
    ("args", "named"), [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input_exits_2_names_the_value_and_writes_nothing(
    run, db_path: Path, args: list[str], named: str
) -> None:
    assert run("log", "back-extension-ghd", "--reps", "8").exit_code == 0
    before = db_path.read_bytes()
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert named in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert db_path.read_bytes() == before


def test_plan_json_shows_starting_values(run) -> None:
    result = run("plan", "--json")
    assert result.exit_code == 0, result.output
    plans = json.loads(result.stdout)
    assert plans[0] == {
        "exercise": "jefferson-curl",
        "active": True,
        "sets": 3,
        "reps_min": 6,
        "reps_max": 8,
        "load_kg": 0,
        "rom_level": 1,
        "stopped": False,
    }
    assert len(plans) == 4


def test_plan_override_changes_plan_and_is_audited(run, db_path: Path) -> None:
    result = run("plan", "jefferson-curl", "--rom", "2", "--sets", "4", "--json")
    assert result.exit_code == 0, result.output
    (changed,) = json.loads(result.stdout)
    assert (changed["rom_level"], changed["sets"]) == (2, 4)
    audit = rows(db_path, "SELECT source, action, status, reason FROM suggestions")
    assert len(audit) == 1
    source, action, status, reason = audit[0]
    assert (source, action, status) == ("clinician", "override", "accepted")
    assert "ROM level 1 -> 2" in reason and "sets 3 -> 4" in reason


def test_plan_inactive_drill_leaves_next(run) -> None:
    assert run("plan", "half-kneeling-windmill", "--inactive").exit_code == 0
    result = run("next", "--json")
    assert [s["exercise"] for s in json.loads(result.stdout)] == [
        "jefferson-curl",
        "half-kneeling-side-bend",
        "back-extension-ghd",
    ]


def test_plan_load_in_pounds(run) -> None:
    assert run("plan", "jefferson-curl", "--load", "22.5", "--unit", "lb").exit_code == 0
    (plan,) = json.loads(run("plan", "jefferson-curl", "--json").stdout)
    assert plan["load_kg"] == pytest.approx(10.206)


def test_next_json_keys_and_pending_row(run, db_path: Path) -> None:
    result = run("next", "jefferson-curl", "--json")
    assert result.exit_code == 0, result.output
    (suggestion,) = json.loads(result.stdout)
    assert set(suggestion) == {"exercise", "action", "plan", "reason"}
    assert set(suggestion["plan"]) == {"sets", "reps_min", "reps_max", "load_kg", "rom_level"}
    assert suggestion["action"] == "hold"
    assert rows(db_path, "SELECT status FROM suggestions") == [("pending",)]
    run("next", "jefferson-curl", "--json")
    assert rows(db_path, "SELECT status FROM suggestions") == [("pending",)]


def test_athlete_option_and_env_keep_logs_apart(run, db_path: Path) -> None:
    assert run("log", "jefferson-curl", "--reps", "8", "--athlete", "ana").exit_code == 0
    assert run("log", "jefferson-curl", "--reps", "6").exit_code == 0
    assert rows(
        db_path,
        "SELECT a.name, s.reps FROM sets s JOIN athletes a ON a.id = s.athlete_id ORDER BY s.id",
    ) == [("ana", 8), ("me", 6)]
    export = run("export", "--athlete", "ana").stdout
    assert export.count("\n") == 2


def test_usage_error_is_one_line_with_a_hint(run) -> None:
    result = run("log", "jefferson-curl", "--reps", "200")
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and "200" in line and "backtrack log --help" in line
