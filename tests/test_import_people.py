"""`backtrack import` brings sets to the right people: a file naming athletes who are not in
the database is refused whole unless `--create-athletes`; the command says whom it touched
and counts its sets and duplicates in words that agree with the numbers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.import_rows import good_row as row
from tests.import_rows import write_rows as write


def counts(db: Path) -> dict[str, int]:
    """How many rows each table that an import could write holds."""
    conn = sqlite3.connect(db)
    try:
        return {
            table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("athletes", "sets", "plans")
        }
    finally:
        conn.close()


def names(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM athletes ORDER BY id")]
    finally:
        conn.close()


def three_people(tmp_path: Path) -> Path:
    """kim (already in the database in the tests), Ana (2 sets) and Bo (1 set)."""
    return write(
        tmp_path / "people.csv",
        [
            row(),
            row(athlete="Ana"),
            row(athlete="Ana", set="2"),
            row(athlete="Bo"),
        ],
    )


def test_unknown_athletes_are_refused_whole_naming_them(run, tmp_path: Path, db_path: Path) -> None:
    assert run("athletes", "add", "kim").exit_code == 0
    before = counts(db_path)
    result = run("import", str(three_people(tmp_path)))
    assert result.exit_code == 2
    assert result.output == (
        "Error: Not imported: the file names athletes not in this database: Ana, Bo (add them "
        "with backtrack athletes add, or import with --create-athletes)\n"
    )
    assert counts(db_path) == before
    assert names(db_path) == ["kim"]


def test_one_unknown_athlete_is_named_in_the_singular(run, tmp_path: Path, db_path: Path) -> None:
    assert run("athletes", "add", "kim").exit_code == 0
    before = counts(db_path)
    result = run("import", str(write(tmp_path / "one.csv", [row(), row(athlete="Cy")])))
    assert result.exit_code == 2
    assert "the file names an athlete not in this database: Cy (" in result.output
    assert counts(db_path) == before


def test_an_unknown_athlete_late_in_the_file_refuses_the_rows_before_it(
    run, tmp_path: Path, db_path: Path
) -> None:
    """The known athlete's rows come first; they are not written either."""
    assert run("athletes", "add", "kim").exit_code == 0
    rows = [row(set=str(n)) for n in range(1, 6)] + [row(athlete="Dee")]
    result = run("import", str(write(tmp_path / "late.csv", rows)))
    assert result.exit_code == 2
    assert "Dee" in result.output
    assert counts(db_path)["sets"] == 0


def test_a_bad_row_is_reported_before_the_unknown_athletes(
    run, tmp_path: Path, db_path: Path
) -> None:
    assert run("athletes", "add", "kim").exit_code == 0
    rows = [row(athlete="Ana"), row(set="2", reps="eight")]
    result = run("import", str(write(tmp_path / "bad.csv", rows)))
    assert result.exit_code == 2
    assert "line 3, column reps" in result.output
    assert counts(db_path)["sets"] == 0


def test_create_athletes_creates_them_and_says_whom_it_touched(
    run, tmp_path: Path, db_path: Path
) -> None:
    assert run("athletes", "add", "kim").exit_code == 0
    result = run("import", "--create-athletes", str(three_people(tmp_path)))
    assert result.exit_code == 0, result.output
    path = tmp_path / "people.csv"
    assert result.output == (
        f"Imported 4 new sets from {path}\n"
        "New athletes: Ana (2 new sets), Bo (1 new set)\n"
        "Athletes already here: kim (1 new set)\n"
    )
    assert names(db_path) == ["kim", "Ana", "Bo"]
    assert counts(db_path)["sets"] == 4


def test_athletes_already_here_need_no_flag_and_match_ignoring_case(
    run, tmp_path: Path, db_path: Path
) -> None:
    for person in ("kim", "Ana", "Bo"):
        assert run("athletes", "add", person).exit_code == 0
    source = write(tmp_path / "cases.csv", [row(athlete="KIM"), row(athlete="ana")])
    result = run("import", str(source))
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Imported 2 new sets from {source}\n"
        "Athletes already here: kim (1 new set), Ana (1 new set)\n"
    )
    assert names(db_path) == ["kim", "Ana", "Bo"]


def test_messages_count_in_the_singular_and_the_plural(run, tmp_path: Path) -> None:
    assert run("athletes", "add", "kim").exit_code == 0
    one = write(tmp_path / "one.csv", [row()])
    first = run("import", str(one))
    assert first.output.splitlines()[0] == f"Imported 1 new set from {one}"
    again = run("import", str(one))
    assert again.output.splitlines()[:2] == [
        f"Imported 0 new sets from {one}",
        "1 row was already in the log",
    ]
    assert "kim (0 new sets)" in again.output
    two = write(tmp_path / "two.csv", [row(), row(set="2"), row(set="3")])
    second = run("import", str(two))
    assert second.output.splitlines()[:2] == [
        f"Imported 2 new sets from {two}",
        "1 row was already in the log",
    ]
    third = run("import", str(two))
    assert third.output.splitlines()[:2] == [
        f"Imported 0 new sets from {two}",
        "3 rows were already in the log",
    ]


def test_duplicates_inside_one_file_are_counted_as_already_there(
    run, tmp_path: Path, db_path: Path
) -> None:
    """Into an empty table (indexes rebuilt after the rows) a file's own repeated set is
    dropped; it is counted with the rows already in the log, and not given to anyone."""
    source = write(tmp_path / "twice.csv", [row(), row(), row(athlete="Ana")])
    result = run("import", "--create-athletes", str(source))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"Imported 2 new sets from {source}",
        "1 row was already in the log",
        "New athletes: kim (1 new set), Ana (1 new set)",
    ]
    assert counts(db_path)["sets"] == 2
