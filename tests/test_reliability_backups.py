"""Backups: daily and before migrations, the newest N kept, and a careful restore.

Guarantee 5 of issue 6. A backup is taken on the first run of each local day and before
every migration, into backups/ beside the database; only the newest N (default 7) stay.
`backtrack restore FILE` checks the backup first, refuses while another backtrack process has
the database open, and keeps the file it replaces.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backtrack.catalog import load_catalog
from backtrack.clock import FixedClock
from backtrack.store import Store, backup, backup_now

MORNING = datetime(2026, 11, 1, 7, 0, tzinfo=UTC)


def backtrack(*args: str) -> list[str]:
    return [sys.executable, "-m", "backtrack", *args]


def env_for(db: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "BACKTRACK_DB": str(db), **extra}


def sets_in(db: Path) -> list[str]:
    conn = sqlite3.connect(f"{db.absolute().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return [row[0] for row in conn.execute("SELECT note FROM sets ORDER BY id")]
    finally:
        conn.close()


def log_on(db: Path, clock: FixedClock, note: str) -> None:
    store = Store.open(db, load_catalog(), clock)
    try:
        store.log_set(store.athlete("me"), "jefferson-curl", reps=8, note=note)
    finally:
        store.close()


# -- when backups are made, and how many stay ---------------------------------------------


def test_first_run_of_each_day_makes_one_backup_and_later_runs_none(db_path: Path) -> None:
    clock = FixedClock(MORNING)
    log_on(db_path, clock, "day 1 first")  # creates the database: nothing to back up yet
    assert backup.list_backups(db_path) == []
    clock.advance(hours=1)
    log_on(db_path, clock, "day 1 second")
    [first] = backup.list_backups(db_path)
    assert first.taken_at == clock.now()
    assert sets_in(first.path) == ["day 1 first"], "the backup holds the data before this run"
    for _ in range(3):
        clock.advance(hours=2)
        log_on(db_path, clock, "day 1 later")
    assert len(backup.list_backups(db_path)) == 1, "later runs the same day make no backup"
    clock.advance(days=1)
    log_on(db_path, clock, "day 2 first")
    made = backup.list_backups(db_path)
    assert len(made) == 2 and made[-1].taken_at == clock.now()
    assert stat.S_IMODE(made[-1].path.stat().st_mode) == 0o600


def test_the_cli_makes_the_daily_backup_on_its_second_run(db_path: Path) -> None:
    """Through real `backtrack` processes on the machine's own clock."""
    for i in range(3):
        done = subprocess.run(
            backtrack("log", "jefferson-curl", "--reps", "8", "--note", f"run {i}"),
            capture_output=True,
            env=env_for(db_path),
            text=True,
        )
        assert done.returncode == 0, done.stderr
    [daily] = backup.list_backups(db_path)
    assert sets_in(daily.path) == ["run 0"]


def test_rotation_keeps_exactly_the_newest_seven_by_default(db_path: Path) -> None:
    clock = FixedClock(MORNING)
    log_on(db_path, clock, "start")
    for day in range(1, 13):
        clock.advance(days=1)
        log_on(db_path, clock, f"day {day}")
    kept = backup.list_backups(db_path)
    assert len(kept) == 7
    # The newest seven days' backups, each holding the log as it was that morning.
    assert [b.taken_at for b in kept] == [MORNING.replace(day=1 + d) for d in range(6, 13)], (
        "the oldest backups went first"
    )
    assert sets_in(kept[-1].path)[-1] == "day 11"
    leftovers = [p.name for p in backup.backups_dir(db_path).iterdir()]
    assert sorted(leftovers) == sorted(b.path.name for b in kept), "no temporary file is left"


def test_keep_is_configurable_and_backup_now_rotates_too(db_path: Path) -> None:
    clock = FixedClock(MORNING)
    log_on(db_path, clock, "start")
    for _ in range(5):
        clock.advance(days=1)
        log_on(db_path, clock, "daily")
    assert len(backup.list_backups(db_path)) == 5
    done = subprocess.run(
        backtrack("backup", "--keep", "3"), capture_output=True, env=env_for(db_path), text=True
    )
    assert done.returncode == 0, done.stderr
    made = Path(done.stdout.strip())
    kept = backup.list_backups(db_path)
    assert len(kept) == 3 and kept[-1].path == made and made.name.endswith("-manual.db")
    assert sets_in(made) == sets_in(db_path)


def test_keep_from_the_environment(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKTRACK_BACKUP_KEEP", "2")
    clock = FixedClock(MORNING)
    log_on(db_path, clock, "start")
    for _ in range(4):
        clock.advance(days=1)
        log_on(db_path, clock, "daily")
    assert [b.taken_at for b in backup.list_backups(db_path)] == [
        clock.now().replace(day=4),
        clock.now(),
    ]


def test_bad_keep_is_a_clear_error(db_path: Path) -> None:
    log_on(db_path, FixedClock(MORNING), "start")
    done = subprocess.run(
        backtrack("backup"),
        capture_output=True,
        env=env_for(db_path, BACKTRACK_BACKUP_KEEP="lots"),
        text=True,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "BACKTRACK_BACKUP_KEEP='lots' is not a whole number" in done.stderr


# -- restore ------------------------------------------------------------------------------


@pytest.fixture
def with_backup(db_path: Path) -> tuple[Path, Path]:
    """A database with two sets, and a backup taken when it had only the first."""
    clock = FixedClock(MORNING)
    log_on(db_path, clock, "before the backup")
    made = backup_now(db_path, clock=clock)
    clock.advance(hours=1)
    log_on(db_path, clock, "after the backup")
    return db_path, made


def restore(db: Path, source: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        backtrack("restore", str(source)), capture_output=True, env=env_for(db), text=True
    )


def folder_listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_restore_puts_the_backup_back_and_keeps_the_replaced_file(with_backup) -> None:
    db_path, made = with_backup
    before = db_path.read_bytes()
    done = restore(db_path, made)
    assert done.returncode == 0, done.stderr
    assert sets_in(db_path) == ["before the backup"]
    [kept] = [p for p in db_path.parent.iterdir() if p.name.startswith("backtrack.db.replaced-")]
    assert f"kept as {kept}" in done.stdout
    assert kept.read_bytes() == before
    assert sets_in(kept) == ["before the backup", "after the backup"]
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert made.exists(), "the backup itself stays"


DAMAGED_BACKUPS = {
    "zero-length": lambda data: b"",
    "not-a-database": lambda data: b"holiday photos\n" * 200,
    "truncated": lambda data: data[: len(data) // 2],
    "page-flipped": lambda data: data[:4096] + bytes([data[4096] ^ 0xFF]) + data[4097:],
}


@pytest.mark.parametrize("damage", list(DAMAGED_BACKUPS))
def test_a_damaged_backup_is_refused_and_nothing_changes(with_backup, damage: str) -> None:
    db_path, made = with_backup
    bad = made.with_name("damaged.db")
    bad.write_bytes(DAMAGED_BACKUPS[damage](made.read_bytes()))
    folder_before = folder_listing(db_path.parent)
    done = restore(db_path, bad)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert str(bad) in line and "nothing was restored" in line
    assert folder_listing(db_path.parent) == folder_before, "the database folder changed"
    assert sets_in(db_path) == ["before the backup", "after the backup"]


def test_a_backup_from_a_newer_backtrack_is_refused(with_backup) -> None:
    db_path, made = with_backup
    newer = made.with_name("newer.db")
    shutil.copy(made, newer)
    conn = sqlite3.connect(newer)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('backtrack', '9999_from_the_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    done = restore(db_path, newer)
    assert done.returncode == 2 and "newer backtrack" in done.stderr
    assert db_path.read_bytes() == before


HOLDER = """
import sys
from pathlib import Path
from backtrack.catalog import load_catalog
from backtrack.store import Store
store = Store.open(Path(sys.argv[1]), load_catalog())
print("open", flush=True)
sys.stdin.readline()
store.close()
"""


def test_restore_refuses_while_another_backtrack_has_the_database_open(with_backup) -> None:
    """A second real process holds the database open (as the app does all session)."""
    db_path, made = with_backup
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env_for(db_path),
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        before = folder_listing(db_path.parent)
        done = restore(db_path, made)
        assert done.returncode == 2
        assert "Traceback" not in done.stderr
        [line] = done.stderr.strip().splitlines()
        assert "open in another backtrack" in line and "Nothing was restored" in line
        assert folder_listing(db_path.parent) == before
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    assert holder.returncode == 0
    done = restore(db_path, made)
    assert done.returncode == 0, done.stderr
    assert sets_in(db_path) == ["before the backup"]


def test_restore_of_a_missing_file_or_the_database_itself_is_refused(with_backup) -> None:
    db_path, _ = with_backup
    before = db_path.read_bytes()
    for source, words in (
        (db_path.parent / "nope.db", "does not exist"),
        (db_path, "is the database itself"),
    ):
        done = restore(db_path, source)
        assert done.returncode == 2 and words in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert db_path.read_bytes() == before
