"""Rows of a CSV file to import, for the import tests: one valid set, and a file of them."""

from __future__ import annotations

import csv
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from backtrack.export import HEADER


def good_row(**changes: str) -> dict[str, str]:
    """A valid export row for kim's first Jefferson curl set (one-sided), with `changes`."""
    row = dict.fromkeys(HEADER, "")
    row.update(
        date="2026-11-25",
        performed_at="2026-11-25T08:00:00Z",
        athlete="kim",
        exercise_id="jefferson-curl",
        exercise="Jefferson curl",
        set="1",
        reps="8",
        load="10",
        unit="kg",
        load_kg="10",
        rom_level="1",
        rom_label="fingertips to knees",
        rpe="7",
        pain="2",
    )
    row.update(changes)
    return row


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write `rows` under the export's header to `path` (UTF-8), and return the path."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def set_cells(*, set_number: int = 1) -> tuple[object, ...]:
    """IMPORT_COLUMNS of one valid set of kim's Jefferson curl on 2026-11-25 (what a
    `SetImport` takes after the athlete's id); each set number a minute later."""
    return (
        "jefferson-curl",
        f"2026-11-25T08:0{set_number}:00Z",
        "2026-11-25",
        set_number,
        None,
        8,
        10.0,
        "kg",
        10.0,
        1,
        7.0,
        2,
        None,
    )


def many_rows(count: int = 80_000) -> list[dict[str, str]]:
    """`count` valid rows of kim's, one a second from midnight: enough for an import to be
    caught half-way."""
    return [
        good_row(performed_at=f"2026-11-25T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z")
        for i in range(count)
    ]


def killed_importing(
    importing: list[str], env: Mapping[str, str], under_way: Callable[[], bool]
) -> bool:
    """Run the import command `importing` and kill -9 it as soon as `under_way()` says its
    transaction is (within 60 s); whether it was killed (False: it finished first)."""
    proc = subprocess.Popen(
        importing, env=dict(env), text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if under_way():
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.001)
    proc.communicate()
    return proc.returncode == -signal.SIGKILL


def tables_of(path: Path, tables: tuple[str, ...]) -> dict[str, list[tuple]]:
    """Every row of each of `tables` in the database at `path`, in rowid order."""
    conn = sqlite3.connect(path)
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            for table in tables
        }
    finally:
        conn.close()
