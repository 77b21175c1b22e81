"""Two writers at once lose nothing; a database locked too long is a clear one-line error."""

from __future__ import annotations

import os
import shlex
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from backtrack.catalog import load_catalog
from backtrack.store import BUSY_TIMEOUT_SECONDS, DatabaseBusy, Store, busy_timeout_seconds

WRITER = Path(__file__).parent / "fixtures" / "writer.py"


def backtrack(*args: str) -> list[str]:
    return [sys.executable, "-m", "backtrack", *args]


def env_for(db: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "BACKTRACK_DB": str(db), **extra}


@pytest.mark.slow
def test_two_writer_processes_with_500_sets_each_lose_nothing(db_path: Path) -> None:
    """Two processes log 500 sets each through the store at the same time (as two CLIs or
    the TUI and a CLI do); every set each reported is there, numbered without clashes."""
    Store.open(db_path, load_catalog()).close()
    writers = [
        subprocess.Popen(
            [sys.executable, str(WRITER), str(db_path), "count", "500"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env_for(db_path),
            text=True,
        )
        for _ in range(2)
    ]
    for writer in writers:  # both are open and waiting: start them together
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    reported: list[int] = []
    spans = []
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        ids = [int(line.split()[1]) for line in out.splitlines()]
        assert len(ids) == 500
        reported += ids
        spans.append((min(ids), max(ids)))
    # The two really wrote at the same time: their ids interleave.
    assert spans[0][0] < spans[1][1] and spans[1][0] < spans[0][1]
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = conn.execute(
            "SELECT id, exercise_id, session_date, side, set_number FROM sets"
        ).fetchall()
    finally:
        conn.close()
    assert len(rows) == 1000
    assert {r[0] for r in rows} == set(reported)
    # Set numbers within a session (on each side) are unique and gap-free despite the race.
    by_session: dict[tuple[str, str, str | None], list[int]] = {}
    for _, drill, day, side, number in rows:
        by_session.setdefault((drill, day, side), []).append(number)
    for numbers in by_session.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))


@pytest.mark.slow
def test_two_real_log_commands_racing(db_path: Path) -> None:
    """Two terminals each run `backtrack log` 8 times as fast as they can."""
    Store.open(db_path, load_catalog()).close()
    failures: list[str] = []

    def terminal(name: str) -> None:
        for i in range(8):
            result = subprocess.run(
                backtrack("log", "back-extension-ghd", "--reps", "7", "--note", f"{name} {i}"),
                capture_output=True,
                env=env_for(db_path),
                text=True,
            )
            if result.returncode != 0 or not result.stdout.startswith("Logged"):
                failures.append(result.stderr)

    threads = [threading.Thread(target=terminal, args=(name,)) for name in ("left", "right")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    conn = sqlite3.connect(db_path)
    try:
        notes = {row[0] for row in conn.execute("SELECT note FROM sets")}
    finally:
        conn.close()
    assert notes == {f"{name} {i}" for name in ("left", "right") for i in range(8)}


@pytest.fixture
def locked(db_path: Path):
    """The database with another connection holding its write lock (BEGIN EXCLUSIVE)."""
    Store.open(db_path, load_catalog()).close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    yield holder
    holder.execute("ROLLBACK")
    holder.close()


@pytest.mark.parametrize(
    "args",
    [
        ("log", "jefferson-curl", "--reps", "8", "--note", "typed between sets"),
        ("checkin", "--pain", "3"),
        ("plan", "jefferson-curl", "--sets", "4"),
    ],
    ids=["log", "checkin", "plan"],
)
def test_locked_database_is_a_clear_busy_message(db_path: Path, locked, args) -> None:
    """Locked longer than the busy timeout: exit 2, one line saying "database is busy", no
    traceback, nothing written; the same command works once the lock is gone."""
    result = subprocess.run(
        backtrack(*args),
        capture_output=True,
        env=env_for(db_path, BACKTRACK_BUSY_TIMEOUT="0.2"),
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: database ")
    assert "is busy" in lines[0] and "try again" in lines[0]
    assert str(db_path) in lines[0]
    # The typed set is kept for a retry: the message gives the command back, word for word.
    words = shlex.split(lines[0].split("nothing was saved, so run it again: ", 1)[1])
    assert words == ["backtrack", *args]
    locked.execute("ROLLBACK")
    retry = subprocess.run(
        backtrack(*words[1:]), capture_output=True, env=env_for(db_path), text=True
    )
    assert retry.returncode == 0, retry.stderr
    if args[0] == "log":
        conn = sqlite3.connect(db_path)
        assert conn.execute("SELECT note FROM sets").fetchall() == [("typed between sets",)]
        conn.close()
    locked.execute("BEGIN EXCLUSIVE")


def test_store_keeps_nothing_half_written_when_busy(db_path: Path, catalog, monkeypatch) -> None:
    """In-process: the busy error is DatabaseBusy and the set can be logged again after."""
    monkeypatch.setenv("BACKTRACK_BUSY_TIMEOUT", "0.1")
    store = Store.open(db_path, catalog)
    me = store.athlete("me")
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseBusy, match="is busy"):
            store.log_set(me, "jefferson-curl", reps=8, note="retry me")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not store.db.conn.in_transaction
    entry = store.log_set(me, "jefferson-curl", reps=8, note="retry me")
    assert entry.set_number == 1
    store.close()


@pytest.mark.parametrize(
    ("text", "expected"), [("", BUSY_TIMEOUT_SECONDS), ("0.25", 0.25), ("0", 0.0)]
)
def test_busy_timeout_env(monkeypatch, text: str, expected: float) -> None:
    monkeypatch.setenv("BACKTRACK_BUSY_TIMEOUT", text)
    assert busy_timeout_seconds() == expected


@pytest.mark.parametrize("text", ["soon", "-1", "nan", "1e9"])
def test_bad_busy_timeout_env_is_a_clear_error(db_path: Path, text: str) -> None:
    result = subprocess.run(
        backtrack("checkin", "--pain", "2"),
        capture_output=True,
        env=env_for(db_path, BACKTRACK_BUSY_TIMEOUT=text),
        text=True,
    )
    assert result.returncode == 2
    assert "BACKTRACK_BUSY_TIMEOUT" in result.stderr and "Traceback" not in result.stderr
