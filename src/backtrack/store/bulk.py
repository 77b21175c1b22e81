"""Many sets added at once (`backtrack import`), with sqlite3 alone.

`bulk_import` opens one write transaction on a connection and yields the `SetImport` that
adds the sets; the Store (`csv_io.CsvMixin.bulk_import`) and `QuickImport` both go through
it. `QuickImport` is what the import command uses when the catalog passes the quick check
(`catalog_quick.py`): the file opened by the same `open_connection`, the rows checked by the
same `export.read_sets`, written by the same `SetImport`, but neither pydantic nor
sqlite-utils loaded, which cost the command about 85 ms.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backtrack.clock import Clock, SystemClock
from backtrack.store.connection import open_connection, transaction, translate_error
from backtrack.store.formats import iso_utc, validate_athlete_name
from backtrack.text import strip_controls

if TYPE_CHECKING:
    from backtrack.catalog_quick import QuickCatalog

# Helper threads SQLite may use to sort an index being built (0 on one core).
SORT_THREADS = 1 if (os.cpu_count() or 1) > 1 else 0
# Sets per INSERT statement of an import: one statement of many rows binds and steps once
# for them all (14 x 64 parameters, under SQLite's oldest limit of 999).
ROWS_PER_INSERT = 64


def find_athlete_row(conn: sqlite3.Connection, name: str) -> tuple[int, str] | None:
    """(id, name as stored) of the athlete called `name` (case-insensitive, control
    characters ignored), or None: the lookup of `AthletesMixin.find_athlete`."""
    row = conn.execute(
        "SELECT id, name FROM athletes WHERE name = ?", [strip_controls(name).strip()]
    ).fetchone()
    return (int(row[0]), str(row[1])) if row else None


def add_athlete_row(
    conn: sqlite3.Connection, name: str, unit: str, now: datetime
) -> tuple[int, str]:
    """Add the athlete called `name` (checked: InvalidValue) with `unit`; (id, name as
    stored). Inside the caller's write transaction; the Store adds athletes with it too."""
    cleaned = validate_athlete_name(name)
    cursor = conn.execute(
        "INSERT INTO athletes (name, unit, created_at) VALUES (?, ?, ?)",
        [cleaned, unit, iso_utc(now)],
    )
    assert cursor.lastrowid is not None  # an INSERT into a rowid table always has one
    return cursor.lastrowid, cleaned


class QuickImport:
    """An open database and the quick catalog: what `export.import_file` needs (see the
    module's notes)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        catalog: QuickCatalog,
        clock: Clock | None = None,
    ) -> None:
        self.conn = conn
        self.path = path
        self.catalog = catalog
        self.clock: Clock = clock or SystemClock()

    @classmethod
    @contextlib.contextmanager
    def opened(
        cls, path: Path, catalog: QuickCatalog, clock: Clock | None = None
    ) -> Iterator[QuickImport]:
        """The database at `path` opened (created, checked, migrated, backed up daily, as
        the Store opens it) for one import, closed after it."""
        target = cls(open_connection(path, clock=clock), path, catalog, clock)
        try:
            yield target
        finally:
            target.conn.close()

    def bulk_import(
        self, *, create_athletes: bool = True
    ) -> contextlib.AbstractContextManager[SetImport]:
        """See `bulk_import`."""
        return bulk_import(self.conn, self.path, self.clock, create_athletes=create_athletes)


@contextlib.contextmanager
def bulk_import(
    conn: sqlite3.Connection, path: Path, clock: Clock, *, create_athletes: bool = True
) -> Iterator[SetImport]:
    """One write transaction for adding many sets through the `SetImport` it yields.

    A set already present (same athlete, drill, performed_at, set number and side, in
    the database or earlier in the same import) is skipped. Athletes not yet here are
    created when `create_athletes`; otherwise the batch lists them in `missing` and
    inserts nothing more (the caller then raises to write nothing). If the body raises
    (a bad row), nothing at all is written. Into an empty sets table the indexes are
    dropped and rebuilt after the rows, inside the same transaction (several times
    faster than updating them row by row).
    """
    with _written_once(conn, path), transaction(conn, path):
        batch = SetImport(conn, path, clock, create_athletes=create_athletes)
        yield batch
        batch.finish()


@contextlib.contextmanager
def _written_once(conn: sqlite3.Connection, path: Path) -> Iterator[None]:
    """Into a log this opening created, the import's pages go through a rollback
    journal, written once, instead of into the write-ahead log and then again into the
    file when it is checkpointed: 43 MB twice for 200,000 sets, about 60 ms. As safe: a
    crash rolls the import back either way. An older log keeps WAL, so a refused import
    leaves its file as it was, byte for byte (a switch rewrites the file's header). Only
    while no other connection has the file open (SQLite refuses at once otherwise, and
    the import stays in WAL); WAL is set back after, and every opening sets it too
    (`open_connection`)."""
    try:
        switched = (
            getattr(conn, "created", False)
            and not conn.in_transaction  # (the mode cannot change inside one)
            and conn.execute("SELECT NOT EXISTS (SELECT 1 FROM sets)").fetchone()[0]
            and _journal_mode(conn, "delete")
        )
    except sqlite3.Error as exc:
        raise translate_error(exc, path) from exc
    try:
        yield
    finally:
        if switched:
            with contextlib.suppress(sqlite3.Error):  # busy: the next opening sets WAL
                _journal_mode(conn, "wal")


class SetImport:
    """Adds sets inside `bulk_import`'s transaction; `added` counts the new ones."""

    INSERT = (
        "INSERT OR IGNORE INTO sets (athlete_id, exercise_id, performed_at, session_date, "
        "set_number, side, reps, load, unit, load_kg, rom_level, rpe, pain, note) VALUES "
    )
    ONE_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    INSERT_ONE = INSERT + ONE_ROW
    INSERT_MANY = INSERT + ", ".join([ONE_ROW] * ROWS_PER_INSERT)
    BATCH_ROWS = 50_048  # a multiple of ROWS_PER_INSERT

    def __init__(
        self, conn: sqlite3.Connection, path: Path, clock: Clock, *, create_athletes: bool = True
    ) -> None:
        self.conn = conn
        self.path = path
        self.clock = clock
        self.create_athletes = create_athletes
        self.added = 0  # new sets
        self.rows = 0  # sets offered, new or not
        self.missing: list[str] = []  # athletes named but not here (when not creating)
        self.named: dict[int, tuple[str, bool]] = {}  # athlete id -> (name, created here)
        self.added_by_athlete: dict[int, int] = {}  # athlete id -> new sets (after finish)
        self._ids: dict[str, int] = {}
        self._dropped: list[tuple[str, str, bool, list[str]]] = []
        try:
            self._last_id = conn.execute("SELECT ifnull(MAX(id), 0) FROM sets").fetchone()[0]
            if conn.execute("SELECT NOT EXISTS (SELECT 1 FROM sets)").fetchone()[0]:
                self._drop_indexes()
        except sqlite3.Error as exc:
            raise translate_error(exc, path) from exc

    def athlete_id(self, name: str) -> int:
        """The id of the athlete called `name` (case-insensitive); one not here yet is
        created, or (when the batch does not create athletes) added to `missing`, with 0."""
        key = name.casefold()
        found = self._ids.get(key)
        if found is None:
            try:
                row = find_athlete_row(self.conn, name)
                if row is not None:
                    found = row[0]
                    self.named[found] = (row[1], False)
                elif self.create_athletes:
                    found, stored = add_athlete_row(self.conn, name, "kg", self.clock.now())
                    self.named[found] = (stored, True)
                else:
                    found = 0
                    self.missing.append(name.strip())
            except sqlite3.Error as exc:
                raise translate_error(exc, self.path) from exc
            self._ids[key] = found
        return found

    def add(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Insert `rows`: (athlete id, *IMPORT_COLUMNS) tuples, in batches, in their order.
        Once an athlete is `missing`, the rest are only read (so every missing name is
        found), not written. The garbage collector waits meanwhile: the rows hold no
        cycles, and its passes over a batch's tuples would cost more than the batch."""
        conn = self.conn
        rows = iter(rows)
        collecting = gc.isenabled()
        gc.disable()
        try:
            while batch := list(itertools.islice(rows, self.BATCH_ROWS)):
                self.rows += len(batch)
                if not self.missing:
                    self._insert(conn, batch)
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) from exc
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
        conn = self.conn
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
            raise translate_error(exc, self.path) from exc
        self._dropped = []

    def _drop_indexes(self) -> None:
        """Drop the sets table's indexes, remembering how to rebuild them."""
        conn = self.conn
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
        cursor = self.conn.execute(
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
