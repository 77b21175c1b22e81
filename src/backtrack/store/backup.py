"""Backups of the database in a ``backups/`` folder beside it, and putting one back.

A backup is an online copy made with SQLite's backup API, so it is consistent even while
another backtrack is writing. It goes into a private file (0600) in a private folder (0700),
named by the UTC moment it was taken:

- ``backups/backtrack-2026-11-25T080000Z.db``: the daily one, made on the first open of each
  of the lifter's local days;
- ``backups/backtrack-2026-11-25T080000Z-before-0002_athlete_pins.db``: before a migration;
- ``backups/backtrack-2026-11-25T080000Z-manual.db``: ``backtrack backup``.

Only the newest N backups of a database are kept (``BACKTRACK_BACKUP_KEEP``, default 7).
:func:`restore` checks a backup's integrity first, refuses while another process has the
database open, and keeps the file it replaces as ``backtrack.db.replaced-<UTC moment>``.

It works on files and reads no table of the log: the backup API, the integrity check of a
backup file and the exclusive-lock probe that tells whether another process has the database
open. It imports nothing else of the store but schema_state.py, so opening the database
(connection.py) can make the daily backup without a cycle; ``backup_now``, which opens the
database first, lives in connection.py.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from backtrack.clock import Clock, SystemClock
from backtrack.durable import fsync_path
from backtrack.errors import StoreError
from backtrack.store.schema_state import applied_names, schema_gap

SQLITE_HEADER = b"SQLite format 3\x00"

BACKUP_DIR = "backups"
KEEP_ENV = "BACKTRACK_BACKUP_KEEP"
DEFAULT_KEEP = 7
STAMP_FORMAT = "%Y-%m-%dT%H%M%SZ"
STAMP_LENGTH = len("2026-11-25T080000Z")
# Temporary files of a backup that a crash interrupted are removed once they are this old.
STALE_TEMP_SECONDS = 24 * 3600


class BackupError(StoreError):
    """A backup could not be made or restored; `str()` is one line saying why."""


@dataclass(frozen=True)
class Backup:
    """One backup file and the UTC moment it was taken (from its name)."""

    path: Path
    taken_at: datetime


def backups_dir(db_path: Path) -> Path:
    """The folder holding the backups of the database at `db_path`."""
    return Path(db_path).expanduser().parent / BACKUP_DIR


def keep_count(keep: int | None = None) -> int:
    """How many backups to keep: `keep` if given, else env BACKTRACK_BACKUP_KEEP, else 7."""
    if keep is None:
        text = os.environ.get(KEEP_ENV, "").strip()
        if not text:
            return DEFAULT_KEEP
        try:
            keep = int(text)
        except ValueError:
            raise BackupError(f"{KEEP_ENV}={text!r} is not a whole number") from None
    if keep < 1:
        raise BackupError(f"the number of backups to keep must be 1 or more, not {keep}")
    return keep


def list_backups(db_path: Path) -> list[Backup]:
    """The backups of the database at `db_path`, oldest first (none if the folder is unreadable)."""
    db_path = Path(db_path).expanduser()
    folder = backups_dir(db_path)
    prefix = f"{db_path.stem}-"
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    found: list[tuple[datetime, int, str, Backup]] = []
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".db")):
            continue
        stamp = name[len(prefix) : len(prefix) + STAMP_LENGTH]
        rest = name[len(prefix) + STAMP_LENGTH :]
        if not (rest == ".db" or rest.startswith("-")):
            continue
        try:
            taken = datetime.strptime(stamp, STAMP_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            continue
        try:
            written = (folder / name).stat().st_mtime_ns
        except OSError:
            continue
        found.append((taken, written, name, Backup(folder / name, taken)))
    return [entry[-1] for entry in sorted(found, key=lambda e: e[:3])]


def newest_backup(db_path: Path) -> Path | None:
    """The newest backup of the database at `db_path`, or None."""
    backups = list_backups(db_path)
    return backups[-1].path if backups else None


def restore_hint(db_path: Path) -> str:
    """A sentence naming the newest backup and the command that puts it back."""
    db_path = Path(db_path).expanduser()
    newest = newest_backup(db_path)
    if newest is None:
        return f"No backup was found in {backups_dir(db_path)}."
    return (
        f"Newest backup: {newest}; to put it back run: "
        f"backtrack restore {shlex.quote(str(newest))} --db {shlex.quote(str(db_path))}"
    )


def daily_backup_due(db_path: Path, now: datetime) -> bool:
    """True when no backup of the database was taken on `now`'s local date."""
    today = now.astimezone().date()
    return not any(b.taken_at.astimezone().date() == today for b in list_backups(db_path))


def make_backup(
    conn: sqlite3.Connection,
    db_path: Path,
    now: datetime,
    *,
    tag: str | None = None,
    keep: int | None = None,
) -> Path:
    """Copy the database open on `conn` into a new backup file; return its path.

    The copy is written under a temporary name, synced and then linked into place, so a
    crash leaves no half-made backup under a backup's name. Older backups beyond the newest
    `keep` are removed afterwards. Raises BackupError (nothing half-written) on failure.
    """
    keep = keep_count(keep)
    db_path = Path(db_path).expanduser()
    folder = backups_dir(db_path)
    stamp = now.astimezone(UTC).strftime(STAMP_FORMAT)
    base = f"{db_path.stem}-{stamp}" + (f"-{tag}" if tag else "")
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=folder)
        os.close(handle)
        try:
            copy = sqlite3.connect(temp_name)
            try:
                conn.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")
            finally:
                copy.close()
            fsync_path(temp_name)
            target = _link_free_name(temp_name, folder, base)
            fsync_path(folder)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_name)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot back up {db_path} into {folder}: {exc}") from exc
    except OSError as exc:
        raise BackupError(f"cannot back up {db_path} into {folder}: {exc.strerror or exc}") from exc
    prune(db_path, keep)
    return target


def _link_free_name(temp_name: str, folder: Path, base: str) -> Path:
    """Hard-link the finished temporary file under the first free backup name."""
    for n in range(1, 1000):
        target = folder / (f"{base}.db" if n == 1 else f"{base}-{n}.db")
        try:
            os.link(temp_name, target)
        except FileExistsError:
            continue
        except OSError:
            # A file system without hard links: rename (a same-name race is negligible).
            if target.exists():
                continue
            os.replace(temp_name, target)
        return target
    raise BackupError(f"too many backups named {base} in {folder}")


def prune(db_path: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups (and stale temporary files); return removed."""
    removed = []
    for backup in list_backups(db_path)[:-keep]:
        with contextlib.suppress(FileNotFoundError):
            backup.path.unlink()
            removed.append(backup.path)
    folder = backups_dir(db_path)
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    if time.time() - entry.stat().st_mtime > STALE_TEMP_SECONDS:
                        os.unlink(entry.path)
    return removed


def open_checked_backup(source: Path) -> sqlite3.Connection:
    """Open `source` read-only after checking it is a healthy backtrack database."""
    try:
        with source.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror or exc}") from exc
    if header != SQLITE_HEADER:
        raise BackupError(f"{source} is not a SQLite database; nothing was restored")
    try:
        conn = sqlite3.connect(f"{source.absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot open {source}: {exc}") from exc
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check(3)")]
        if problems != ["ok"]:
            raise BackupError(
                f"{source} fails its integrity check ({problems[0]}); nothing was restored"
            )
        applied = applied_names(conn)
        if not applied:
            raise BackupError(f"{source} is not a backtrack database; nothing was restored")
        _, unknown = schema_gap(applied)
        if unknown:
            what = f"a newer backtrack (schema {unknown[-1]})"
            raise BackupError(f"{source} was written by {what}; nothing was restored")
    except sqlite3.Error as exc:
        conn.close()
        raise BackupError(f"{source} is damaged ({exc}); nothing was restored") from exc
    except BaseException:
        conn.close()
        raise
    return conn


def database_in_use(db_path: Path) -> bool:
    """True when another process has the database at `db_path` open.

    Every open backtrack connection (WAL mode) holds a shared lock on the file, so taking an
    exclusive lock with no wait fails exactly when someone else has it open. A file SQLite
    cannot read (damaged) counts as not in use.
    """
    try:
        probe = sqlite3.connect(str(db_path), timeout=0, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        probe.execute("PRAGMA locking_mode=EXCLUSIVE")
        probe.execute("BEGIN EXCLUSIVE")
        probe.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        text = str(exc)
        return "locked" in text or "busy" in text
    except sqlite3.DatabaseError:
        return False
    finally:
        probe.close()
    return False


def restore(db_path: Path, source: Path, *, clock: Clock | None = None) -> Path | None:
    """Replace the database at `db_path` with a copy of the backup `source`.

    The backup must pass `PRAGMA integrity_check` and be a backtrack database no newer than
    this one. While another process has the database open, nothing happens (BackupError).
    The file replaced (with its -wal and -shm) is kept beside it as
    ``<name>.replaced-<UTC moment>``; its path is returned (None if there was no file).
    """
    db_path = Path(db_path).expanduser()
    source = Path(source).expanduser()
    if not source.is_file():
        raise BackupError(f"backup {source} does not exist; nothing was restored")
    if db_path.exists() and source.resolve() == db_path.resolve():
        raise BackupError(f"{source} is the database itself; name a backup file")
    now = (clock or SystemClock()).now()
    src = open_checked_backup(source)
    temp_name = None
    try:
        if db_path.exists() and database_in_use(db_path):
            raise BackupError(
                f"database {db_path} is open in another backtrack (the app or a running "
                "command); close it and run restore again. Nothing was restored"
            )
        folder = db_path.parent
        old_umask = os.umask(0o077)
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, temp_name = tempfile.mkstemp(
                prefix=f".{db_path.name}.", suffix=".restore", dir=folder
            )
        finally:
            os.umask(old_umask)
        os.close(handle)
        copy = sqlite3.connect(temp_name)
        try:
            src.backup(copy)
        finally:
            copy.close()
        fsync_path(temp_name)
        replaced = _move_aside(db_path, now) if db_path.exists() else None
        try:
            os.replace(temp_name, db_path)
        except OSError:
            if replaced is not None:
                _move_back(replaced, db_path)
            raise
        fsync_path(folder)
        return replaced
    except sqlite3.Error as exc:
        raise BackupError(f"cannot restore {source} to {db_path}: {exc}") from exc
    except OSError as exc:
        raise BackupError(
            f"cannot restore {source} to {db_path}: {exc.strerror or exc}; nothing was restored"
        ) from exc
    finally:
        src.close()
        if temp_name is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_name)


def _move_aside(db_path: Path, now: datetime) -> Path:
    """Rename the database and its -wal/-shm to a free ``.replaced-<moment>`` name."""
    stamp = now.astimezone(UTC).strftime(STAMP_FORMAT)
    for n in range(1, 1000):
        kept = db_path.with_name(f"{db_path.name}.replaced-{stamp}" + (f"-{n}" if n > 1 else ""))
        if not any(Path(f"{kept}{s}").exists() for s in ("", "-wal", "-shm")):
            break
    else:
        raise BackupError(f"too many replaced copies of {db_path}")
    os.rename(db_path, kept)
    for suffix in ("-wal", "-shm"):
        side = Path(f"{db_path}{suffix}")
        if side.exists():
            os.rename(side, Path(f"{kept}{suffix}"))
    return kept


def _move_back(kept: Path, db_path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        side = Path(f"{kept}{suffix}")
        if side.exists():
            with contextlib.suppress(OSError):
                os.rename(side, Path(f"{db_path}{suffix}"))
