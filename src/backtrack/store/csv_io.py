"""The sets as CSV, built by SQLite; and many sets added at once (import).

The export's cells are what `csv.writer` would make of export.py's columns, but the lines are
assembled in SQL, so a million sets leave at close to the speed of the sqlite3 shell. Text a
spreadsheet would run as a formula gets one leading single quote (OWASP's advice);
export.py parses files and takes the quote off again on import.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from backtrack.models import Athlete
from backtrack.store.athletes import AthletesMixin
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

# Helper threads SQLite may use to sort an index being built (0 on one core).
SORT_THREADS = 1 if (os.cpu_count() or 1) > 1 else 0
# Sets per INSERT statement of an import: one statement of many rows binds and steps once
# for them all (14 x 64 parameters, under SQLite's oldest limit of 999).
ROWS_PER_INSERT = 64

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

    @contextlib.contextmanager
    def bulk_import(self, *, create_athletes: bool = True) -> Iterator[SetImport]:
        """One write transaction for adding many sets through the `SetImport` it yields.

        A set already present (same athlete, drill, performed_at, set number and side, in
        the database or earlier in the same import) is skipped. Athletes not yet here are
        created when `create_athletes`; otherwise the batch lists them in `missing` and
        inserts nothing more (the caller then raises to write nothing). If the body raises
        (a bad row), nothing at all is written. Into an empty sets table the indexes are
        dropped and rebuilt after the rows, inside the same transaction (several times
        faster than updating them row by row).
        """
        with self._written_once(), self.write():
            batch = SetImport(self, create_athletes=create_athletes)
            yield batch
            batch.finish()

    @contextlib.contextmanager
    def _written_once(self) -> Iterator[None]:
        """Into a log this opening created, the import's pages go through a rollback
        journal, written once, instead of into the write-ahead log and then again into the
        file when it is checkpointed: 43 MB twice for 200,000 sets, about 60 ms. As safe: a
        crash rolls the import back either way. An older log keeps WAL, so a refused import
        leaves its file as it was, byte for byte (a switch rewrites the file's header). Only
        while no other connection has the file open (SQLite refuses at once otherwise, and
        the import stays in WAL); WAL is set back after, and every opening sets it too
        (`open_connection`)."""
        conn = self.db.conn
        try:
            switched = (
                getattr(conn, "created", False)
                and conn.execute("SELECT NOT EXISTS (SELECT 1 FROM sets)").fetchone()[0]
                and _journal_mode(conn, "delete")
            )
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) from exc
        try:
            yield
        finally:
            if switched:
                with contextlib.suppress(sqlite3.Error):  # busy: the next opening sets WAL
                    _journal_mode(conn, "wal")


class SetImport:
    """Adds sets inside `CsvMixin.bulk_import`'s transaction; `added` counts the new ones."""

    INSERT = (
        "INSERT OR IGNORE INTO sets (athlete_id, exercise_id, performed_at, session_date, "
        "set_number, side, reps, load, unit, load_kg, rom_level, rpe, pain, note) VALUES "
    )
    ONE_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    INSERT_ONE = INSERT + ONE_ROW
    INSERT_MANY = INSERT + ", ".join([ONE_ROW] * ROWS_PER_INSERT)
    BATCH_ROWS = 50_048  # a multiple of ROWS_PER_INSERT

    def __init__(self, store: CsvMixin, *, create_athletes: bool = True) -> None:
        self.store = store
        self.create_athletes = create_athletes
        self.added = 0  # new sets
        self.rows = 0  # sets offered, new or not
        self.missing: list[str] = []  # athletes named but not here (when not creating)
        self.named: dict[int, tuple[str, bool]] = {}  # athlete id -> (name, created here)
        self.added_by_athlete: dict[int, int] = {}  # athlete id -> new sets (after finish)
        self._ids: dict[str, int] = {}
        self._dropped: list[tuple[str, str, bool, list[str]]] = []
        conn = store.db.conn
        try:
            self._last_id = conn.execute("SELECT ifnull(MAX(id), 0) FROM sets").fetchone()[0]
            if conn.execute("SELECT NOT EXISTS (SELECT 1 FROM sets)").fetchone()[0]:
                self._drop_indexes()
        except sqlite3.Error as exc:
            raise translate_error(exc, store.path) from exc

    def athlete_id(self, name: str) -> int:
        """The id of the athlete called `name` (case-insensitive); one not here yet is
        created, or (when the batch does not create athletes) added to `missing`, with 0."""
        key = name.casefold()
        found = self._ids.get(key)
        if found is None:
            person = self.store.find_athlete(name)
            if person is not None:
                found = person.id
                self.named[found] = (person.name, False)
            elif self.create_athletes:
                found = self.store._athlete_id(name)
                self.named[found] = (self.store.get_athlete(found).name, True)
            else:
                found = 0
                self.missing.append(name.strip())
            self._ids[key] = found
        return found

    def add(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Insert `rows`: (athlete id, *IMPORT_COLUMNS) tuples, in batches, in their order.
        Once an athlete is `missing`, the rest are only read (so every missing name is
        found), not written. The garbage collector waits meanwhile: the rows hold no
        cycles, and its passes over a batch's tuples would cost more than the batch."""
        conn = self.store.db.conn
        rows = iter(rows)
        collecting = gc.isenabled()
        gc.disable()
        try:
            while batch := list(itertools.islice(rows, self.BATCH_ROWS)):
                self.rows += len(batch)
                if not self.missing:
                    self._insert(conn, batch)
        except sqlite3.Error as exc:
            raise translate_error(exc, self.store.path) from exc
        finally:
            if collecting:
                gc.enable()

    def _insert(self, conn: sqlite3.Connection, batch: list[tuple[Any, ...]]) -> None:
        """Insert `batch` in order: ROWS_PER_INSERT rows a statement, then the rest."""
        whole = len(batch) - len(batch) % ROWS_PER_INSERT
        if whole:
            flat = itertools.chain.from_iterable
            groups = (
                tuple(flat(batch[at : at + ROWS_PER_INSERT]))
                for at in range(0, whole, ROWS_PER_INSERT)
            )
            self.added += conn.executemany(self.INSERT_MANY, groups).rowcount
        if whole < len(batch):
            self.added += conn.executemany(self.INSERT_ONE, batch[whole:]).rowcount

    def finish(self) -> None:
        """Rebuild dropped indexes; duplicates a dropped unique index let in are removed
        (the first one kept, as INSERT OR IGNORE would have done). SQLite may sort each
        index with a helper thread meanwhile (PRAGMA threads), when there is a second core."""
        conn = self.store.db.conn
        try:
            threads = conn.execute("PRAGMA threads").fetchone()[0]
            conn.execute(f"PRAGMA threads = {SORT_THREADS}")
            try:
                for _name, sql, unique, terms in self._dropped:
                    try:
                        conn.execute(sql)
                    except sqlite3.IntegrityError:
                        if not unique:
                            raise
                        self.added -= self._delete_duplicates(terms)
                        conn.execute(sql)
            finally:
                conn.execute(f"PRAGMA threads = {int(threads)}")
            if self.added:
                self.added_by_athlete = dict(
                    conn.execute(
                        "SELECT athlete_id, COUNT(*) FROM sets WHERE id > ? GROUP BY athlete_id",
                        [self._last_id],
                    ).fetchall()
                )
        except sqlite3.Error as exc:
            raise translate_error(exc, self.store.path) from exc
        self._dropped = []

    def _drop_indexes(self) -> None:
        """Drop the sets table's indexes, remembering how to rebuild them."""
        conn = self.store.db.conn
        unique = {row[1]: bool(row[2]) for row in conn.execute("PRAGMA index_list(sets)")}
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = 'sets' AND sql IS NOT NULL ORDER BY name"
        ).fetchall():
            self._dropped.append((name, sql, unique[name], index_terms(sql)))
            conn.execute(f'DROP INDEX "{name}"')

    def _delete_duplicates(self, terms: list[str]) -> int:
        """Delete every row whose index `terms` (none NULL) repeat an earlier row's; the
        count. A term is a column or an expression, as the index names it."""
        key = ", ".join(f"({term})" for term in terms)
        not_null = " AND ".join(f"({term}) IS NOT NULL" for term in terms)
        cursor = self.store.db.conn.execute(
            f"DELETE FROM sets WHERE {not_null} "
            f"AND id NOT IN (SELECT MIN(id) FROM sets GROUP BY {key})"
        )
        return cursor.rowcount


def _journal_mode(conn: sqlite3.Connection, mode: str) -> bool:
    """Set the journal mode; whether it took (False when another connection has the file
    open, which SQLite reports as "database is locked", at once)."""
    try:
        return bool(conn.execute(f"PRAGMA journal_mode={mode}").fetchone()[0] == mode)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return False
        raise


def index_terms(sql: str) -> list[str]:
    """The key terms of a `CREATE [UNIQUE] INDEX ... ON table (term, ...)` statement, as
    written (a column, or an expression such as `ifnull(side, '')`), collations kept and
    ASC/DESC dropped: what a GROUP BY needs to find the rows the index counts as equal."""
    start = sql.index("(", sql.upper().index(" ON "))
    terms, depth, quote, begun = [], 0, "", start + 1
    for at in range(start, len(sql)):
        char = sql[at]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"`[":
            quote = "]" if char == "[" else char
        elif char == "(":
            depth += 1
        elif char == ")" or (char == "," and depth == 1):
            if char == ")":
                depth -= 1
            if depth <= 1 and (char == "," or depth == 0):
                terms.append(sql[begun:at].strip())
                begun = at + 1
            if depth == 0:
                break
    return [re.sub(r"\s+(ASC|DESC)$", "", term, flags=re.IGNORECASE) for term in terms]
