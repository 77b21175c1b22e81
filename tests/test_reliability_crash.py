"""Crash safety: kill -9 at random moments never loses a reported set or damages the file.

Every test here kills real processes with SIGKILL and then checks, with a read-only
connection (so the check itself never checkpoints or repairs anything), that
`PRAGMA integrity_check` is ok and that every set the process reported is in the database.
"""

from __future__ import annotations

import csv
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backtrack.catalog import load_catalog
from backtrack.clock import FixedClock
from backtrack.store import Store

WRITER = Path(__file__).parent / "fixtures" / "writer.py"


def backtrack(*args: str) -> list[str]:
    return [sys.executable, "-m", "backtrack", *args]


def env_for(db: Path) -> dict[str, str]:
    """The test's isolated environment (see conftest) with the database named."""
    return {**os.environ, "BACKTRACK_DB": str(db), "PYTHONUNBUFFERED": "1"}


def check_readonly(db: Path) -> sqlite3.Connection:
    """A read-only connection after asserting integrity_check is ok."""
    conn = sqlite3.connect(f"{db.absolute().as_uri()}?mode=ro", uri=True)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    return conn


def set_ids(db: Path) -> set[int]:
    conn = check_readonly(db)
    try:
        return {row[0] for row in conn.execute("SELECT id FROM sets")}
    finally:
        conn.close()


def notes(db: Path) -> set[str]:
    conn = check_readonly(db)
    try:
        return {row[0] for row in conn.execute("SELECT note FROM sets WHERE note IS NOT NULL")}
    finally:
        conn.close()


def test_log_killed_right_after_it_reports_keeps_the_set(db_path: Path) -> None:
    """kill -9 of `backtrack log` as soon as it says "Logged": the set is there on restart."""
    for i in range(3):
        proc = subprocess.Popen(
            backtrack("log", "jefferson-curl", "--reps", "8", "--note", f"killed {i}"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env_for(db_path),
            text=True,
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert line.startswith("Logged Jefferson curl set"), line + proc.stderr.read()
        assert f"killed {i}" in notes(db_path)
    result = subprocess.run(
        backtrack("log", "jefferson-curl", "--reps", "8"),
        capture_output=True,
        env=env_for(db_path),
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "set 4" in result.stdout


@pytest.mark.slow
def test_a_hundred_kills_of_a_writer_lose_no_reported_set(db_path: Path) -> None:
    """120 writer processes, each SIGKILLed at a random moment (open, write, commit, print).

    The zygote (tests/fixtures/writer.py) forks a fresh child per round so that a round costs
    milliseconds; each child opens the database itself and logs sets until it is killed.
    """
    rng = random.Random(20261125)
    zygote = subprocess.Popen(
        [sys.executable, str(WRITER), str(db_path), "zygote"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env_for(db_path),
        text=True,
        bufsize=1,
    )
    assert zygote.stdin is not None and zygote.stdout is not None
    reported: set[int] = set()
    kills_with_writes = 0
    try:
        for _ in range(120):
            zygote.stdin.write("fork\n")
            zygote.stdin.flush()
            line = zygote.stdout.readline()
            while not line.startswith("child "):
                reported.add(int(line.split()[1]))
                line = zygote.stdout.readline()
            child = int(line.split()[1])
            time.sleep(rng.uniform(0, 0.04))
            os.kill(child, signal.SIGKILL)
            zygote.stdin.write(f"reap {child}\n")
            zygote.stdin.flush()
            before = len(reported)
            for line in iter(zygote.stdout.readline, ""):
                if line.startswith("reaped "):
                    break
                reported.add(int(line.split()[1]))
            kills_with_writes += len(reported) > before
            if db_path.exists():
                present = set_ids(db_path)
                assert reported <= present, f"lost sets {sorted(reported - present)}"
        zygote.stdin.write("quit\n")
        zygote.stdin.flush()
        assert zygote.wait(timeout=10) == 0
    finally:
        if zygote.poll() is None:
            zygote.kill()
            zygote.wait()
    # The rounds really did interrupt writers in the middle of their work.
    assert kills_with_writes >= 50
    assert len(reported) >= 200
    store = Store.open(db_path, load_catalog())
    try:
        assert store.db.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert reported <= {r[0] for r in store.db.conn.execute("SELECT id FROM sets")}
    finally:
        store.close()


@pytest.mark.slow
def test_real_log_commands_killed_at_random_moments(tmp_path: Path) -> None:
    """`backtrack log` killed anywhere in its life, on a new file or an existing one.

    Killing the very first run while it creates the file must not leave an empty or
    half-made database behind (the file is created in one step).
    """
    rng = random.Random(7)
    for i in range(14):
        db = tmp_path / f"run{i % 2}" / "backtrack.db"
        if i % 4 == 0 and db.exists():  # a fresh file now and then: kill during creation
            for side in db.parent.iterdir():
                if side.is_file():
                    side.unlink()
        proc = subprocess.Popen(
            backtrack(
                "log", "half-kneeling-windmill", "--reps", "6", "--side", "L", "--note", f"run {i}"
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env_for(db),
            text=True,
        )
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        assert "Traceback" not in err
        if db.exists():
            present = notes(db)
            if out.startswith("Logged"):
                assert f"run {i}" in present
        else:
            assert not out.startswith("Logged")
        # The next start always works: never "damaged", never an empty file.
        after = subprocess.run(
            backtrack("log", "half-kneeling-windmill", "--reps", "6", "--side", "R"),
            capture_output=True,
            env=env_for(db),
            text=True,
        )
        assert after.returncode == 0, after.stderr
        assert not [p for p in db.parent.iterdir() if p.name.endswith(".new")]


def write_import_csv(path: Path, rows: int) -> None:
    """An export-format CSV of `rows` sets (built through a throw-away store and export)."""
    from backtrack.export import HEADER

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            day = 1 + i % 28
            writer.writerow(
                [
                    f"2025-02-{day:02d}",
                    f"2025-02-{day:02d}T{8 + i % 10:02d}:{i % 60:02d}:00Z",
                    "importer",
                    "jefferson-curl",
                    "Jefferson curl",
                    1 + i // 280,
                    "",  # side: a one-sided drill
                    8,
                    10,
                    "kg",
                    10,
                    1,
                    "",
                    "",
                    "",
                    f"row {i}",
                ]
            )


def sets_in(db: Path) -> int:
    conn = check_readonly(db)
    try:
        return conn.execute("SELECT count(*) FROM sets").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.slow
def test_import_killed_at_random_moments_is_all_or_nothing(tmp_path: Path) -> None:
    """A 40,000-row import is killed: either every row is there or none.

    Half the rounds kill at a random moment of the process's life; the other half kill
    while the write-ahead log is growing, i.e. certainly inside the import's transaction.
    """
    rows = 40_000
    source = tmp_path / "sets.csv"
    write_import_csv(source, rows)
    base = tmp_path / "base" / "backtrack.db"
    store = Store.open(base, load_catalog(), FixedClock(datetime(2026, 11, 25, 12, tzinfo=UTC)))
    store.log_set(store.athlete("me"), "jefferson-curl", reps=8)
    store.close()

    def fresh_copy(name: str) -> Path:
        db = tmp_path / name / "backtrack.db"
        db.parent.mkdir()
        db.write_bytes(base.read_bytes())
        return db

    started = time.monotonic()
    full = subprocess.run(
        backtrack("import", "--create-athletes", str(source)),
        capture_output=True,
        env=env_for(fresh_copy("full")),
    )
    duration = time.monotonic() - started
    assert full.returncode == 0
    rng = random.Random(11)
    mid_transaction = 0
    for i in range(8):
        db = fresh_copy(f"import{i}")
        wal = Path(f"{db}-wal")
        proc = subprocess.Popen(
            backtrack("import", "--create-athletes", str(source)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env_for(db),
            text=True,
        )
        if i % 2:
            time.sleep(rng.uniform(0.1, 1.2) * duration)
        else:
            deadline = time.monotonic() + 3 * duration + 1
            while proc.poll() is None and time.monotonic() < deadline:
                if wal.exists() and wal.stat().st_size > 512 * 1024:
                    mid_transaction += 1
                    break
                time.sleep(0.001)
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        count = sets_in(db)
        assert count in (1, 1 + rows), f"round {i}: {count} sets after the kill"
        if out.startswith("Imported"):
            assert count == 1 + rows
        elif i % 2 == 0 and proc.returncode == -signal.SIGKILL:
            assert count == 1, "killed inside the transaction, yet rows were kept"
        assert "Traceback" not in err
    assert mid_transaction >= 2, "no kill landed inside the import's transaction"
