"""A new file gets its schema from store/schema.sql (no sqlite-utils); that file must be
exactly what the migrations make, and a file made from it must be the migrated file."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from backtrack.store import schema_state
from backtrack.store.connection import open_connection
from backtrack.store.migrations import known_migration_names, migrations
from backtrack.store.sqlite_lib import Database


def migrated(path: Path) -> sqlite3.Connection:
    """A new file at `path` made by running every migration."""
    conn = sqlite3.connect(path)
    migrations.apply(Database(conn, execute_plugins=False))
    return conn


def layout(conn: sqlite3.Connection) -> dict[str, object]:
    """Everything about a file's schema and contents that a later open or migration reads."""
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {
        "master": conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid"
        ).fetchall(),
        "rows": {
            table: conn.execute(f'SELECT * FROM "{table}"').fetchall()
            for table in tables
            if table != "_sqlite_migrations"
        },
        "migrations": conn.execute(
            "SELECT id, migration_set, name FROM _sqlite_migrations ORDER BY id"
        ).fetchall(),
        "user_version": conn.execute("PRAGMA user_version").fetchone(),
    }


def test_schema_sql_is_what_the_migrations_make(tmp_path: Path) -> None:
    conn = migrated(tmp_path / "new.db")
    try:
        expected = schema_state.snapshot(conn)
    finally:
        conn.close()
    assert schema_state.SNAPSHOT.read_text(encoding="utf-8") == expected, (
        "store/schema.sql is out of date: run `python -m backtrack.store.schema_state`"
    )


def test_a_file_made_from_it_is_the_migrated_file(tmp_path: Path) -> None:
    made = sqlite3.connect(tmp_path / "snapshot.db")
    reference = migrated(tmp_path / "migrated.db")
    try:
        assert schema_state.create_from_snapshot(made)
        assert layout(made) == layout(reference)
        stamps = made.execute("SELECT applied_at FROM _sqlite_migrations").fetchall()
        assert len({s for (s,) in stamps}) == 1 and stamps[0][0].endswith("+00:00")
    finally:
        made.close()
        reference.close()


def test_a_new_log_is_made_from_it_without_sqlite_utils(tmp_path: Path) -> None:
    path = tmp_path / "data" / "log.db"
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from backtrack.store.connection import open_connection\n"
        f"open_connection(Path({str(path)!r})).close()\n"
        "print('sqlite_utils' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr
    conn = open_connection(path)
    try:
        assert schema_state.applied_names(conn) == known_migration_names()
    finally:
        conn.close()


def test_a_snapshot_of_other_migrations_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new migration without schema.sql written anew: new files run the migrations."""
    stale = tmp_path / "schema.sql"
    text = schema_state.SNAPSHOT.read_text(encoding="utf-8")
    stale.write_text(text.replace(" 0008_athlete_preferences", "", 1), encoding="utf-8")
    monkeypatch.setattr(schema_state, "SNAPSHOT", stale)
    conn = sqlite3.connect(tmp_path / "new.db")
    try:
        assert not schema_state.create_from_snapshot(conn)
        assert conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0
    finally:
        conn.close()
    path = tmp_path / "log.db"
    opened = open_connection(path)  # then the migrations run, as before
    try:
        assert schema_state.applied_names(opened) == known_migration_names()
    finally:
        opened.close()
