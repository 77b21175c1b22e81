"""The sets as CSV, built by SQLite (many sets added at once, the import, are in bulk.py).

The export's cells are what `csv.writer` would make of export.py's columns, but the lines are
assembled in SQL, so a million sets leave at close to the speed of the sqlite3 shell. Text a
spreadsheet would run as a formula gets one leading single quote (OWASP's advice);
export.py parses files and takes the quote off again on import.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from backtrack.models import Athlete
from backtrack.store.athletes import AthletesMixin
from backtrack.store.bulk import SetImport, bulk_import
from backtrack.store.connection import translate_error

IMPORT_COLUMNS = (
    "exercise_id",
    "performed_at",
    "session_date",
    "set_number",
    "side",
    "reps",
    "load",
    "unit",
    "load_kg",
    "rom_level",
    "rpe",
    "pain",
    "note",
)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "'")
CSV_SPECIALS = (",", '"', "\r", "\n")


def neutralise(text: str | None) -> str | None:
    """Prefix one single quote to text a spreadsheet would run as a formula (OWASP)."""
    if text and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_cell(text: str | None) -> str:
    """One CSV cell as `csv.writer` writes it: quoted when it holds , " CR or LF."""
    if text is None:
        return ""
    if any(c in text for c in CSV_SPECIALS):
        return '"' + text.replace('"', '""') + '"'
    return text


def _neutralised(column: str) -> str:
    """SQL that applies `neutralise` to a text column."""
    return (
        f"CASE WHEN substr({column}, 1, 1) IN ('=', '+', '-', '@', char(9), char(13), '''') "
        f"THEN '''' || {column} ELSE {column} END"
    )


def _csv_quoted(text: str) -> str:
    """SQL that applies `csv_cell` to a non-NULL text expression."""
    return (
        f"CASE WHEN instr({text}, '\"') OR instr({text}, ',') OR instr({text}, char(10)) "
        f"OR instr({text}, char(13)) THEN '\"' || replace({text}, '\"', '\"\"') || '\"' "
        f"ELSE {text} END"
    )


def _trimmed(column: str) -> str:
    """SQL that formats a number with at most 3 decimals and no trailing zeros."""
    return f"rtrim(rtrim(printf('%.3f', {column}), '0'), '.')"


def _fast_trimmed(column: str) -> str:
    """`_trimmed` as text, skipping printf for whole numbers (most loads and RPEs)."""
    return (
        f"CASE WHEN {column} = CAST({column} AS INTEGER) THEN CAST(CAST({column} AS INTEGER) "
        f"AS TEXT) ELSE {_trimmed(column)} END"
    )


def _export_filter(
    athlete: Athlete | None, since: date | None, until: date | None
) -> tuple[str, list[Any]]:
    """The WHERE clause (or '') and its parameters choosing the sets to export."""
    where: list[str] = []
    params: list[Any] = []
    if athlete is not None:
        where.append("s.athlete_id = ?")
        params.append(athlete.id)
    if since is not None:
        where.append("s.session_date >= ?")
        params.append(since.isoformat())
    if until is not None:
        where.append("s.session_date <= ?")
        params.append(until.isoformat())
    return ("WHERE " + " AND ".join(where)) if where else "", params


EXPORT_ORDER = "ORDER BY s.performed_at, a.name, s.exercise_id, s.set_number, s.side"


class CsvMixin(AthletesMixin):
    """The Store's CSV export and bulk import."""

    def export_rows(
        self,
        *,
        athlete: Athlete | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """Rows for the CSV export, oldest first, already formatted as CSV cells.

        Numbers are trimmed of float noise; text cells that a spreadsheet would run as a
        formula get one leading single quote (see `neutralise`).
        """
        self._load_catalog_labels()
        clause, params = _export_filter(athlete, since, until)
        sql = f"""
            SELECT s.session_date, s.performed_at, {_neutralised("a.name")}, s.exercise_id,
                   c.name, s.set_number, s.side, s.reps, {_trimmed("s.load")}, s.unit,
                   {_trimmed("s.load_kg")}, s.rom_level, c.label,
                   CASE WHEN s.rpe IS NULL THEN NULL ELSE {_trimmed("s.rpe")} END,
                   s.pain, {_neutralised("s.note")}
            FROM sets s
            JOIN athletes a ON a.id = s.athlete_id
            LEFT JOIN temp.export_labels c
                   ON c.exercise_id = s.exercise_id AND c.level = s.rom_level
            {clause}
            {EXPORT_ORDER}
        """
        yield from self._cursor(sql, params)

    def export_chunks(
        self,
        *,
        athlete: Athlete | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> Iterator[tuple[str, int]]:
        """The export's data lines, oldest first, in chunks: (text, how many sets). Each
        line of the text ends with CRLF, as `csv.writer` ends it.

        Byte for byte what `csv.writer` makes of `export_rows`, but built by SQLite, so a
        million sets export at close to the speed of the sqlite3 shell: drill, ROM and
        athlete cells are quoted once in Python into temporary tables, and numbers, notes
        and the joins are done in SQL. The cells that cannot hold a NUL character (dates,
        numbers, the unit, a checked athlete name) are written by `printf` (a NULL prints
        as nothing) a few at a time, and joined with `||` to the drill, ROM and note cells
        (where printf's %s would stop at a NUL): a chain of `||` per cell copies the
        growing line once per cell.
        """
        self._load_catalog_labels()
        conn = self.db.conn
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS export_people "
            "(id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE, cell TEXT)"
        )
        conn.execute("DELETE FROM temp.export_people")
        conn.executemany(
            "INSERT INTO temp.export_people VALUES (?, ?, ?)",
            [
                (i, name, csv_cell(neutralise(name)))
                for i, name in conn.execute("SELECT id, name FROM athletes")
            ],
        )
        if conn.in_transaction:
            conn.commit()
        clause, params = _export_filter(athlete, since, until)
        sql = f"""
            SELECT printf('%s,%s,%s,', s.session_date, s.performed_at, a.cell)
                   || COALESCE(c.head, {_csv_quoted("s.exercise_id")} || ',')
                   || printf(',%s,%s,%s,%s,%s,%s,', s.set_number, s.side, s.reps,
                             {_fast_trimmed("s.load")}, s.unit, {_fast_trimmed("s.load_kg")})
                   || COALESCE(c.tail, s.rom_level || ',')
                   || printf(',%s,%s,',
                             CASE WHEN s.rpe IS NULL THEN NULL ELSE {_fast_trimmed("s.rpe")} END,
                             s.pain)
                   || CASE WHEN s.note IS NULL THEN ''
                           ELSE {_csv_quoted(_neutralised("s.note"))} END || char(13, 10)
            FROM sets s
            JOIN temp.export_people a ON a.id = s.athlete_id
            LEFT JOIN temp.export_labels c
                   ON c.exercise_id = s.exercise_id AND c.level = s.rom_level
            {clause}
            {EXPORT_ORDER}
        """
        try:
            cursor = conn.execute(sql, params)
            while chunk := cursor.fetchmany(5000):
                yield "".join([line for (line,) in chunk]), len(chunk)
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) from exc

    def _load_catalog_labels(self) -> None:
        """Fill a temporary table with drill names and ROM labels for the export join."""
        conn = self.db.conn
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS export_labels "
            "(exercise_id TEXT, level INTEGER, name TEXT, label TEXT, head TEXT, tail TEXT, "
            "PRIMARY KEY (exercise_id, level))"
        )
        conn.execute("DELETE FROM temp.export_labels")
        conn.executemany(
            "INSERT INTO temp.export_labels VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    e.id,
                    level,
                    neutralise(e.name),
                    neutralise(label),
                    f"{csv_cell(e.id)},{csv_cell(neutralise(e.name))}",  # exercise_id,exercise
                    f"{level},{csv_cell(neutralise(label))}",  # rom_level,rom_label
                )
                for e in self.catalog
                for level, label in enumerate(e.rom, start=1)
            ],
        )
        if conn.in_transaction:
            conn.commit()

    def import_sets(self, rows: Iterable[dict[str, Any]]) -> int:
        """Add the sets of `rows` (dicts: `athlete` and IMPORT_COLUMNS) in one transaction,
        creating athletes not yet here.

        Returns how many were new; see `bulk_import` for duplicates and failures.
        """
        with self.bulk_import(create_athletes=True) as batch:
            batch.add(
                (batch.athlete_id(row["athlete"]), *(row.get(c) for c in IMPORT_COLUMNS))
                for row in rows
            )
        return batch.added

    def bulk_import(
        self, *, create_athletes: bool = True
    ) -> contextlib.AbstractContextManager[SetImport]:
        """One write transaction for adding many sets (see `bulk.bulk_import`)."""
        return bulk_import(self.db.conn, self.path, self.clock, create_athletes=create_athletes)
