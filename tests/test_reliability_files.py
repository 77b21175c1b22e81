"""Private files and damaged files.

Health data on a shared machine: the database, its -wal and -shm, backups, replaced files
and exports are 0600 and the folders 0700, whatever the umask. A damaged file at the
database path is refused at start-up (exit 2) with a message naming it and the newest
backup, and is never modified.
"""

from __future__ import annotations

import os
import random
import shlex
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backtrack.clock import FixedClock
from backtrack.store import DatabaseDamaged, Store, backup, backup_now
from backtrack.store import connection as store_module

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def backtrack(*args: str) -> list[str]:
    return [sys.executable, "-m", "backtrack", *args]


# -- private files ------------------------------------------------------------------------


def test_every_file_is_private_even_with_an_open_umask(tmp_path: Path) -> None:
    """With umask 000 the data folder, database, backups, replaced file and export are still
    0700/0600 (the -wal/-shm are covered while a connection holds them open, below)."""
    db = tmp_path / "shared" / "data" / "backtrack.db"
    env = {**os.environ, "BACKTRACK_DB": str(db)}

    def run(*args: str) -> str:
        result = subprocess.run(
            backtrack(*args),
            capture_output=True,
            env=env,
            text=True,
            preexec_fn=lambda: os.umask(0),
        )
        assert result.returncode == 0, result.stderr
        return result.stdout + result.stderr

    run("log", "jefferson-curl", "--reps", "8")
    made = Path(run("backup").strip())
    run("restore", str(made))
    run("export", "-o", str(db.parent / "sets.csv"))
    assert mode(db.parent) == 0o700
    assert mode(db) == 0o600
    assert mode(backup.backups_dir(db)) == 0o700
    for file in backup.backups_dir(db).iterdir():
        assert mode(file) == 0o600, file
    replaced = [p for p in db.parent.iterdir() if ".replaced-" in p.name]
    assert replaced and all(mode(p) == 0o600 for p in replaced)
    assert mode(db.parent / "sets.csv") == 0o600


def test_wal_and_shm_are_private_with_an_open_umask(db_path: Path, catalog) -> None:
    old = os.umask(0)
    try:
        store = Store.open(db_path, catalog)
        store.log_set(store.athlete("me"), "jefferson-curl", reps=8)
        for suffix in ("", "-wal", "-shm"):
            side = Path(f"{db_path}{suffix}")
            assert side.exists() and mode(side) == 0o600, suffix
        assert mode(db_path.parent) == 0o700
        store.close()
        store = Store.open(db_path, catalog)  # the daily backup, made under umask 000
        store.close()
    finally:
        os.umask(old)
    made = backup.list_backups(db_path)
    assert made and all(mode(b.path) == 0o600 for b in made)
    assert mode(backup.backups_dir(db_path)) == 0o700


# -- damaged files ------------------------------------------------------------------------


@pytest.fixture
def healthy(db_path: Path, catalog) -> tuple[Path, bytes, Path]:
    """A database with 300 sets (many pages), its bytes, and a backup of it."""
    store = Store.open(db_path, catalog, FixedClock(NOON))
    me = store.athlete("me")
    for i in range(300):
        store.log_set(me, "back-extension-ghd", reps=8, note=f"set {i} " + "x" * (i % 50))
    store.check_in(me, 2)
    store.close()
    made = backup_now(db_path)
    return db_path, db_path.read_bytes(), made


def btree_pages(data: bytes) -> list[int]:
    """Numbers (1-based) of the b-tree pages after page 1 that hold at least one cell (an
    empty table's root page has nothing a structure check could find wrong)."""
    size = int.from_bytes(data[16:18], "big")
    return [
        n
        for n in range(2, len(data) // size + 1)
        if data[(n - 1) * size] in (2, 5, 10, 13)
        and int.from_bytes(data[(n - 1) * size + 3 : (n - 1) * size + 5], "big") > 0
    ]


def root_page(data: bytes, table: str) -> int:
    """The root page of `table` in the database whose bytes are `data`."""
    rollback_journal = data[:18] + b"\x01\x01" + data[20:]  # a WAL file's header, read in memory
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(rollback_journal)
        (page,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", [table]
        ).fetchone()
    finally:
        conn.close()
    return int(page)


def flipped(data: bytes, how: str, seed: int = 0, page: int | None = None) -> bytes:
    """A copy of `data` with bytes changed so that SQLite's structure checks can see it:
    on `page`, or on a b-tree page chosen by `seed`."""
    damaged = bytearray(data)
    size = int.from_bytes(data[16:18], "big")
    rng = random.Random(seed)
    page = page or rng.choice(btree_pages(data))
    start = (page - 1) * size
    if how == "page-type":
        damaged[start] ^= 0xFF
    elif how == "cell-count":
        damaged[start + 3 : start + 5] = b"\xff\xff"
    elif how == "cell-pointer":
        header = 12 if data[start] in (2, 5) else 8
        damaged[start + header : start + header + 2] = b"\xff\xf0"
    elif how == "schema-page":
        damaged[100] ^= 0xFF
    elif how == "page-size":
        damaged[16:18] = b"\x00\x03"
    elif how == "random-page":
        # Overwrite a whole b-tree page with noise, as a bad sector would.
        damaged[start : start + size] = rng.randbytes(size)
    else:  # pragma: no cover
        raise ValueError(how)
    return bytes(damaged)


DAMAGE = {
    "not-a-database": lambda data: b"these are my notes, not a database\n" * 100,
    "zero-length": lambda data: b"",
    "header-only": lambda data: data[:60],
    "truncated-half": lambda data: data[: len(data) // 2],
    "truncated-one-page": lambda data: data[: len(data) - 4096],
    **{
        f"flipped-{how}-{seed}": (lambda data, how=how, seed=seed: flipped(data, how, seed))
        for how in ("page-type", "cell-count", "cell-pointer", "random-page")
        for seed in (1, 2, 3)
    },
    "flipped-schema-page": lambda data: flipped(data, "schema-page"),
    "flipped-page-size": lambda data: flipped(data, "page-size"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_file_is_refused_named_and_never_modified(healthy, run, damage: str) -> None:
    db_path, good, made = healthy
    bad = DAMAGE[damage](good)
    db_path.write_bytes(bad)
    for args in (("log", "jefferson-curl", "--reps", "8"), ("export",), ("backup",)):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
        message = result.stderr.strip()
        assert len(message.splitlines()) == 1, message
        assert message.startswith(f"Error: database {db_path} ")
        assert "left untouched" in message
        assert f"Newest backup: {made}" in message
        assert f"backtrack restore {shlex.quote(str(made))}" in message
        assert db_path.read_bytes() == bad, "the damaged file was modified"
    assert [b.path for b in backup.list_backups(db_path)] == [made]


def test_the_suggested_restore_command_brings_the_data_back(healthy, tmp_path: Path) -> None:
    """Follow the message: run the printed `backtrack restore` command, then log again."""
    db_path, good, _ = healthy
    bad = flipped(good, "page-type", 1)
    db_path.write_bytes(bad)
    env = {**os.environ, "BACKTRACK_DB": str(db_path)}
    refused = subprocess.run(
        backtrack("checkin", "--pain", "1"), capture_output=True, env=env, text=True
    )
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    command = refused.stderr.split("to put it back run: ", 1)[1].strip()
    words = shlex.split(command)
    assert words[:2] == ["backtrack", "restore"]
    restored = subprocess.run(backtrack(*words[1:]), capture_output=True, env=env, text=True)
    assert restored.returncode == 0, restored.stderr
    kept = [p for p in db_path.parent.iterdir() if ".replaced-" in p.name and p.suffix != "-wal"]
    assert any(p.read_bytes() == bad for p in kept), "the damaged file was not kept as it was"
    again = subprocess.run(
        backtrack("checkin", "--pain", "1"), capture_output=True, env=env, text=True
    )
    assert again.returncode == 0, again.stderr
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM sets").fetchone() == (300,)
    conn.close()


def test_no_backup_yet_says_so(db_path: Path, run) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"\x00" * 5000)
    result = run("log", "jefferson-curl", "--reps", "8")
    assert result.exit_code == 2
    assert "No backup was found in" in result.stderr
    assert db_path.read_bytes() == b"\x00" * 5000


def test_store_open_raises_database_damaged(healthy, catalog) -> None:
    db_path, good, _ = healthy
    db_path.write_bytes(flipped(good, "cell-count", 2))
    with pytest.raises(DatabaseDamaged, match="quick_check"):
        Store.open(db_path, catalog)


def test_a_big_file_is_fully_checked_on_the_first_open_of_the_day(
    healthy, catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above QUICK_CHECK_EVERY_OPEN_BYTES the full check runs once a day (with the daily
    backup). Later that day, damage inside a table is found when the page is read; the
    message is the same, and nothing is modified."""
    db_path, good, _ = healthy
    monkeypatch.setattr(store_module, "QUICK_CHECK_EVERY_OPEN_BYTES", 0)
    clock = FixedClock(NOON)
    Store.open(db_path, catalog, clock).close()  # today's backup exists: light checks now
    good = db_path.read_bytes()
    bad = flipped(good, "page-type", page=root_page(good, "sets"))  # what export reads
    db_path.write_bytes(bad)
    store = Store.open(db_path, catalog, clock)
    try:
        with pytest.raises(DatabaseDamaged, match="Newest backup"):
            list(store.export_rows())
    finally:
        store.close()
    assert db_path.read_bytes() == bad
    clock.advance(days=1)
    with pytest.raises(DatabaseDamaged, match="is damaged"):
        Store.open(db_path, catalog, clock)
    assert db_path.read_bytes() == bad


async def test_the_app_checks_a_big_file_fully_behind_its_first_look(
    healthy, catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app opens the store behind its first frame, so it runs the full check on every
    open, whatever the file's size: damage is refused before anything writes, not found
    later when a page is read."""
    import asyncio

    from textual.clock import MockClock

    from backtrack.clock import local_date
    from backtrack.store.glance import glance_today
    from backtrack.tui.app import create_app

    db_path, _, _ = healthy
    monkeypatch.setattr(store_module, "QUICK_CHECK_EVERY_OPEN_BYTES", 0)
    clock = FixedClock(NOON)
    Store.open(db_path, catalog, clock).close()  # today's backup exists: light checks now
    good = db_path.read_bytes()
    for seed in range(1, 20):  # damage that the first look does not read
        bad = flipped(good, "page-type", seed)
        db_path.write_bytes(bad)
        if glance_today(db_path, "me", local_date(NOON), catalog) is not None:
            break
    else:
        pytest.fail("every damaged copy stopped the first look")
    app = create_app(db_path, "me", clock=clock, timer_clock=MockClock(), catalog=catalog)
    assert app.opening is not None  # the first look is drawn, the store opens behind it
    async with app.run_test() as pilot:
        for _ in range(500):
            if app.return_code is not None:
                break
            await asyncio.sleep(0.01)
        await pilot.pause()
    assert app.return_code == 2
    assert isinstance(app.start_error, DatabaseDamaged), app.start_error
    assert "Newest backup" in str(app.start_error)
    assert db_path.read_bytes() == bad


def test_truncation_is_seen_without_quick_check(
    healthy, catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path, good, _ = healthy
    monkeypatch.setattr(store_module, "QUICK_CHECK_EVERY_OPEN_BYTES", 0)
    Store.open(db_path, catalog, FixedClock(NOON)).close()
    good = db_path.read_bytes()
    db_path.write_bytes(good[:-4096])
    with pytest.raises(DatabaseDamaged, match="truncated"):
        Store.open(db_path, catalog, FixedClock(NOON))
