"""Schema versions: the first released schema migrates with every row kept; a database from
a newer backtrack is refused and left untouched."""

from __future__ import annotations

import csv
import io
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from backtrack.store import Store, StoreError, backup
from backtrack.store.migrations import known_migration_names

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA_0001 = FIXTURES / "schema-0001.db"
TABLES = ("athletes", "sets", "checkins", "plans", "suggestions")


def snapshot(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table's columns and rows (by rowid), read without writing anything."""
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        result = {}
        for table in TABLES:
            cursor = conn.execute(f"SELECT * FROM {table} ORDER BY rowid")
            result[table] = ([d[0] for d in cursor.description], cursor.fetchall())
        return result
    finally:
        conn.close()


def rows_of(path: Path, table: str, columns: list[str]) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid").fetchall()
    finally:
        conn.close()


def applied(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    finally:
        conn.close()


@pytest.fixture
def old_db(db_path: Path) -> Path:
    db_path.parent.mkdir(parents=True)
    shutil.copyfile(SCHEMA_0001, db_path)
    return db_path


def test_the_fixture_is_what_the_script_builds(tmp_path: Path) -> None:
    """The committed file holds rows in every table and matches its build script.

    It is read through a copy: a WAL-mode file opened in place would grow -wal/-shm files
    in the source tree (and fail on a read-only checkout)."""
    rebuilt = tmp_path / "rebuilt.db"
    subprocess.run(
        [sys.executable, str(FIXTURES / "make_schema_0001.py"), str(rebuilt)], check=True
    )
    committed = tmp_path / "committed.db"
    shutil.copyfile(SCHEMA_0001, committed)
    assert snapshot(rebuilt) == snapshot(committed)
    assert applied(committed) == ["0001_initial"]
    for table, (_, rows) in snapshot(committed).items():
        assert rows, f"the fixture has no {table}"


def test_first_schema_migrates_with_every_row_kept(old_db: Path, catalog) -> None:
    before = snapshot(old_db)
    store = Store.open(old_db, catalog)
    try:
        assert applied(old_db) == known_migration_names()
        # The store reads every old row through today's code.
        everyone = store.athletes(include_archived=True)
        assert {a.name for a in everyone} == {"Ana", "Bob Ørsted", "=cmd|' /C calc'!A0"}
        for (set_id,) in store.db.conn.execute("SELECT id FROM sets"):
            store.get_set(set_id)
        for athlete in everyone:
            assert len(store.plans(athlete)) == 4
            store.audit_trail(athlete)
    finally:
        store.close()
    for table, (columns, rows) in before.items():
        assert rows_of(old_db, table, columns) == rows, f"{table} changed in the migration"
    conn = sqlite3.connect(old_db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


def test_a_backup_is_made_before_the_migration(old_db: Path, catalog) -> None:
    pending = [name for name in known_migration_names() if name != "0001_initial"]
    if not pending:
        pytest.skip("no migration after 0001 yet")  # pragma: no cover
    before = snapshot(old_db)
    Store.open(old_db, catalog).close()
    made = backup.list_backups(old_db)
    assert len(made) == 1
    assert made[0].path.name.endswith(f"-before-{pending[0]}.db")
    assert snapshot(made[0].path) == before
    assert applied(made[0].path) == ["0001_initial"]


def test_the_cli_migrates_the_first_schema_and_logs(old_db: Path) -> None:
    env = {**os.environ, "BACKTRACK_DB": str(old_db)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "backtrack",
            "log",
            "jefferson-curl",
            "--reps",
            "8",
            "--athlete",
            "Ana",
        ],
        capture_output=True,
        env=env,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    exported = subprocess.run(
        [sys.executable, "-m", "backtrack", "export", "--all-athletes"],
        capture_output=True,
        env=env,
        text=True,
    )
    assert exported.returncode == 0, exported.stderr
    assert len(list(csv.reader(io.StringIO(exported.stdout)))) == 1 + 81 + 1


def newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('backtrack', '9999_from_the_future', '2031-01-01')"
    )
    conn.commit()
    conn.close()


@pytest.mark.parametrize("start", ["first-schema", "current-schema"])
def test_a_newer_database_is_refused_and_untouched(db_path: Path, catalog, start: str) -> None:
    if start == "first-schema":
        db_path.parent.mkdir(parents=True)
        shutil.copyfile(SCHEMA_0001, db_path)
    else:
        Store.open(db_path, catalog).close()
    newer(db_path)
    before = db_path.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "backtrack", "log", "jefferson-curl", "--reps", "8"],
        capture_output=True,
        env={**os.environ, "BACKTRACK_DB": str(db_path)},
        text=True,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "newer backtrack" in message and "9999_from_the_future" in message
    assert "upgrade backtrack" in message and str(db_path) in message
    assert db_path.read_bytes() == before
    assert not backup.backups_dir(db_path).exists()
    with pytest.raises(StoreError, match="newer backtrack"):
        Store.open(db_path, catalog)
    assert db_path.read_bytes() == before


def test_a_sqlite_file_that_is_not_backtracks_is_refused(db_path: Path, catalog) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('soup')")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="not a backtrack one"):
        Store.open(db_path, catalog)
    assert db_path.read_bytes() == before
