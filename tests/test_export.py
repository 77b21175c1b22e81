"""CSV export and import: the exact header, round trips, duplicates, bad rows, injection."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backtrack.catalog import load_catalog
from backtrack.cli import cli
from backtrack.clock import parse_moment
from backtrack.export import HEADER, read_sets
from backtrack.store import iso_utc
from tests.import_rows import good_row, killed_importing, many_rows, write_rows

FUZZ_TIMES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HEADER_LINE = (
    "date,performed_at,athlete,exercise_id,exercise,set,side,reps,load,unit,load_kg,"
    "rom_level,rom_label,rpe,pain,note"
)

AWKWARD_NOTES = [
    "felt 💪 today",
    "שלום, עובד",  # right-to-left with a comma
    "e\u0301te\u0301 (combining accents)",
    'said "easy", then "hard"',
    "line one\nline two",
    '=HYPERLINK("http://evil.example","x")',
    "+1 rep",
    "-2 reps",
    "@SUM(A1)",
    "\tleading tab",
    "'already quoted",
]


def fill(run) -> None:
    """Log a varied history for two athletes through the CLI."""
    assert (
        run(
            "log",
            "jefferson-curl",
            "--reps",
            "8",
            "--load",
            "135",
            "--unit",
            "lb",
            "--rpe",
            "7.5",
            "--pain",
            "2",
            "--at",
            "2026-11-20T07:00:00+01:00",
        ).exit_code
        == 0
    )
    for i, note in enumerate(AWKWARD_NOTES):
        result = run(
            "log",
            "back-extension-ghd",
            "--reps",
            str(6 + i % 3),
            "--load",
            "2.5",
            "--rom",
            "2",
            "--note",
            note,
            "--at",
            f"2026-11-21T08:{i:02d}:00+00:00",
        )
        assert result.exit_code == 0, result.output
    assert (
        run(
            "log",
            "half-kneeling-windmill",
            "--side",
            "L",
            "--reps",
            "7",
            "--athlete",
            "=cmd|' /C calc'!A0",
            "--at",
            "2026-11-22T09:00:00Z",
        ).exit_code
        == 0
    )


def test_header_is_exactly_the_contract(run) -> None:
    result = run("export", "--all-athletes")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == HEADER_LINE
    assert ",".join(HEADER) == HEADER_LINE


def test_round_trip_gives_identical_bytes(run, tmp_path: Path) -> None:
    fill(run)
    first = tmp_path / "first.csv"
    assert run("export", "--all-athletes", "-o", str(first)).exit_code == 0
    other = CliRunner()
    env = {"BACKTRACK_DB": str(tmp_path / "other.db")}
    imported = other.invoke(cli, ["import", "--create-athletes", str(first)], env=env)
    assert imported.exit_code == 0, imported.output
    assert "Imported 13 new sets" in imported.output
    second = tmp_path / "second.csv"
    exported = other.invoke(cli, ["export", "--all-athletes", "-o", str(second)], env=env)
    assert exported.exit_code == 0
    assert second.read_bytes() == first.read_bytes()


def test_awkward_notes_survive_and_formulas_are_neutralised(run, tmp_path: Path) -> None:
    fill(run)
    out = tmp_path / "out.csv"
    assert run("export", "--all-athletes", "-o", str(out)).exit_code == 0
    with out.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    notes = [r["note"] for r in records if r["exercise_id"] == "back-extension-ghd"]
    expected = [("'" + n if n[0] in "=+-@\t'" else n) for n in AWKWARD_NOTES]
    assert notes == expected
    athletes = {r["athlete"] for r in records}
    assert "'=cmd|' /C calc'!A0" in athletes
    # numbers stay numbers
    first = records[0]
    assert (first["load"], first["unit"], first["rpe"], first["pain"]) == ("135", "lb", "7.5", "2")
    assert first["date"] == "2026-11-20" and first["performed_at"] == "2026-11-20T06:00:00Z"
    assert first["rom_label"] == "fingertips to knees"


def test_import_restores_neutralised_cells(run, tmp_path: Path, db_path: Path) -> None:
    fill(run)
    out = tmp_path / "out.csv"
    assert run("export", "--all-athletes", "-o", str(out)).exit_code == 0
    db_path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    assert run("import", "--create-athletes", str(out)).exit_code == 0
    conn = sqlite3.connect(db_path)
    notes = [
        n
        for (n,) in conn.execute(
            "SELECT note FROM sets WHERE exercise_id = 'back-extension-ghd' ORDER BY performed_at"
        )
    ]
    names = {n for (n,) in conn.execute("SELECT name FROM athletes")}
    conn.close()
    assert notes == AWKWARD_NOTES
    assert "=cmd|' /C calc'!A0" in names


def test_importing_twice_adds_nothing(run, tmp_path: Path, db_path: Path) -> None:
    fill(run)
    out = tmp_path / "out.csv"
    assert run("export", "--all-athletes", "-o", str(out)).exit_code == 0
    again = run("import", "--create-athletes", str(out))
    assert again.exit_code == 0
    assert "Imported 0 new sets" in again.output
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT COUNT(*) FROM sets").fetchone() == (13,)
    conn.close()


BAD_ROWS = [
    ("reps", {"reps": "eight"}),
    ("reps", {"reps": "101"}),
    ("load", {"load": "-1", "load_kg": "-1"}),
    ("load_kg", {"load_kg": "12"}),
    ("unit", {"unit": "stone"}),
    ("rom_level", {"rom_level": "9"}),
    ("rpe", {"rpe": "7.2"}),
    ("pain", {"pain": "11"}),
    ("exercise_id", {"exercise_id": "deadlift"}),
    ("date", {"date": "25/11/2026"}),
    ("performed_at", {"performed_at": "2026-11-25T08:00:00+24:00"}),
    ("performed_at", {"performed_at": "9999-12-31T23:30:00-01:00"}),  # past year 9999 in UTC
    ("set", {"set": "0"}),
    ("athlete", {"athlete": ""}),
]


@pytest.mark.parametrize(
    ("column", "change"), BAD_ROWS, ids=[f"{c}-{i}" for i, (c, _) in enumerate(BAD_ROWS)]
)
def test_bad_row_names_line_and_column_and_imports_nothing(
    run, tmp_path: Path, db_path: Path, column: str, change: dict[str, str]
) -> None:
    assert run("checkin", "--pain", "1").exit_code == 0
    before = db_path.read_bytes()
    path = write_rows(
        tmp_path / "bad.csv",
        [good_row(), good_row(set="2"), good_row(**{"set": "3", **change})],
    )
    result = run("import", "--create-athletes", str(path))
    assert result.exit_code == 2, result.output
    assert "line 4" in result.stderr and f"column {column}" in result.stderr
    assert "Traceback" not in result.output
    assert db_path.read_bytes() == before


@pytest.mark.parametrize(
    "content",
    [
        "",
        "not,a,header\n",
        HEADER_LINE + "\n2026-11-25,too,few\n",
        HEADER_LINE + '\n"unterminated\n',
    ],
    ids=["empty", "wrong-header", "short-row", "broken-quote"],
)
def test_broken_csv_file_is_one_clear_line(run, tmp_path: Path, content: str) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(content, encoding="utf-8")
    result = run("import", "--create-athletes", str(path))
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert str(path) in line


def test_not_utf8_is_refused(run, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER_LINE + "\n").encode() + "caf\xe9".encode("latin-1"))
    result = run("import", "--create-athletes", str(path))
    assert result.exit_code == 2
    assert "UTF-8" in result.stderr


def test_export_file_is_private_and_complete(run, tmp_path: Path) -> None:
    fill(run)
    out = tmp_path / "records.csv"
    result = run("export", "-o", str(out))
    assert result.exit_code == 0
    assert f"to {out}" in result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".records")] == []
    assert len(list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))) == 13


def test_export_filters_by_local_date(run) -> None:
    fill(run)
    result = run("export", "--all-athletes", "--since", "2026-11-21", "--until", "2026-11-21")
    records = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["date"] for r in records} == {"2026-11-21"}
    assert len(records) == len(AWKWARD_NOTES)


def test_export_default_is_one_athlete(run) -> None:
    fill(run)
    records = list(csv.DictReader(io.StringIO(run("export").stdout)))
    assert {r["athlete"] for r in records} == {"me"}


def test_sql_built_lines_match_csv_writer_byte_for_byte(run, db_path: Path, catalog) -> None:
    """The fast export path (lines built by SQLite) writes what csv.writer would."""
    from backtrack.store import Store

    fill(run)
    assert run("log", "half-kneeling-side-bend", "--side", "R", "--reps", "6", "--load",
               "10.3333", "--unit", "lb", "--rpe", "8",
               "--athlete", 'Ann "Bea", Jr.').exit_code == 0  # fmt: skip
    store = Store.open(db_path, catalog)
    try:
        expected = io.StringIO(newline="")
        csv.writer(expected).writerows(store.export_rows())
        chunks = list(store.export_chunks())
    finally:
        store.close()
    assert sum(sets for _, sets in chunks) == len(AWKWARD_NOTES) + 3
    assert "".join(text for text, _ in chunks) == expected.getvalue()


# -- import: the bulk path (indexes rebuilt into an empty table) and the cached checks ----


def sets_schema(db: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(f"{db.absolute().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'sets' ORDER BY name"
        ).fetchall()
    finally:
        conn.close()


def stored_sets(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT a.name, s.exercise_id, s.performed_at, s.session_date, s.set_number, s.reps, "
            "s.load, s.unit, s.load_kg, s.rom_level, s.rpe, s.pain, s.note "
            "FROM sets s JOIN athletes a ON a.id = s.athlete_id ORDER BY s.id"
        ).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("empty", [True, False], ids=["empty-db", "db-with-sets"])
def test_duplicates_inside_one_file_keep_the_first(
    run, tmp_path: Path, db_path: Path, empty: bool
) -> None:
    """Same athlete, drill, moment and set number twice in one file: one set, the first.
    Into an empty database the import rebuilds the indexes; the schema ends up the same."""
    assert run("checkin", "--pain", "1").exit_code == 0
    fresh_schema = sets_schema(db_path)
    if not empty:
        logged = run("log", "jefferson-curl", "--reps", "5", "--at", "2026-11-01T08:00:00Z")
        assert logged.exit_code == 0, logged.output
    rows = [
        good_row(note="first"),
        good_row(set="2"),
        good_row(note="second copy", reps="9"),
        good_row(set="3"),
        good_row(set="2", athlete="KIM"),  # names match case-insensitively
    ]
    result = run("import", "--create-athletes", str(write_rows(tmp_path / "dupes.csv", rows)))
    assert result.exit_code == 0, result.output
    assert "Imported 3 new sets" in result.output
    imported = [s for s in stored_sets(db_path) if s[0] == "kim"]
    assert [(s[4], s[5], s[12]) for s in imported] == [(1, 8, "first"), (2, 8, None), (3, 8, None)]
    assert sets_schema(db_path) == fresh_schema
    again = run("import", "--create-athletes", str(tmp_path / "dupes.csv"))
    assert "Imported 0 new sets" in again.output


@pytest.mark.parametrize("empty", [True, False], ids=["empty-db", "db-with-sets"])
def test_many_row_inserts_keep_the_order_and_the_first_of_each_duplicate(
    run, tmp_path: Path, db_path: Path, empty: bool
) -> None:
    """The import inserts ROWS_PER_INSERT sets a statement and the rest of a batch one by
    one: 150 sets (two whole statements and 22 after them) with repeats inside one
    statement, across two and in the tail come in in file order, the first of each kept,
    and the count says so, whether the identity index is dropped (empty) or in place."""
    from backtrack.store.bulk import ROWS_PER_INSERT

    assert ROWS_PER_INSERT < 150 < 3 * ROWS_PER_INSERT
    if not empty:
        assert run("athletes", "add", "kim").exit_code == 0
        logged = run("log", "jefferson-curl", "--reps", "5", "--at", "2026-11-01T08:00:00Z",
                     "--athlete", "kim")  # fmt: skip
        assert logged.exit_code == 0, logged.output

    def at(i: int) -> str:
        return f"2026-11-25T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z"

    rows = [good_row(performed_at=at(i), note=f"n{i}") for i in range(150)]
    for i, copy_of in ((10, 3), (100, 20), (140, 130), (149, 0)):
        rows[i] = good_row(performed_at=at(copy_of), note=f"copy of n{copy_of}", reps="9")
    result = run("import", "--create-athletes", str(write_rows(tmp_path / "many.csv", rows)))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        f"Imported 146 new sets from {tmp_path / 'many.csv'}",
        "4 rows were already in the log",
    ]
    notes = [s[12] for s in stored_sets(db_path) if s[12] and s[12].startswith("n")]
    assert notes == [f"n{i}" for i in range(150) if i not in (10, 100, 140, 149)]
    assert not [s for s in stored_sets(db_path) if s[12] and s[12].startswith("copy")]


def test_a_bad_row_after_a_full_batch_leaves_an_empty_database_unchanged(
    run, tmp_path: Path, db_path: Path
) -> None:
    """More rows than one insert batch went in before the bad row: all rolled back,
    the dropped indexes included."""
    assert run("checkin", "--pain", "1").exit_code == 0
    schema, before = sets_schema(db_path), db_path.read_bytes()
    rows = [
        good_row(performed_at=f"2026-11-25T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z")
        for i in range(60_001)
    ]
    rows.append(good_row(rpe="7.2"))
    result = run("import", "--create-athletes", str(write_rows(tmp_path / "big.csv", rows)))
    assert result.exit_code == 2
    assert f"line {len(rows) + 1}, column rpe" in result.stderr
    assert db_path.read_bytes() == before
    assert sets_schema(db_path) == schema
    assert stored_sets(db_path) == []


# Each cell is checked in full the first time its text appears; later rows reuse the
# result. These rows repeat every cell but one after good rows, so a lax cache would let
# them through.
LATE_BAD_CELLS = [
    ("performed_at", {"performed_at": "2026-02-30T08:00:00Z"}),
    ("performed_at", {"performed_at": "2026-11-25T24:00:00Z"}),
    ("performed_at", {"performed_at": "2026-11-25T08:00:00+24:00"}),
    ("performed_at", {"performed_at": "2026-11-25T08:00:60Z"}),
    ("performed_at", {"performed_at": "2026-11-25T08:60:00+01:00"}),
    ("performed_at", {"performed_at": "2026-11-25T08:0:000Z"}),  # a known hour, odd inside
    ("performed_at", {"performed_at": ""}),
    ("rom_level", {"exercise_id": "back-extension-ghd", "rom_level": "4"}),
    ("load_kg", {"unit": "lb"}),
    ("athlete", {"athlete": " "}),
    ("set", {"set": "01x"}),
]


@pytest.mark.parametrize(
    ("column", "change"),
    LATE_BAD_CELLS,
    ids=[f"{c}-{i}" for i, (c, _) in enumerate(LATE_BAD_CELLS)],
)
def test_a_bad_cell_after_many_good_rows_is_still_caught(
    run, tmp_path: Path, column: str, change: dict[str, str]
) -> None:
    from backtrack.paths import user_catalog_path

    catalog = user_catalog_path()  # the GHD's ladder cut to 3 levels; the curl keeps 4
    catalog.parent.mkdir(parents=True, exist_ok=True)
    catalog.write_text('[[exercise]]\nid = "back-extension-ghd"\nrom = ["a", "b", "c"]\n')
    good = [
        good_row(performed_at=f"2026-11-25T08:{i:02d}:00Z", set=str(1 + i % 3), reps=str(i % 9))
        for i in range(40)
    ]
    good.append(good_row(rom_level="4", set="8"))
    good.append(good_row(exercise_id="back-extension-ghd", rom_level="3", set="9"))
    path = write_rows(tmp_path / "late.csv", [*good, good_row(**change)])
    result = run("import", "--create-athletes", str(path))
    assert result.exit_code == 2, result.output
    assert f"line {len(good) + 2}, column {column}" in result.stderr, result.stderr


def test_equivalent_spellings_store_the_same_values(run, tmp_path: Path, db_path: Path) -> None:
    """Cells the export never writes but the import accepts (an offset, spaces, 7.0)
    are stored exactly as their canonical spelling, whether first seen or repeated."""
    canonical = good_row(performed_at="2026-11-25T08:00:00Z", rpe="7", load="10", load_kg="10")
    spelled = [
        {"performed_at": "2026-11-25T09:00:00+01:00"},
        {"performed_at": "2026-11-25T08:00:00.700Z"},
        {"reps": " 8 ", "pain": "2 ", "set": "+1"},
        {"rpe": "7.0", "load": "10.0", "load_kg": "1e1"},
        {"athlete": "'kim", "note": "'"},
        {"date": "20261125"},
    ]
    rows = []
    for i, change in enumerate(spelled * 2):  # each spelling twice: checked, then cached
        row = good_row(**{**canonical, **change})
        row["performed_at"] = row["performed_at"].replace("-25T", f"-{10 + i}T")
        rows.append(row)
    result = run("import", "--create-athletes", str(write_rows(tmp_path / "spellings.csv", rows)))
    assert result.exit_code == 0, result.output
    stored = stored_sets(db_path)
    assert len(stored) == len(rows)
    for i, row in enumerate(stored):
        assert row[2] == f"2026-11-{10 + i}T08:00:00Z"
        assert row[3] == "2026-11-25"
        assert (row[0], row[4], row[5], row[6], row[7], row[8], row[9], row[10], row[11]) == (
            "kim", 1, 8, 10.0, "kg", 10.0, 1, 7.0, 2
        )  # fmt: skip
        assert row[12] is None


@pytest.mark.slow
def test_import_into_an_empty_database_killed_mid_transaction_leaves_it_as_it_was(
    tmp_path: Path,
) -> None:
    """kill -9 while the import's rows are going in (its indexes dropped, the write-ahead
    log growing): the database has no sets and all its indexes; importing again works."""
    rows = many_rows()
    source = write_rows(tmp_path / "many.csv", rows)
    command = [sys.executable, "-m", "backtrack"]
    killed = 0
    for i in range(3):
        db = tmp_path / f"round{i}" / "backtrack.db"
        env = {**os.environ, "BACKTRACK_DB": str(db)}
        subprocess.run([*command, "checkin", "--pain", "1"], env=env, check=True)
        schema = sets_schema(db)
        wal = Path(f"{db}-wal")
        importing = [*command, "import", "--create-athletes", str(source)]

        def under_way(wal: Path = wal) -> bool:
            return wal.exists() and wal.stat().st_size > 1024 * 1024

        if not killed_importing(importing, env, under_way):
            continue  # finished before the log grew that much: nothing to check this round
        killed += 1
        assert sets_schema(db) == schema
        assert stored_sets(db) == []
        result = subprocess.run(importing, env=env, text=True, capture_output=True)
        assert result.returncode == 0, result.stderr
        assert f"Imported {len(rows)} new sets" in result.stdout
        assert sets_schema(db) == schema
    assert killed >= 2, "no kill landed inside the import's transaction"


# -- performed_at in any form: the same stored instants ------------------------------------

# Instants to write in every form: two in one hour, across UTC midnight and a new year, a
# leap day, and both sides of America/Denver's changes of the clocks (the second 01:30 of
# 1 November has no local spelling of its own, so it is not among them).
INSTANTS = [
    datetime(2026, 11, 25, 8, 15, 3, tzinfo=UTC),
    datetime(2026, 11, 25, 8, 47, 59, tzinfo=UTC),
    datetime(2026, 11, 25, 23, 59, 59, tzinfo=UTC),
    datetime(2026, 1, 1, 0, 30, 0, tzinfo=UTC),
    datetime(2024, 2, 29, 12, 0, 0, tzinfo=UTC),
    datetime(2026, 3, 8, 8, 30, 0, tzinfo=UTC),  # 01:30 MST, before the spring change
    datetime(2026, 3, 8, 9, 30, 0, tzinfo=UTC),  # 03:30 MDT, after it
    datetime(2026, 11, 1, 7, 30, 0, tzinfo=UTC),  # 01:30 MDT, the first of two
    datetime(2026, 11, 1, 9, 30, 0, tzinfo=UTC),  # 02:30 MST, after the autumn change
]
DENVER = ZoneInfo("America/Denver")


def _offset(hours: int, minutes: int = 0) -> Callable[[datetime], str]:
    zone = timezone(timedelta(hours=hours, minutes=minutes if hours >= 0 else -minutes))
    return lambda moment: moment.astimezone(zone).isoformat()


def _local(moment: datetime, fraction: str = "") -> str:
    return moment.astimezone(DENVER).strftime("%Y-%m-%dT%H:%M:%S") + fraction


TIME_FORMS: dict[str, Callable[[datetime], str]] = {
    "Z": lambda m: m.strftime("%Y-%m-%dT%H:%M:%SZ"),
    "+00:00": _offset(0),
    "-00:00": lambda m: m.strftime("%Y-%m-%dT%H:%M:%S-00:00"),
    "+01:00": _offset(1),
    "-07:00": _offset(-7),
    "+05:30": _offset(5, 30),
    "-03:30": _offset(-3, 30),
    "fraction .5": lambda m: m.strftime("%Y-%m-%dT%H:%M:%S.5Z"),
    "fraction .999999 (not rounded up)": lambda m: m.strftime("%Y-%m-%dT%H:%M:%S.999999Z"),
    "fraction .250+01:00": lambda m: (
        m.astimezone(timezone(timedelta(hours=1)))
        .isoformat(timespec="milliseconds")
        .replace(".000", ".250")
    ),
    "no offset (local, America/Denver)": _local,
    "no offset, fraction": lambda m: _local(m, ".75"),
}


def _form_rows(write: Callable[[datetime], str]) -> list[dict[str, str]]:
    """A first row, then each instant on a row with a new set number (checked in full by
    the import's slow path), then each on a row whose cells were all seen before but the
    time (the fast path)."""
    first = good_row(performed_at=write(datetime(2000, 1, 3, 12, 0, tzinfo=UTC)), set="1")
    slow = [good_row(performed_at=write(m), set=str(100 + i)) for i, m in enumerate(INSTANTS)]
    fast = [good_row(performed_at=write(m), set="1") for m in INSTANTS]
    return [first, *slow, *fast]


@pytest.mark.parametrize("form", list(TIME_FORMS))
def test_every_timestamp_form_stores_the_same_instants(
    tmp_path: Path, local_zone: Callable[[str], None], form: str
) -> None:
    local_zone("America/Denver")  # no offset: local time, as `log --at` reads it
    path = write_rows(tmp_path / "forms.csv", _form_rows(TIME_FORMS[form]))
    db = tmp_path / "forms.db"
    result = CliRunner().invoke(
        cli, ["import", "--create-athletes", str(path)], env={"BACKTRACK_DB": str(db)}
    )
    assert result.exit_code == 0, result.output
    stored = [row[2] for row in stored_sets(db)]
    expected = [row["performed_at"] for row in _form_rows(TIME_FORMS["Z"])]
    assert stored == expected
    assert len(set(stored)) == len(INSTANTS) + 1


def test_the_local_time_of_an_import_follows_tz(
    tmp_path: Path, local_zone: Callable[[str], None]
) -> None:
    """The same offset-less file stores different instants under different zones."""
    path = write_rows(tmp_path / "local.csv", [good_row(performed_at="2026-07-01T06:30:00")])
    stored = {}
    for zone in ("America/Denver", "Asia/Kolkata", "UTC"):
        local_zone(zone)
        db = tmp_path / f"{zone.replace('/', '-')}.db"
        result = CliRunner().invoke(
            cli, ["import", "--create-athletes", str(path)], env={"BACKTRACK_DB": str(db)}
        )
        assert result.exit_code == 0, result.output
        stored[zone] = stored_sets(db)[0][2]
    assert stored == {
        "America/Denver": "2026-07-01T12:30:00Z",  # MDT, -06:00
        "Asia/Kolkata": "2026-07-01T01:00:00Z",  # +05:30
        "UTC": "2026-07-01T06:30:00Z",
    }


LOCAL_ZONES = [
    "America/Denver",
    "Europe/London",
    "Australia/Lord_Howe",  # the clocks move by 30 minutes
    "Asia/Kolkata",
    "America/St_Johns",  # -03:30 and -02:30
    "Europe/Amsterdam",  # +00:19:32 before 1937: not whole minutes
]
FORM_SUFFIXES = ["Z", "+00:00", "+01:00", "-07:00", "+05:45", "-09:30", "+13:00", ""]


@FUZZ_TIMES
@given(
    zone=st.sampled_from(LOCAL_ZONES),
    texts=st.lists(
        st.tuples(
            st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2100, 1, 1)),
            st.sampled_from(FORM_SUFFIXES),
            st.sampled_from(["", ".5", ".000001", ".999999", ".123"]),
            st.integers(0, 3),  # more times in the same hour
        ),
        min_size=1,
        max_size=12,
    ),
)
def test_the_fast_path_stores_what_the_full_check_stores(
    zone: str, texts: list[tuple[datetime, str, str, int]]
) -> None:
    """Whatever the form and the local zone (changes of the clocks included: a naive time
    may fall in the hour that repeats or the one that is skipped), every performed_at is
    stored as `iso_utc(parse_moment(text))`, the whole check of `log --at` and of a row
    the import has not seen before."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        cells = []
        for moment, suffix, fraction, more in texts:
            for minute in range(more + 1):
                at = moment.replace(minute=(moment.minute + 17 * minute) % 60, microsecond=0)
                cells.append(at.strftime("%Y-%m-%dT%H:%M:%S") + fraction + suffix)
        rows = [good_row(performed_at=text) for text in cells]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
        read = list(read_sets(io.StringIO(out.getvalue(), newline=""), load_catalog()))
        assert [row[2] for row in read] == [iso_utc(parse_moment(text)) for text in cells]
    finally:
        if previous is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = previous
        time.tzset()


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-25T08:00:00+24:00",
        "2026-11-25T08:00:00.1234567+25:00",
        "2026-02-29T08:00:00+01:00",
        "2026-13-01T08:00:00+01:00",
        "9999-12-31T23:30:00-00:30",
        "2026-11-25T08:00:60+01:00",
    ],
)
def test_a_bad_time_on_the_fast_path_is_the_full_checks_error(tmp_path: Path, text: str) -> None:
    """A bad time after rows that filled every cache gets the same error as on its own."""
    alone = write_rows(tmp_path / "alone.csv", [good_row(performed_at=text)])
    good = [good_row(performed_at=f"2026-11-25T08:{i:02d}:00+01:00") for i in range(30)]
    late = write_rows(tmp_path / "late.csv", [*good, good_row(performed_at=text)])
    errors = []
    for path in (alone, late):
        result = CliRunner().invoke(
            cli,
            ["import", "--create-athletes", str(path)],
            env={"BACKTRACK_DB": str(tmp_path / "bad.db")},
        )
        assert result.exit_code == 2, result.output
        errors.append(result.stderr.split(", column ", 1)[1])
    assert errors[0] == errors[1]
    assert errors[0].startswith("performed_at: ")


def _changes_of_the_clocks(zone: ZoneInfo, start: datetime, hours: int) -> list[datetime]:
    """The UTC hours after which `zone`'s offset changes, from `start` for `hours` hours."""
    changes = []
    before = start.astimezone(zone).utcoffset()
    for hour in range(1, hours):
        moment = start + timedelta(hours=hour)
        offset = moment.astimezone(zone).utcoffset()
        if offset != before:
            changes.append(moment)
        before = offset
    return changes


@pytest.mark.parametrize("zone", LOCAL_ZONES)
def test_local_times_around_every_change_of_the_clocks(
    local_zone: Callable[[str], None], zone: str
) -> None:
    """Every few minutes of the local hours around each change of the clocks (2025-2027,
    and Amsterdam's in 1937, off whole minutes): repeated hours, skipped ones and the hours
    next to them are stored as the full check stores them, on the fast path too."""
    local_zone(zone)
    info = ZoneInfo(zone)
    changes = _changes_of_the_clocks(info, datetime(2025, 1, 1, tzinfo=UTC), 3 * 366 * 24)
    if zone == "Europe/Amsterdam":  # +00:19:32 to +00:20
        changes += _changes_of_the_clocks(info, datetime(1937, 6, 1, tzinfo=UTC), 60 * 24)
    if zone == "Asia/Kolkata":  # +05:30 and +06:30 in the war years
        changes += _changes_of_the_clocks(info, datetime(1941, 6, 1, tzinfo=UTC), 5 * 366 * 24)
    assert changes
    cells = []
    for change in changes:
        wall = change.astimezone(info).replace(tzinfo=None, minute=0, second=0)
        for minutes in range(-150, 150, 7):
            cells.append((wall + timedelta(minutes=minutes, seconds=minutes % 60)).isoformat())
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(good_row(performed_at=text) for text in cells)
    read = list(read_sets(io.StringIO(out.getvalue(), newline=""), load_catalog()))
    assert [row[2] for row in read] == [iso_utc(parse_moment(text)) for text in cells]


def test_a_change_of_the_clocks_within_an_hour(local_zone: Callable[[str], None]) -> None:
    """A zone whose clocks change at half past (POSIX TZ rules): the hour of the change
    has two shifts, so its times are converted one by one, as the full check would."""
    local_zone("XST3XDT,M3.2.0/2:30,M11.1.0/1:30")
    cells = [
        (datetime(2026, month, day) + timedelta(minutes=minutes, seconds=minutes % 60)).isoformat()
        for month, day in ((3, 8), (11, 1))
        for minutes in range(0, 5 * 60, 3)
    ]
    shifts = {
        datetime.fromisoformat(text) - parse_moment(text).astimezone(UTC).replace(tzinfo=None)
        for text in cells
        if text.startswith("2026-03-08T02:")
    }
    assert len(shifts) == 2  # the hour this test is about
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(good_row(performed_at=text) for text in cells)
    read = list(read_sets(io.StringIO(out.getvalue(), newline=""), load_catalog()))
    assert [row[2] for row in read] == [iso_utc(parse_moment(text)) for text in cells]


def test_millisecond_fractions_in_several_offsets_are_read_as_the_full_check_reads_them(
    local_zone: Callable[[str], None],
) -> None:
    """Times with a fraction of a second (the same milliseconds again and again, as
    JavaScript's toISOString writes them) take the hour's shift inline once their ending
    was seen: in every offset, written on the same local hour, each is stored as
    `parse_moment` reads it, the fraction dropped."""
    local_zone("America/Denver")
    cells = [
        f"2026-11-25T08:{minute:02d}:{minute % 60:02d}.{ms:03d}{zone}"
        for minute in range(0, 60, 7)
        for ms in (21, 500, 999)
        for zone in ("Z", "+01:00", "-07:00", "+05:30", "")
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(good_row(performed_at=text) for text in cells)  # all else seen: inline
    read = list(read_sets(io.StringIO(out.getvalue(), newline=""), load_catalog()))
    assert [row[2] for row in read] == [iso_utc(parse_moment(text)) for text in cells]


def test_sql_built_lines_keep_nul_and_odd_numbers_as_csv_writer_does(db_path: Path) -> None:
    """Drill names, ROM labels and notes may hold a NUL (the export writes them with ||, as
    printf's %s would stop there); loads, RPEs and pain, NULL or not, as csv.writer has them."""
    from backtrack.catalog import load_catalog
    from backtrack.clock import FixedClock
    from backtrack.paths import user_catalog_path
    from backtrack.store import Store

    catalog_file = user_catalog_path()
    catalog_file.parent.mkdir(parents=True, exist_ok=True)
    catalog_file.write_text(
        '[[exercise]]\nid = "jefferson-curl"\nname = "Jeff\\u0000curl, slow"\n'
        'rom = ["a\\u0000b", "c\\"d", "=e", "f"]\n'
    )
    store = Store.open(db_path, load_catalog(), FixedClock(datetime(2026, 11, 25, 8, tzinfo=UTC)))
    try:
        me = store.athlete("me")
        for i, (load, unit, rpe, pain, note) in enumerate(
            [
                (0.0, "kg", None, None, None),
                (61.2349, "kg", 7.5, 0, "nul\x00inside"),
                (135.0, "lb", 10.0, 10, '=1+2, "x"'),
                (0.0004, "kg", 1.0, None, ""),
                (999.9996, "lb", 6.5, 3, "\r\n"),
            ]
        ):
            store.log_set(me, "jefferson-curl", reps=8, load=load, unit=unit, rom_level=1 + i % 4,
                          rpe=rpe, pain=pain, note=note,
                          at=datetime(2026, 11, 25, 8, i, tzinfo=UTC))  # fmt: skip
        expected = io.StringIO(newline="")
        csv.writer(expected).writerows(store.export_rows())
        text = "".join(chunk for chunk, _ in store.export_chunks())
    finally:
        store.close()
    assert "\x00" in text
    assert text == expected.getvalue()


def test_duplicates_a_bulk_import_lets_in_are_those_its_unique_index_counts(
    db_path: Path,
) -> None:
    """Into an empty table the import drops the indexes and removes the duplicates when it
    rebuilds them: the same time and set number on the two sides are two sets, as the
    identity index (which counts ifnull(side, '')) has them; the first of each is kept."""
    from backtrack.catalog import load_catalog
    from backtrack.store import Store

    store = Store.open(db_path, load_catalog())
    try:
        with store.bulk_import() as batch:
            kim = batch.athlete_id("kim")
            rows = [
                (kim, "half-kneeling-side-bend", "2026-11-25T08:00:00Z", "2026-11-25", 1, reps,
                 0.0, "kg", 0.0, 1, None, None, None, side)
                for reps, side in ((6, "L"), (7, "R"), (8, "L"), (9, None), (10, None))
            ]  # fmt: skip
            store.db.conn.executemany(
                "INSERT INTO sets (athlete_id, exercise_id, performed_at, session_date, "
                "set_number, reps, load, unit, load_kg, rom_level, rpe, pain, note, side) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            batch.added += len(rows)
        kept = store.db.conn.execute("SELECT reps, side FROM sets ORDER BY id").fetchall()
    finally:
        store.close()
    assert kept == [(6, "L"), (7, "R"), (9, None)]
    assert batch.added == 3


def test_index_terms_read_columns_and_expressions() -> None:
    from backtrack.store.bulk import index_terms

    assert index_terms(
        "CREATE UNIQUE INDEX sets_identity ON sets "
        "(athlete_id, exercise_id, performed_at, set_number, ifnull(side, ''))"
    ) == ["athlete_id", "exercise_id", "performed_at", "set_number", "ifnull(side, '')"]
    assert index_terms(
        'CREATE INDEX "on (x" ON sets ("a, b" DESC, note COLLATE NOCASE, substr(note, 1, 2)) '
        "WHERE note IS NOT NULL"
    ) == ['"a, b"', "note COLLATE NOCASE", "substr(note, 1, 2)"]
