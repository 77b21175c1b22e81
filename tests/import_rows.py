"""Rows of a CSV file to import, for the import tests: one valid set, and a file of them."""

from __future__ import annotations

import csv
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
