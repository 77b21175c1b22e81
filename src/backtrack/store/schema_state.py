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
