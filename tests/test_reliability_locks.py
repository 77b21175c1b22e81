"""Two connections to one file in one process (the app's session and its front desk; a
browser session of `backtrack serve` after its login) keep their POSIX locks when the second
opens: opening reads the file's header only when this process holds no connection to it
(a plain open() and close() of the file would drop every lock SQLite holds on it here, and
another process closing its connection would then delete this process's WAL, losing every
set written after)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from backtrack.catalog import Catalog
from backtrack.store import Store
from backtrack.store.connection import _held

COUNT_IN_ANOTHER_PROCESS = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
print(conn.execute("SELECT COUNT(*) FROM sets").fetchone()[0])
conn.close()
"""


def count_elsewhere(db_path: Path) -> int:
    """The sets another process sees (it opens the file, reads, and closes it)."""
    done = subprocess.run(
        [sys.executable, "-c", COUNT_IN_ANOTHER_PROCESS, str(db_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return int(done.stdout)


def test_a_second_open_in_this_process_keeps_the_first_ones_wal(
    db_path: Path, catalog: Catalog
) -> None:
    session = Store.open(db_path, catalog)
    desk = Store.open(db_path, catalog)
    try:
        assert _held(db_path)
        me = session.athlete("me")
        session.log_set(me, "jefferson-curl", reps=5)
        assert count_elsewhere(db_path) == 1  # another process opens and closes
        assert Path(f"{db_path}-wal").exists()  # ... and leaves this process's WAL alone
        session.log_set(me, "jefferson-curl", reps=6)
        assert count_elsewhere(db_path) == 2  # the set written after is seen
        desk.log_set(me, "jefferson-curl", reps=7)
        assert count_elsewhere(db_path) == 3
    finally:
        desk.close()
        session.close()
    assert not _held(db_path)
    assert count_elsewhere(db_path) == 3


def test_a_damaged_file_is_still_refused_once_nothing_holds_it(
    db_path: Path, catalog: Catalog
) -> None:
    Store.open(db_path, catalog).close()
    assert not _held(db_path)
    with db_path.open("r+b") as handle:  # in place: the same inode
        handle.write(b"not a database, not at all")
    from backtrack.errors import DatabaseDamaged

    try:
        Store.open(db_path, catalog).close()
    except DatabaseDamaged as exc:
        assert "not a SQLite database" in str(exc)
    else:
        raise AssertionError("a damaged file was opened")
