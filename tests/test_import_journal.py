"""An import into a log its opening created writes its pages once (a rollback journal, not
the write-ahead log and then the file again); the log is in WAL mode before and after. An
import into an older log (so a refused file leaves it byte for byte as it was), or beside
another open connection, stays in WAL."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from backtrack.catalog import Catalog
from backtrack.clock import FixedClock
from backtrack.export import import_file
from backtrack.store import Store
from tests.import_rows import good_row as row
from tests.import_rows import killed_importing, many_rows, set_cells
from tests.import_rows import write_rows as write


def journal(store: Store) -> str:
    return str(store.db.conn.execute("PRAGMA journal_mode").fetchone()[0])


def sets_in(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM sets").fetchone()[0])
    finally:
        conn.close()


def test_into_a_new_log_the_rows_go_through_a_rollback_journal(store: Store) -> None:
    assert journal(store) == "wal"
    with store.bulk_import() as batch:
        during = journal(store)
        batch.add([(batch.athlete_id("kim"), *cells) for cells in [set_cells()]])
    assert during == "delete"
    assert journal(store) == "wal"
    assert sets_in(store.path) == 1
    assert not Path(f"{store.path}-journal").exists()


def test_into_a_log_with_sets_the_write_ahead_log_is_kept(store: Store) -> None:
    with store.bulk_import() as batch:
        batch.add([(batch.athlete_id("kim"), *set_cells())])
    with store.bulk_import() as batch:
        during = journal(store)
        batch.add([(batch.athlete_id("kim"), *set_cells(set_number=2))])
    assert during == "wal"
    assert sets_in(store.path) == 2


def test_into_an_older_empty_log_the_write_ahead_log_is_kept(
    store: Store, catalog: Catalog, clock: FixedClock
) -> None:
    store.close()
    again = Store.open(store.path, catalog, clock)
    try:
        with again.bulk_import() as batch:
            during = journal(again)
            batch.add([(batch.athlete_id("kim"), *set_cells())])
    finally:
        again.close()
    assert during == "wal"
    assert sets_in(store.path) == 1


def test_beside_another_open_connection_the_import_stays_in_wal(
    store: Store, tmp_path: Path
) -> None:
    other = sqlite3.connect(store.path)  # the app, say, open on the same log
    try:
        assert other.execute("SELECT COUNT(*) FROM sets").fetchone()[0] == 0
        with store.bulk_import() as batch:
            during = journal(store)
            batch.add([(batch.athlete_id("kim"), *set_cells())])
        assert during == "wal"
        assert other.execute("SELECT COUNT(*) FROM sets").fetchone()[0] == 1  # it sees them
    finally:
        other.close()
    assert journal(store) == "wal"


def test_a_refused_file_leaves_a_new_log_empty_and_in_wal(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", [row(), row(set="2"), row(set="3", reps="many")])
    with pytest.raises(Exception, match="line 4"):
        import_file(store, path, create_athletes=True)
    assert sets_in(store.path) == 0
    assert journal(store) == "wal"
    assert not Path(f"{store.path}-journal").exists()


def test_an_import_into_a_new_file_killed_mid_transaction_leaves_it_empty(
    tmp_path: Path,
) -> None:
    """kill -9 while a new file's rows are going in through the rollback journal: the next
    opening rolls them back (the schema whole, no sets, WAL again), and importing again
    works."""
    rows = many_rows()
    source = write(tmp_path / "many.csv", rows)
    killed = 0
    for attempt in range(3):
        db = tmp_path / f"round{attempt}" / "backtrack.db"
        env = {**os.environ, "BACKTRACK_DB": str(db)}
        importing = [sys.executable, "-m", "backtrack", "import", "--create-athletes", str(source)]
        journal_file = Path(f"{db}-journal")

        def under_way(db: Path = db, journal_file: Path = journal_file) -> bool:
            return journal_file.exists() and db.exists() and db.stat().st_size > 2 * 1024 * 1024

        if not killed_importing(importing, env, under_way):
            continue  # finished before the file grew that much: nothing to check this round
        killed += 1
        again = subprocess.run(importing, env=env, text=True, capture_output=True)
        assert again.returncode == 0, again.stderr
        assert f"Imported {len(rows)} new sets" in again.stdout
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT COUNT(*) FROM sets").fetchone()[0] == len(rows)
            indexes = {
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sets'"
                )
            }
        finally:
            conn.close()
        assert {"sets_by_session", "sets_by_time", "sets_identity"} <= indexes
    assert killed >= 2, "no kill landed inside the import's transaction"
