"""Which migrations a file has, and whether this backtrack has any more: read with sqlite3 alone.

Every open of the log asks this (connection.py) and so does a restore's check of a backup
(backup.py). The answer for a file that is up to date (nearly every open) must not cost
sqlite-utils, which `migrations.py` is written with (about 35 ms of a command's start): the
names this backtrack knows are read from the `@migrations(name=...)` lines of migrations.py's
own source, and only a file whose migrations differ from them, or a source that cannot be
read, loads the migrations for real. `tests/test_store.py` holds the names read here to
`migrations.known_migration_names()`.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

MIGRATION_SET = "backtrack"
# A step of migrations.py, as the module registers it (see its docstring).
_STEP = re.compile(r"""^@migrations\(name=["']([^"']+)["']\)\s*$""", re.MULTILINE)


def applied_names(conn: sqlite3.Connection) -> list[str]:
    """The backtrack migrations recorded in the database open on `conn`, in the order they
    were applied ([] when it has no migrations table). Reads only."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    if not has_table:
        return []
    return [
        row[0]
        for row in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
        )
    ]


@cache
def known_names() -> tuple[str, ...]:
    """The migrations this backtrack knows, in order, read from migrations.py's source
    (() when it cannot be read: then `schema_gap` asks the module itself)."""
    try:
        source = (Path(__file__).with_name("migrations.py")).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ()
    return tuple(_STEP.findall(source))


def schema_gap(applied: list[str]) -> tuple[list[str], list[str]]:
    """(pending, unknown): the migrations this backtrack knows that a file with `applied`
    lacks, and those it has that this backtrack does not know (a newer one wrote them)."""
    known = known_names()
    if known and tuple(applied) == known:
        return [], []
    from backtrack.store.migrations import known_migration_names, unknown_names

    return [name for name in known_migration_names() if name not in applied], unknown_names(applied)


# -- a new file's schema, without running the migrations ---------------------------------

# The schema every migration gives an empty file, as SQL (written by `snapshot`, checked
# against the migrations by tests/test_schema_snapshot.py). Its first line names them.
SNAPSHOT = Path(__file__).with_name("schema.sql")
_HEADER = "-- backtrack's schema after the migrations: "
_STATEMENT_END = ";\n\n"


def snapshot(conn: sqlite3.Connection) -> str:
    """schema.sql's text for the migrated, empty database open on `conn`: its migrations on
    the first line, then every table and index as SQLite keeps them, in the order made."""
    statements = [
        row[0]
        for row in conn.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY rowid"
        )
    ]
    return (
        _HEADER
        + " ".join(applied_names(conn))
        + "\n\n"
        + "".join(statement + _STATEMENT_END for statement in statements)
    )


def create_from_snapshot(conn: sqlite3.Connection) -> bool:
    """Give the new, empty database open on `conn` the schema of every migration this
    backtrack knows, from schema.sql, and record those migrations as applied (as
    sqlite-utils records them), in one transaction; True. False (nothing done) when the file
    was made from other migrations than the ones known, or cannot be read: run them.

    Running the migrations means loading sqlite-utils: about 35 ms of the command that
    creates a file, which `backtrack import` into a new file pays on top of its sets."""
    try:
        text = SNAPSHOT.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    first, _, body = text.partition("\n\n")
    names = tuple(first.removeprefix(_HEADER).split()) if first.startswith(_HEADER) else ()
    if not names or names != known_names():
        return False
    applied_at = str(datetime.now(UTC))  # sqlite-utils' form
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in body.split(_STATEMENT_END):
            if statement.strip():
                conn.execute(statement)
        conn.executemany(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
            [(MIGRATION_SET, name, applied_at) for name in names],
        )
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
    return True


if __name__ == "__main__":  # python -m backtrack.store.schema_state: write schema.sql anew
    import tempfile

    from backtrack.store.migrations import migrations
    from backtrack.store.sqlite_lib import Database

    with tempfile.TemporaryDirectory() as folder:
        made = sqlite3.connect(Path(folder) / "new.db")
        migrations.apply(Database(made, execute_plugins=False))
        SNAPSHOT.write_text(snapshot(made), encoding="utf-8")
        made.close()
    print(f"wrote {SNAPSHOT}")
