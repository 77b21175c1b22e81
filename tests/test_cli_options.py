"""Where the command line's shared options may go, and what a refused command leaves behind."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
import pytest

from backtrack.cli import cli


def athletes_and_sets(db: Path) -> list[tuple[str, int]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT a.name, count(s.id) FROM athletes a LEFT JOIN sets s ON s.athlete_id = a.id "
            "GROUP BY a.id ORDER BY a.name"
        ).fetchall()
    finally:
        conn.close()


def test_db_and_athlete_typed_before_the_command_are_used(run, db_path: Path, tmp_path) -> None:
    other = tmp_path / "other.db"
    result = run("--db", str(other), "--athlete", "Ana", "log", "jefferson-curl", "--reps", "8")
    assert result.exit_code == 0, result.output
    assert "for Ana" in result.output
    assert athletes_and_sets(other) == [("Ana", 1)]
    assert not db_path.exists()  # BACKTRACK_DB (the fixture's) was not used


def test_the_commands_own_option_wins_over_the_one_before_it(run, tmp_path) -> None:
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    result = run(
        *("--db", str(first), "--athlete", "Ana"),
        *("log", "jefferson-curl", "--reps", "8"),
        *("--db", str(second), "--athlete", "Bo"),
    )
    assert result.exit_code == 0, result.output
    assert athletes_and_sets(second) == [("Bo", 1)]
    assert not first.exists()


def test_every_reading_command_follows_db_typed_before_it(run, db_path: Path, tmp_path) -> None:
    other = tmp_path / "other.db"
    assert run("--db", str(other), "--athlete", "Ana", "checkin", "--pain", "2").exit_code == 0
    for args in (["plan", "--json"], ["next", "--json"], ["export"], ["athletes", "--json"]):
        result = run("--db", str(other), "--athlete", "Ana", *args)
        assert result.exit_code == 0, (args, result.output)
    assert "Ana" in run("--db", str(other), "athletes").output
    assert not db_path.exists()


@pytest.mark.parametrize("where", ["before-the-group", "on-the-group"])
def test_athletes_subcommands_follow_db_typed_before_them(
    run, db_path: Path, tmp_path, where: str
) -> None:
    other = tmp_path / "other.db"
    if where == "before-the-group":
        result = run("--db", str(other), "athletes", "add", "Cy")
    else:
        result = run("athletes", "--db", str(other), "add", "Cy")
    assert result.exit_code == 0, result.output
    assert athletes_and_sets(other) == [("Cy", 0)]
    assert run("--db", str(other), "athletes", "rename", "Cy", "Cyd").exit_code == 0
    assert athletes_and_sets(other) == [("Cyd", 0)]
    assert not db_path.exists()


REFUSED_ON_A_NEW_PATH = [
    ("log-load-2000kg", ["log", "jefferson-curl", "--reps", "8", "--load", "2000"], "--load"),
    ("log-load-2300lb", ["log", "jefferson-curl", "--reps", "8", "--load", "2300", "--unit", "lb"],
     "--load"),
    ("log-athlete-blank", ["log", "jefferson-curl", "--reps", "8", "--athlete", "  "], "--athlete"),
    ("log-athlete-long", ["log", "jefferson-curl", "--reps", "8", "--athlete", "x" * 41],
     "--athlete"),
    ("plan-load-over-max", ["plan", "jefferson-curl", "--load", "50"], "--load"),
    ("checkin-athlete-blank", ["checkin", "--pain", "2", "--athlete", ""], "--athlete"),
    ("next-athlete-blank", ["next", "--athlete", " "], "--athlete"),
    ("accept-athlete-blank", ["accept", "jefferson-curl", "--athlete", " "], "--athlete"),
    ("export-unknown-athlete", ["export", "--athlete", "nobody"], "nobody"),
    ("athletes-add-blank", ["athletes", "add", " "], "NAME"),
    ("athletes-rename-unknown", ["athletes", "rename", "nobody", "x"], "nobody"),
    ("athletes-unit-unknown", ["athletes", "unit", "nobody", "lb"], "nobody"),
    ("athletes-archive-unknown", ["athletes", "archive", "nobody"], "nobody"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "named"),
    [case[1:] for case in REFUSED_ON_A_NEW_PATH],
    ids=[case[0] for case in REFUSED_ON_A_NEW_PATH],
)
def test_a_refused_command_leaves_no_new_database_behind(
    run, db_path: Path, args: list[str], named: str
) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert named in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not db_path.parent.exists(), sorted(db_path.parent.rglob("*"))


def test_a_bad_load_is_still_refused_in_the_athletes_own_unit(run, db_path: Path) -> None:
    assert run("athletes", "add", "Lee", "--unit", "lb").exit_code == 0
    before = db_path.read_bytes()
    # 2000 lb is 907 kg: fine for a set, over the drill's max for a plan
    assert (
        run("log", "jefferson-curl", "--reps", "8", "--load", "2300", "--athlete", "Lee").exit_code
        == 2
    )
    assert run("plan", "jefferson-curl", "--load", "100", "--athlete", "Lee").exit_code == 2
    assert db_path.read_bytes() == before
    logged = run("log", "jefferson-curl", "--reps", "8", "--load", "20", "--athlete", "Lee")
    assert logged.exit_code == 0 and "20 lb" in logged.output


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


def test_every_command_and_subcommand_has_help_text(run) -> None:
    found = list(_commands(cli))
    assert ("athletes", "set-pin") in [path for path, _ in found]
    for path, command in found:
        assert command.help, f"{' '.join(path)} has no help text"
        result = run(*path, "--help")
        assert result.exit_code == 0, path
        assert "--db" in result.output or path == ("exercises",) or path == ("demo",), path


def test_export_to_standard_output_is_utf8_whatever_the_locale(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    env = {**os.environ, "BACKTRACK_DB": str(db)}
    note = "schön ✓ עברית"
    subprocess.run(
        [sys.executable, "-m", "backtrack", "log", "jefferson-curl", "--reps", "8", "--note", note],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    ascii_env = {**env, "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [sys.executable, "-m", "backtrack", "export"], env=ascii_env, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    assert note in done.stdout.decode("utf-8")
    assert done.stdout.count(b"\r\n") == 2  # header and one set, no doubled line ends
