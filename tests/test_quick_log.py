"""`backtrack log`'s quick path (store/quick_log.py, catalog_quick.py) against the full one.

Every case runs twice on two copies of the same database, once as `log` runs it and once
with the quick path switched off (the Store does everything): the exit status, what is
printed and every row of the log must be the same. The plain cases must have taken the
quick path, and the others must have left it without writing anything.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

import backtrack.cli.training as training
from backtrack.catalog import load_catalog
from backtrack.cli import cli
from backtrack.store import Store
from backtrack.store.quick_log import ISO_UTC, MAX_NAME_LENGTH, QuickLog
from tests.import_rows import tables_of

PLAIN = [
    ["jefferson-curl", "--reps", "8"],
    ["jefferson-curl", "--reps", "0", "--load", "12.5", "--rom", "3", "--rpe", "8.5"],
    ["jefferson-curl", "--reps", "5", "--load", "30", "--unit", "lb", "--pain", "4"],
    ["jefferson-curl", "--reps", "8", "--athlete", "  ANA  "],
    ["half-kneeling-side-bend", "--reps", "6", "--side", "l", "--rir", "1"],
    ["half-kneeling-side-bend", "--reps", "7", "--side", "R"],
    ["half-kneeling-side-bend", "--reps", "6", "--side", "R", "--at", "2026-11-20T23:30:00-07:00"],
    ["back-extension-ghd", "--reps", "10", "--at", "2026-11-20T06:00:00"],
    ["back-extension-ghd", "--reps", "10", "--athlete", "Lb Lifter"],
    ["back-extension-ghd", "--reps", "10", "--athlete", "Lb Lifter", "--load", "45"],
    ["back-extension-ghd", "--reps", "10", "--athlete", "Lb Lifter", "--load", "9", "--unit", "kg"],
]
REFUSED = [
    ["jefferson-curl", "--reps", "8", "--rom", "9"],
    ["half-kneeling-side-bend", "--reps", "6"],
    ["jefferson-curl", "--reps", "8", "--side", "L"],
    ["jefferson-curl", "--reps", "8", "--load", "2300", "--unit", "lb"],
    ["jefferson-curl", "--reps", "8", "--load", "2300", "--athlete", "Lb Lifter"],
    ["jefferson-kurl", "--reps", "8"],
    ["jefferson-curl", "--reps", "8", "--athlete", " "],
    ["jefferson-curl", "--reps", "8", "--athlete", "x" * (MAX_NAME_LENGTH + 1)],
    ["jefferson-curl", "--reps", "8", "--rpe", "7", "--rir", "2"],
]
FULL_WAY = [
    ["jefferson-curl", "--reps", "8", "--note", "felt fine"],
    ["jefferson-curl", "--reps", "8", "--note", "   "],
    ["jefferson-curl", "--reps", "8", "--athlete", "Newcomer"],
    ["jefferson-curl", "--reps", "8", "--athlete", "Ana\x1b[2J"],  # the store's to clean or refuse
    ["windmill-no-plan-yet", "--reps", "8"],  # replaced below by a drill without a plan
]
NOW = datetime(2026, 11, 25, 8, 0, 3, tzinfo=UTC)


@pytest.fixture
def base_db(tmp_path: Path, clock) -> Path:
    """Ana (kg, plans made, a few sets) and 'Lb Lifter' (lb, plans made) in a fresh file,
    and Cy, whose windmill has no plan yet."""
    path = tmp_path / "base.db"
    store = Store.open(path, load_catalog(), clock)
    try:
        ana = store.athlete("Ana")
        store.log_set(ana, "jefferson-curl", reps=8)
        store.log_set(ana, "half-kneeling-side-bend", reps=6, side="L")
        lifter = store.athlete("Lb Lifter", unit="lb")
        store.plans(lifter)
        store.override_plan(lifter, "back-extension-ghd", load_kg=20.0, rom_level=2)
        cy = store.athlete("Cy")
        store.plans(cy)
        with store.write():
            store._exec(
                "DELETE FROM plans WHERE athlete_id = ? AND exercise_id = ?",
                [cy.id, "half-kneeling-windmill"],
            )
    finally:
        store.close()
    return path


def dump(path: Path) -> dict[str, list[tuple]]:
    return tables_of(path, ("athletes", "plans", "sets", "suggestions"))


def run_log(db: Path, args: list[str], *, quick: bool, monkeypatch) -> tuple[int, str, str]:
    """`backtrack log ARGS --db DB` in-process; with `quick` False the quick path is off."""
    with monkeypatch.context() as patch:
        if not quick:
            patch.setattr(training, "_log_quickly", lambda *a, **k: None)
        argv = ["log", *args]
        if "--athlete" not in args:
            argv += ["--athlete", "Ana"]
        result = CliRunner().invoke(cli, [*argv, "--db", str(db)])
    return result.exit_code, result.stdout, result.stderr


def both_ways(base_db: Path, tmp_path: Path, args: list[str], monkeypatch, machine_clock):
    """Run `args` on two copies of the base file, the quick way and the full way."""
    outcomes = []
    for quick in (True, False):
        db = tmp_path / f"{'quick' if quick else 'full'}.db"
        shutil.copy(base_db, db)
        machine_clock(NOW)
        outcomes.append((run_log(db, args, quick=quick, monkeypatch=monkeypatch), dump(db)))
    return outcomes


@pytest.fixture
def taken(monkeypatch) -> list[bool]:
    """Whether each `log` run took the quick path (its `_log_quickly` answered)."""
    answers: list[bool] = []
    real = training._log_quickly

    def spy(*args, **kwargs):
        answer = real(*args, **kwargs)
        answers.append(answer is not None)
        return answer

    monkeypatch.setattr(training, "_log_quickly", spy)
    return answers


@pytest.mark.parametrize("args", PLAIN, ids=" ".join)
def test_plain_logs_are_quick_and_the_same_as_the_stores(
    args, base_db, tmp_path, monkeypatch, machine_clock, taken
) -> None:
    (quick, quick_rows), (full, full_rows) = both_ways(
        base_db, tmp_path, args, monkeypatch, machine_clock
    )
    assert quick[0] == 0, quick
    assert quick == full
    assert quick_rows == full_rows
    assert taken == [True]
    assert len(quick_rows["sets"]) == len(dump(base_db)["sets"]) + 1


@pytest.mark.parametrize("args", REFUSED, ids=lambda a: " ".join(a)[:40])
def test_refusals_are_the_same_and_write_nothing(
    args, base_db, tmp_path, monkeypatch, machine_clock
) -> None:
    (quick, quick_rows), (full, full_rows) = both_ways(
        base_db, tmp_path, args, monkeypatch, machine_clock
    )
    assert quick[0] == 2, quick
    assert quick == full
    assert quick_rows == full_rows == dump(base_db)


@pytest.mark.parametrize("args", FULL_WAY, ids=lambda a: " ".join(a)[:40])
def test_what_the_store_must_do_goes_the_full_way(
    args, base_db, tmp_path, monkeypatch, machine_clock, taken
) -> None:
    if args[0] == "windmill-no-plan-yet":
        args = ["half-kneeling-windmill", "--reps", "8", "--side", "L", "--athlete", "Cy"]
    (quick, quick_rows), (full, full_rows) = both_ways(
        base_db, tmp_path, args, monkeypatch, machine_clock
    )
    assert quick == full
    assert quick_rows == full_rows
    assert taken == [False]


def test_a_new_database_goes_the_full_way(tmp_path, monkeypatch, machine_clock, taken) -> None:
    machine_clock(NOW)
    code, out, _ = run_log(
        tmp_path / "new.db", ["jefferson-curl", "--reps", "8"], quick=True, monkeypatch=monkeypatch
    )
    assert code == 0 and out.startswith("Logged Jefferson curl set 1 on ")
    assert taken == [False]


def test_a_busy_database_is_refused_in_the_same_words(base_db, monkeypatch) -> None:
    """Another writer holding the file past the busy timeout: exit 2, nothing saved, and
    the command to run again, as the full path says it."""
    monkeypatch.setenv("BACKTRACK_BUSY_TIMEOUT", "0.1")
    holder = sqlite3.connect(base_db)
    holder.execute("BEGIN IMMEDIATE")
    try:
        outcomes = [
            run_log(base_db, ["jefferson-curl", "--reps", "8"], quick=q, monkeypatch=monkeypatch)
            for q in (True, False)
        ]
    finally:
        holder.rollback()
        holder.close()
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == 2 and "is busy" in outcomes[0][2]


def test_the_quick_paths_constants_are_the_stores() -> None:
    from backtrack.store import MAX_NAME_LENGTH as STORE_MAX
    from backtrack.store import iso_utc

    assert MAX_NAME_LENGTH == STORE_MAX
    assert NOW.strftime(ISO_UTC) == iso_utc(NOW)


def test_quick_log_commits_before_it_returns(base_db, machine_clock) -> None:
    """The set is on disk (seen by another connection) once the write is left."""
    from backtrack.catalog_quick import quick_catalog

    catalog = quick_catalog()
    assert catalog is not None
    with QuickLog.opened(base_db) as log:
        with log.write():
            ana = log.athlete("ana")
            assert ana is not None
            entry = log.log_set(ana, catalog.get("jefferson-curl"), reps=3)
            assert entry is not None
        other = sqlite3.connect(base_db)
        try:
            assert other.execute("SELECT reps FROM sets WHERE id = ?", [entry.id]).fetchone() == (
                3,
            )
            assert other.execute("PRAGMA synchronous").fetchone() is not None
        finally:
            other.close()
        assert log.conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
        assert log.conn.execute("PRAGMA foreign_keys").fetchone() == (1,)


@pytest.mark.parametrize(
    "text",
    [
        '[[exercise]]\nid = "jefferson-curl"\nsets = 4.0\n',  # pydantic makes it 4
        '[[exercise]]\nid = "jefferson-curl"\nsets = 9\n',  # above max_sets: refused
    ],
    ids=["coerced", "refused"],
)
def test_a_catalog_the_quick_check_leaves_goes_the_full_way(
    text, base_db, tmp_path, monkeypatch, machine_clock, taken
) -> None:
    user = tmp_path / "exercises.toml"
    user.write_text(text, encoding="utf-8")
    monkeypatch.setenv("BACKTRACK_CATALOG", str(user))
    (quick, quick_rows), (full, full_rows) = both_ways(
        base_db, tmp_path, ["jefferson-curl", "--reps", "8"], monkeypatch, machine_clock
    )
    assert quick == full
    assert quick_rows == full_rows
    assert taken == [False]


def test_the_schema_names_read_without_sqlite_utils_are_the_migrations() -> None:
    from backtrack.store.migrations import known_migration_names
    from backtrack.store.schema_state import known_names, schema_gap

    assert list(known_names()) == known_migration_names()
    assert schema_gap(list(known_names())) == ([], [])
    first, *later = known_migration_names()
    assert schema_gap([first]) == (later, [])
    assert schema_gap([*known_names(), "9999_future"]) == ([], ["9999_future"])
