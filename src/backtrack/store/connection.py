"""Opening the database file: creation, health checks, locks, and errors in words.

Everything that touches the file before the log is read lives here: the one-step creation of
a new file, the read-only checks of an existing one (header, size, `PRAGMA quick_check`,
schema), the busy timeout, the migrations and the daily backup taken on opening, and the
translation of sqlite3 errors into one-line StoreErrors. `StoreBase` holds an open
connection and the transaction and query helpers every part of the Store builds on.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from backtrack.catalog import Catalog
from backtrack.clock import Clock, SystemClock
from backtrack.durable import fsync_path
from backtrack.errors import DatabaseBusy, DatabaseDamaged, StoreError
from backtrack.store.backup import (
    SQLITE_HEADER,
    BackupError,
    daily_backup_due,
    keep_count,
    make_backup,
    open_checked_backup,
    prune,
    restore_hint,
)
from backtrack.store.schema_state import applied_names, create_from_snapshot, schema_gap

if TYPE_CHECKING:  # sqlite-utils loads when a Store opens, a file is made or migrated
    from backtrack.store.sqlite_lib import Database

BUSY_TIMEOUT_SECONDS = 5.0
BUSY_TIMEOUT_ENV = "BACKTRACK_BUSY_TIMEOUT"
# A file up to this size gets a full `PRAGMA quick_check` at every open (a few ms: about
# 150,000 sets). A bigger one gets it on the first open of each local day, with the daily
# backup, and before a migration; other opens check the header, size and schema only
# (quick_check of a 1M-set, 215 MB file takes about 0.2 s).
QUICK_CHECK_EVERY_OPEN_BYTES = 32 * 1024 * 1024
# Tables SQLite or sqlite-utils make on their own: a file with only these is no one's log yet.
OWN_TABLES = {"_sqlite_migrations", "sqlite_sequence", "sqlite_stat1", "sqlite_stat4"}


def busy_timeout_seconds() -> float:
    """The busy timeout in seconds: env BACKTRACK_BUSY_TIMEOUT (0-3600) if set, else 5."""
    text = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    if not text:
        return BUSY_TIMEOUT_SECONDS
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 3600:
        raise StoreError(f"{BUSY_TIMEOUT_ENV}={text!r} is not a number of seconds from 0 to 3600")
    return value


def damaged(path: Path, what: str) -> DatabaseDamaged:
    """The one-line refusal of a damaged file: names it, the newest backup and the fix."""
    return DatabaseDamaged(f"database {path} {what}; it was left untouched. {restore_hint(path)}")


def newer_schema(path: Path, unknown: list[str]) -> StoreError:
    """The refusal of a file written by a newer backtrack (its newest unknown migration)."""
    return StoreError(
        f"database {path} was written by a newer backtrack (schema {unknown[-1]}); "
        "upgrade backtrack to open it. It was left untouched"
    )


def translate_error(exc: sqlite3.Error, path: Path | str) -> StoreError:
    """Turn a sqlite3 error into a StoreError whose message says what to do."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return DatabaseBusy(
            f"database {path} is busy: another backtrack is writing to it; try again"
        )
    if "not a database" in text or "malformed" in text:
        if str(path) == ":memory:":
            return DatabaseDamaged(f"database {path} is damaged ({text})")
        return damaged(Path(path), f"is damaged ({text})")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"database {path} is read-only: {text}")
    if "disk is full" in text:
        return StoreError(f"cannot write database {path}: the disk is full ({text})")
    if "disk I/O" in text:
        return StoreError(f"cannot write database {path}: disk I/O error (is the disk full?)")
    if "unable to open" in text:
        return StoreError(f"cannot open database {path}: {text} (check the folder's permissions)")
    return StoreError(f"database error in {path}: {text}")


# -- files this process holds open ------------------------------------------------------------

# The database files this process has connections to, by (device, inode), with how many.
# Closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's
# included: after a plain open() and close() of the file here, another process closing its
# connection would find no one else on the file, take this process's WAL for unused and
# delete it, and what is written here afterwards would be lost to everyone else. So a file
# this process already holds is never read raw again (`open_database` skips its header
# check; SQLite has it open and checks it).
_HELD: dict[tuple[int, int], int] = {}
_HELD_LOCK = threading.Lock()


def _file_key(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _held(path: Path) -> bool:
    """Whether this process has a connection open to the file at `path`."""
    key = _file_key(path)
    with _HELD_LOCK:
        return key is not None and _HELD.get(key, 0) > 0


class _HeldConnection(sqlite3.Connection):
    """A connection counted among the holders of its file (see _HELD) until it is closed."""

    _held_key: tuple[int, int] | None = None
    created = False  # this connection's opening created the file (`open_connection`)

    def hold(self, path: Path) -> None:
        """Count this connection as a holder of the file at `path`."""
        key = _file_key(path)
        if key is None or self._held_key is not None:
            return
        with _HELD_LOCK:
            _HELD[key] = _HELD.get(key, 0) + 1
        self._held_key = key

    def close(self) -> None:
        key, self._held_key = self._held_key, None
        try:
            super().close()
        finally:
            if key is not None:
                with _HELD_LOCK:
                    left = _HELD.get(key, 1) - 1
                    if left > 0:
                        _HELD[key] = left
                    else:
                        _HELD.pop(key, None)


# -- the file, before SQLite opens it for writing ------------------------------------------


def _check_file_is_database(path: Path) -> None:
    """Refuse a file that is empty, not SQLite or truncated, without opening it for writing."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
        size = path.stat().st_size
        wal = Path(f"{path}-wal")
        wal_size = wal.stat().st_size if wal.exists() else 0
    except OSError as exc:
        raise StoreError(f"cannot read database {path}: {exc.strerror or exc}") from exc
    if not header.startswith(SQLITE_HEADER):
        what = "is empty" if not header else "is not a SQLite database"
        raise damaged(path, what)
    if len(header) < 100:
        raise damaged(path, "is truncated (shorter than a SQLite header)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is valid when the change counter matches "version valid for"; with no
    # WAL beside it the file alone must hold every page.
    if header[24:28] == header[92:96] and wal_size == 0 and size < pages * page_size:
        raise damaged(path, f"is truncated ({size} bytes, its header says {pages * page_size})")


def _check_folder(path: Path) -> None:
    """Refuse early, with a clear message, a folder where the journal files cannot be made."""
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise StoreError(
            f"cannot write in {path.parent} (read-only or permission denied): backtrack "
            f"keeps its journal files beside {path.name}"
        )
    # A read-only file would make SQLite leave read-only -wal/-shm behind, which keep the
    # database read-only even after the file's mode is fixed: refuse before opening it.
    for side in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if side.exists() and not os.access(side, os.R_OK | os.W_OK):
            raise StoreError(
                f"cannot write {side} (read-only or permission denied); it was left untouched"
            )


def _create_database(path: Path) -> bool:
    """Create an empty, migrated database at `path` in one step; False if another won.

    The file is built under a temporary name in the same folder and then linked into place,
    so a crash (kill -9) at any moment never leaves an empty or half-made file at `path`.
    The folder (0700) and file (0600) are private to the user. The temporary file is
    flock-ed while it is built, so a later open can tell a crashed creator's leftover
    (see `_remove_dead_temp_files`).
    """
    folder = path.parent
    old_umask = os.umask(0o077)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=folder)
        try:
            _flock(handle)
            conn = sqlite3.connect(temp_name)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                if not create_from_snapshot(conn):  # (schema.sql of other migrations)
                    from backtrack.store.migrations import migrations
                    from backtrack.store.sqlite_lib import Database

                    migrations.apply(Database(conn, execute_plugins=False))
            finally:
                conn.close()
            fsync_path(temp_name)
            try:
                os.link(temp_name, path)
            except FileExistsError:
                return False
            except OSError:
                # A file system without hard links: rename, unless someone was quicker.
                if path.exists():
                    return False
                os.replace(temp_name, path)
            fsync_path(folder)
            return True
        finally:
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temp_name + suffix)
            os.close(handle)
    finally:
        os.umask(old_umask)


def _flock(handle: int) -> None:
    """Hold an exclusive flock on `handle` (where the platform has flock)."""
    try:
        import fcntl

        fcntl.flock(handle, fcntl.LOCK_EX)
    except (ImportError, OSError):
        pass


def _remove_dead_temp_files(path: Path) -> None:
    """Remove what a creation killed mid-way left behind (`.backtrack.db.*.new` and sides).

    A live creator holds the flock on its temporary file, so one whose lock can be taken
    belongs to a process that died.
    """
    try:
        import fcntl
    except ImportError:
        return
    prefix = f".{path.name}."
    try:
        names = [
            e.name
            for e in os.scandir(path.parent)
            if e.name.startswith(prefix) and e.name.endswith(".new")
        ]
    except OSError:
        return
    for name in names:
        temp = str(path.parent / name)
        try:
            handle = os.open(temp, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a live creator holds it (or locks are unsupported: leave it)
        finally:
            os.close(handle)
        for suffix in ("-wal", "-shm", "-journal", ""):
            with contextlib.suppress(OSError):
                os.unlink(temp + suffix)


def _recover_rollback_journal(path: Path, timeout: float) -> None:
    """A rollback journal beside the file: a writer using one (an import into a file its
    opening created: store/bulk.py) stopped mid-transaction. SQLite rolls it back on the
    first read, but only through a connection that may write; the read-only checks below
    would be refused ("attempt to write a readonly database"). So read once that way first:
    the file is as it was before that transaction. (A writer still at work holds its lock:
    this waits for it, as any reader would.)"""
    try:
        conn = sqlite3.connect(path, timeout=timeout, check_same_thread=False)
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise translate_error(exc, path) from exc


def _check_health(path: Path, timeout: float, *, full_check: bool) -> list[str]:
    """Check an existing file read-only, before anything writes to it.

    Runs `PRAGMA quick_check` when `full_check` or a migration is pending, and always reads
    the schema. Refuses (file untouched) a damaged file, a SQLite file that is not
    backtrack's and one written by a newer backtrack. Returns the pending migrations.
    """
    try:
        conn = sqlite3.connect(
            f"{path.absolute().as_uri()}?mode=ro",
            uri=True,
            timeout=timeout,
            check_same_thread=False,
        )
    except sqlite3.Error as exc:
        raise translate_error(exc, path) from exc
    try:
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        applied = applied_names(conn)
        pending, unknown = schema_gap(applied)
        if full_check or pending:
            problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
            if problems != ["ok"]:
                raise damaged(path, f"is damaged (quick_check: {problems[0]})")
    except sqlite3.Error as exc:
        raise translate_error(exc, path) from exc
    finally:
        conn.close()
    if unknown:
        raise newer_schema(path, unknown)
    if tables - OWN_TABLES and not applied:
        raise StoreError(
            f"{path} is a SQLite database but not a backtrack one; it was left untouched "
            "(give another --db)"
        )
    return pending


# -- opening ------------------------------------------------------------------------------


def open_database(
    path: Path,
    *,
    busy_timeout: float | None = None,
    clock: Clock | None = None,
    maintenance: bool = True,
    full_check: bool = False,
) -> Database:
    """`open_connection`'s connection in a sqlite-utils Database, as the Store holds it."""
    from backtrack.store.sqlite_lib import Database

    conn = open_connection(
        path, busy_timeout=busy_timeout, clock=clock, maintenance=maintenance, full_check=full_check
    )
    try:
        return Database(conn, execute_plugins=False)
    except BaseException:
        conn.close()
        raise


def open_connection(
    path: Path,
    *,
    busy_timeout: float | None = None,
    clock: Clock | None = None,
    maintenance: bool = True,
    full_check: bool = False,
) -> sqlite3.Connection:
    """Open (creating it and its folder on first use) the database at `path`, migrated.

    A new file is created in one step (never left empty or half-made by a crash), private
    to the user (0600, folder 0700). An existing file is checked read-only first: one that
    is damaged (header, size, `PRAGMA quick_check`), not backtrack's or from a newer
    backtrack is refused and never modified; a damaged one's message names the newest
    backup. A file over QUICK_CHECK_EVERY_OPEN_BYTES gets `quick_check` only on the day's
    first open, before a migration, or with `full_check` (the app, which opens behind its
    first frame, always asks for it). Before a migration, and (with `maintenance`) on the
    first open of each local day, an online backup goes into backups/ beside the file (see
    backup.py).

    The connection runs in WAL mode with synchronous=FULL, foreign keys on and a busy
    timeout (`busy_timeout`, default env BACKTRACK_BUSY_TIMEOUT or 5 s), and may be used
    from a worker thread. Raises StoreError with a one-line message on any problem.
    sqlite-utils loads only to make a new file or to migrate one (see schema_state.py).
    """
    path = Path(path).expanduser()
    timeout = busy_timeout_seconds() if busy_timeout is None else busy_timeout
    now = (clock or SystemClock()).now()
    try:
        created = _create_database(path) if not path.exists() else False
        _check_folder(path)
        _remove_dead_temp_files(path)
        if not created and Path(f"{path}-journal").exists():
            _recover_rollback_journal(path, timeout)
        if not _held(path):  # (reading a file held here would drop its locks: see _HELD)
            _check_file_is_database(path)
        daily = maintenance and not created and daily_backup_due(path, now)
        small = path.stat().st_size <= QUICK_CHECK_EVERY_OPEN_BYTES
        _check_health(path, timeout, full_check=full_check or daily or small)
        old_umask = os.umask(0o077)
        try:
            conn = sqlite3.connect(
                str(path), timeout=timeout, check_same_thread=False, factory=_HeldConnection
            )
        finally:
            os.umask(old_umask)
    except OSError as exc:
        raise StoreError(f"cannot open database {path}: {exc.strerror or exc}") from exc
    except sqlite3.Error as exc:
        raise translate_error(exc, path) from exc
    try:
        # (sqlite-utils' Database, which the Store wraps this in, turns recursive triggers
        # on; the schema has no trigger, and a connection that migrates gets it here too.)
        conn.execute("PRAGMA recursive_triggers=on")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        pending, unknown = schema_gap(applied_names(conn))
        if unknown:  # a newer backtrack migrated it since the read-only check
            raise newer_schema(path, unknown)
        if pending or daily:
            make_backup(conn, path, now, tag=f"before-{pending[0]}" if pending else None)
        if pending:
            from backtrack.store.migrations import migrations
            from backtrack.store.sqlite_lib import Database

            migrations.apply(Database(conn, execute_plugins=False))
        conn.hold(path)
        conn.created = created
    except StoreError:
        conn.close()
        raise
    except sqlite3.Error as exc:
        conn.close()
        raise translate_error(exc, path) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def backup_now(db_path: Path, *, keep: int | None = None, clock: Clock | None = None) -> Path:
    """Make a backup of the database at `db_path` now (``backtrack backup``); return its path.

    The database is opened (and so checked) first; the new copy is then integrity-checked,
    so a damaged database never pushes a good backup out of the newest `keep`.
    """
    db_path = Path(db_path).expanduser()
    if not db_path.exists():
        raise BackupError(f"there is no database at {db_path} to back up")
    keep = keep_count(keep)
    now = (clock or SystemClock()).now()
    db = open_database(db_path, clock=clock, maintenance=False)
    try:
        # Keep one more while checking, so the copy never removes a good backup before it passes.
        target = make_backup(db.conn, db_path, now, tag="manual", keep=keep + 1)
    finally:
        db.close()
    try:
        open_checked_backup(target).close()
    except BackupError:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        raise
    prune(db_path, keep)
    return target


def _roll_back(conn: sqlite3.Connection) -> None:
    """Roll back the open transaction on `conn`, if one is still open."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection, path: Path) -> Iterator[None]:
    """A write transaction on `conn` taken up front (BEGIN IMMEDIATE), committed on exit,
    rolled back on an error. Nested use joins the outer transaction. sqlite3 errors come out
    as StoreError (naming `path`)."""
    if conn.in_transaction:
        yield
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise translate_error(exc, path) from exc
    try:
        yield
    except BaseException:
        _roll_back(conn)
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        _roll_back(conn)
        raise translate_error(exc, path) from exc


class StoreBase:
    """An open backtrack database for the catalog's drills, with the helpers every part of
    the Store uses: one write transaction at a time, and queries whose sqlite3 errors come
    out as one-line StoreErrors."""

    def __init__(
        self, db: Database, catalog: Catalog, clock: Clock | None = None, path: Path | None = None
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.clock: Clock = clock or SystemClock()
        self.path = path or Path(
            db.conn.execute("PRAGMA database_list").fetchone()[2] or ":memory:"
        )

    @classmethod
    def open(
        cls,
        path: Path,
        catalog: Catalog,
        clock: Clock | None = None,
        *,
        maintenance: bool = True,
        full_check: bool = False,
    ) -> Self:
        """Open the database at `path` (see `open_database`; `maintenance` = daily backup,
        `full_check` = `PRAGMA quick_check` whatever the file's size)."""
        database = open_database(path, clock=clock, maintenance=maintenance, full_check=full_check)
        return cls(database, catalog, clock, Path(path))

    def close(self) -> None:
        """Close the connection; committed data is already on disk."""
        self.db.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[Database]:
        """A write transaction taken up front (BEGIN IMMEDIATE), committed on exit.

        Nested use joins the outer transaction. sqlite3 errors come out as StoreError.
        """
        with transaction(self.db.conn, self.path):
            yield self.db

    def _rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        """Every row of a query, as dicts by column name."""
        try:
            cursor = self.db.conn.execute(sql, params)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor]
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) from exc

    def _one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        """The first row of a query, or None."""
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def _exec(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        """Run one statement (autocommitted unless inside `write`)."""
        try:
            return self.db.execute(sql, params)
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) from exc

    def _cursor(self, sql: str, params: Any = ()) -> Iterator[Any]:
        """Stream a query's rows as tuples, errors translated."""
        try:
            yield from self.db.conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) from exc
