"""The SQLite log: the only module that speaks SQL.

One file holds athletes, logged sets, check-ins, current plans and the audit trail of
suggestions. Every public method that writes commits before it returns; multi-row writes
run in one transaction. Times are stored as UTC ISO-8601 text (`2026-11-25T08:15:03Z`),
local calendar dates as `YYYY-MM-DD` fixed when the row is written.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from backtrack.catalog import Catalog
from backtrack.clock import Clock, SystemClock
from backtrack.durable import fsync_path
from backtrack.errors import (  # a module of their own: the CLI catches them without this one
    DatabaseBusy,
    DatabaseDamaged,
    InvalidValue,
    NotFound,
    StoreError,
)
from backtrack.store.migrations import MIGRATION_SET, known_migration_names, migrations
from backtrack.models import Athlete, CheckIn, Exercise, Plan, PlanChange, SetEntry, Suggestion
from backtrack.units import MAX_LOAD_KG, UNITS, Unit, from_kg, to_kg

BUSY_TIMEOUT_SECONDS = 5.0
BUSY_TIMEOUT_ENV = "BACKTRACK_BUSY_TIMEOUT"
# A file up to this size gets a full `PRAGMA quick_check` at every open (a few ms: about
# 150,000 sets). A bigger one gets it on the first open of each local day, with the daily
# backup, and before a migration; other opens check the header, size and schema only
# (quick_check of a 1M-set, 215 MB file takes about 0.2 s).
QUICK_CHECK_EVERY_OPEN_BYTES = 32 * 1024 * 1024
SQLITE_HEADER = b"SQLite format 3\x00"
MAX_NAME_LENGTH = 40


def iso_utc(moment: datetime) -> str:
    """Format an aware datetime as UTC text with whole seconds, e.g. 2026-11-25T08:15:03Z."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: give a time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    """Parse text written by `iso_utc` (or any ISO-8601 with an offset) as aware UTC."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def validate_rpe(rpe: float | None) -> float | None:
    """Return `rpe` if it is 1-10 in 0.5 steps (or None), else raise InvalidValue."""
    if rpe is None:
        return None
    if not 1 <= rpe <= 10 or (rpe * 2) != int(rpe * 2):
        raise InvalidValue("rpe", f"RPE {rpe:g} is not 1-10 in steps of 0.5")
    return float(rpe)


def validate_pain(pain: int | None) -> int | None:
    """Return `pain` if it is a whole number 0-10 (or None), else raise InvalidValue."""
    if pain is None:
        return None
    if isinstance(pain, bool) or int(pain) != pain or not 0 <= pain <= 10:
        raise InvalidValue("pain", f"pain {pain} is not a whole number from 0 to 10")
    return int(pain)


def validate_athlete_name(name: str) -> str:
    """Return the trimmed name if it is 1-40 printable characters, else raise InvalidValue."""
    cleaned = name.strip()
    if not cleaned:
        raise InvalidValue("athlete", "the athlete's name is empty")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidValue("athlete", f"the athlete's name is over {MAX_NAME_LENGTH} characters")
    if any(not ch.isprintable() for ch in cleaned):
        raise InvalidValue("athlete", f"the athlete's name {cleaned!r} has control characters")
    return cleaned


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


def _damaged(path: Path, what: str) -> DatabaseDamaged:
    """The one-line refusal of a damaged file: names it, the newest backup and the fix."""
    from backtrack.store.backup import restore_hint

    return DatabaseDamaged(f"database {path} {what}; it was left untouched. {restore_hint(path)}")


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
        raise _damaged(path, what)
    if len(header) < 100:
        raise _damaged(path, "is truncated (shorter than a SQLite header)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is valid when the change counter matches "version valid for"; with no
    # WAL beside it the file alone must hold every page.
    if header[24:28] == header[92:96] and wal_size == 0 and size < pages * page_size:
        raise _damaged(path, f"is truncated ({size} bytes, its header says {pages * page_size})")


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
        applied: list[str] = []
        if "_sqlite_migrations" in tables:
            applied = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                    [MIGRATION_SET],
                )
            ]
        known = known_migration_names()
        pending = [name for name in known if name not in applied]
        if full_check or pending:
            problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
            if problems != ["ok"]:
                raise _damaged(path, f"is damaged (quick_check: {problems[0]})")
    except sqlite3.Error as exc:
        raise translate_error(exc, path) from exc
    finally:
        conn.close()
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise StoreError(
            f"database {path} was written by a newer backtrack (schema {unknown[-1]}); "
            "upgrade backtrack to open it. It was left untouched"
        )
    own = {"_sqlite_migrations", "sqlite_sequence", "sqlite_stat1", "sqlite_stat4"}
    if tables - own and not applied:
        raise StoreError(
            f"{path} is a SQLite database but not a backtrack one; it was left untouched "
            "(give another --db)"
        )
    return pending


def open_database(
    path: Path,
    *,
    busy_timeout: float | None = None,
    clock: Clock | None = None,
    maintenance: bool = True,
    full_check: bool = False,
) -> Database:
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
    """
    from backtrack.store.backup import daily_backup_due, make_backup

    path = Path(path).expanduser()
    timeout = busy_timeout_seconds() if busy_timeout is None else busy_timeout
    now = (clock or SystemClock()).now()
    try:
        created = _create_database(path) if not path.exists() else False
        _check_folder(path)
        _remove_dead_temp_files(path)
        _check_file_is_database(path)
        daily = maintenance and not created and daily_backup_due(path, now)
        small = path.stat().st_size <= QUICK_CHECK_EVERY_OPEN_BYTES
        _check_health(path, timeout, full_check=full_check or daily or small)
        old_umask = os.umask(0o077)
        try:
            conn = sqlite3.connect(str(path), timeout=timeout, check_same_thread=False)
        finally:
            os.umask(old_umask)
    except OSError as exc:
        raise StoreError(f"cannot open database {path}: {exc.strerror or exc}") from exc
    except sqlite3.Error as exc:
        raise translate_error(exc, path) from exc
    try:
        db = Database(conn, execute_plugins=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        _refuse_newer_schema(db, path)
        pending = [m.name for m in migrations.pending(db)]
        if pending or daily:
            make_backup(conn, path, now, tag=f"before-{pending[0]}" if pending else None)
        if pending:
            migrations.apply(db)
    except StoreError:
        conn.close()
        raise
    except sqlite3.Error as exc:
        conn.close()
        raise translate_error(exc, path) from exc
    except BaseException:
        conn.close()
        raise
    return db


def _refuse_newer_schema(db: Database, path: Path) -> None:
    applied = {m.name for m in migrations.applied(db)}
    unknown = sorted(applied - set(known_migration_names()))
    if unknown:
        raise StoreError(
            f"database {path} was written by a newer backtrack (schema {unknown[-1]}); "
            "upgrade backtrack to open it"
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
        return _damaged(Path(path), f"is damaged ({text})")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"database {path} is read-only: {text}")
    if "disk is full" in text:
        return StoreError(f"cannot write database {path}: the disk is full ({text})")
    if "disk I/O" in text:
        return StoreError(f"cannot write database {path}: disk I/O error (is the disk full?)")
    if "unable to open" in text:
        return StoreError(f"cannot open database {path}: {text} (check the folder's permissions)")
    return StoreError(f"database error in {path}: {text}")


def _plan_json(plan: Plan) -> str:
    return json.dumps(plan.model_dump(mode="json"), sort_keys=True)


class Store:
    """Reads and writes one backtrack database for the catalog's drills."""

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
    ) -> Store:
        """Open the database at `path` (see `open_database`; `maintenance` = daily backup,
        `full_check` = `PRAGMA quick_check` whatever the file's size)."""
        database = open_database(path, clock=clock, maintenance=maintenance, full_check=full_check)
        return cls(database, catalog, clock, Path(path))

    def close(self) -> None:
        """Close the connection; committed data is already on disk."""
        self.db.close()

    # -- transactions ------------------------------------------------------------------

    @contextlib.contextmanager
    def write(self) -> Iterator[Database]:
        """A write transaction taken up front (BEGIN IMMEDIATE), committed on exit.

        Nested use joins the outer transaction. sqlite3 errors come out as StoreError.
        """
        conn = self.db.conn
        if conn.in_transaction:
            yield self.db
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) from exc
        try:
            yield self.db
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise translate_error(exc, self.path) from exc

    def _rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        try:
            cursor = self.db.conn.execute(sql, params)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor]
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) from exc

    def _one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def _exec(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        try:
            return self.db.execute(sql, params)
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) from exc

    # -- athletes ----------------------------------------------------------------------

    def find_athlete(self, name: str) -> Athlete | None:
        """The athlete called `name` (case-insensitive), or None."""
        row = self._one("SELECT * FROM athletes WHERE name = ?", [name.strip()])
        return _athlete(row) if row else None

    def athlete(self, name: str, *, create: bool = True, unit: Unit = "kg") -> Athlete:
        """The athlete called `name`, created (with `unit`) on first use when `create`."""
        found = self.find_athlete(name)
        if found:
            return found
        cleaned = validate_athlete_name(name)
        if not create:
            raise NotFound(f"no athlete named {cleaned!r}")
        with self.write():
            found = self.find_athlete(cleaned)
            if found:
                return found
            self._exec(
                "INSERT INTO athletes (name, unit, created_at) VALUES (?, ?, ?)",
                [cleaned, unit, iso_utc(self.clock.now())],
            )
        result = self.find_athlete(cleaned)
        assert result is not None
        return result

    def athletes(self, *, include_archived: bool = False) -> list[Athlete]:
        """All athletes by name; archived ones only when asked."""
        where = "" if include_archived else "WHERE archived_at IS NULL"
        return [_athlete(r) for r in self._rows(f"SELECT * FROM athletes {where} ORDER BY name")]

    def set_unit(self, athlete: Athlete, unit: Unit) -> Athlete:
        """Change the athlete's display unit."""
        if unit not in UNITS:
            raise InvalidValue("unit", f"unit {unit!r} is not kg or lb")
        self._exec("UPDATE athletes SET unit = ? WHERE id = ?", [unit, athlete.id])
        return athlete.model_copy(update={"unit": unit})

    def get_athlete(self, athlete_id: int) -> Athlete:
        """The athlete with this id as stored now (archived or not); NotFound if none."""
        row = self._one("SELECT * FROM athletes WHERE id = ?", [athlete_id])
        if row is None:
            raise NotFound(f"no athlete with id {athlete_id}")
        return _athlete(row)

    def rename_athlete(self, athlete: Athlete, new_name: str) -> Athlete:
        """Rename the athlete; the new name must be valid and not another athlete's."""
        cleaned = validate_athlete_name(new_name)
        with self.write():
            clash = self.find_athlete(cleaned)
            if clash is not None and clash.id != athlete.id:
                raise InvalidValue("athlete", f"an athlete named {clash.name!r} already exists")
            self._exec("UPDATE athletes SET name = ? WHERE id = ?", [cleaned, athlete.id])
        return self.get_athlete(athlete.id)

    def archive_athlete(self, athlete: Athlete, *, archived: bool = True) -> Athlete:
        """Hide the athlete from the picker and lists, keeping their log (False restores)."""
        stamp = iso_utc(self.clock.now()) if archived else None
        self._exec("UPDATE athletes SET archived_at = ? WHERE id = ?", [stamp, athlete.id])
        return self.get_athlete(athlete.id)

    def set_pin(self, athlete: Athlete, pin: str | None) -> Athlete:
        """Set the athlete's PIN (4-8 digits), or remove it with None.

        Only a salted scrypt hash is stored (see pins.py); raises InvalidValue for a PIN
        that is not 4-8 digits, without repeating it.
        """
        from backtrack.pins import InvalidPin, hash_pin

        try:
            stored = None if pin is None else hash_pin(pin)
        except InvalidPin as exc:
            raise InvalidValue("pin", str(exc)) from None
        self._exec("UPDATE athletes SET pin = ? WHERE id = ?", [stored, athlete.id])
        return self.get_athlete(athlete.id)

    def check_pin(self, athlete: Athlete, pin: str) -> bool:
        """True when `pin` is the athlete's PIN, or the athlete has none. Never waits: the
        delay after a wrong PIN is the caller's (see pins.retry_delay)."""
        from backtrack.pins import verify_pin

        row = self._one("SELECT pin FROM athletes WHERE id = ?", [athlete.id])
        if row is None:
            raise NotFound(f"no athlete with id {athlete.id}")
        return row["pin"] is None or verify_pin(pin, row["pin"])

    # -- plans -------------------------------------------------------------------------

    def plans(self, athlete: Athlete) -> list[Plan]:
        """The athlete's plan for every catalog drill, in plan order.

        Plans are created on first use from the catalog's starting values.
        """
        self._ensure_plans(athlete)
        rows = self._rows(
            "SELECT * FROM plans WHERE athlete_id = ? ORDER BY position, exercise_id",
            [athlete.id],
        )
        return [_plan(r) for r in rows if r["exercise_id"] in self.catalog]

    def plan(self, athlete: Athlete, exercise_id: str) -> Plan:
        """The athlete's current plan for one drill (created on first use)."""
        exercise = self.catalog.get(exercise_id)
        row = self._one(
            "SELECT * FROM plans WHERE athlete_id = ? AND exercise_id = ?",
            [athlete.id, exercise.id],
        )
        if row is None:
            self._ensure_plans(athlete)
            row = self._one(
                "SELECT * FROM plans WHERE athlete_id = ? AND exercise_id = ?",
                [athlete.id, exercise.id],
            )
        assert row is not None
        return _plan(row)

    def _ensure_plans(self, athlete: Athlete) -> None:
        existing = {
            r["exercise_id"]
            for r in self._rows("SELECT exercise_id FROM plans WHERE athlete_id = ?", [athlete.id])
        }
        missing = [e for e in self.catalog if e.id not in existing]
        if not missing:
            return
        now = iso_utc(self.clock.now())
        positions = {e.id: i for i, e in enumerate(self.catalog)}
        with self.write():
            for exercise in missing:
                start = exercise.starting_plan()
                self._exec(
                    "INSERT OR IGNORE INTO plans (athlete_id, exercise_id, position, active, "
                    "sets, reps_min, reps_max, load_kg, rom_level, updated_at) "
                    "VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?)",
                    [
                        athlete.id,
                        exercise.id,
                        positions[exercise.id],
                        start.sets,
                        start.reps_min,
                        start.reps_max,
                        start.load_kg,
                        start.rom_level,
                        now,
                    ],
                )

    def _write_plan(self, athlete: Athlete, plan: Plan) -> None:
        self._exec(
            "UPDATE plans SET active = ?, sets = ?, reps_min = ?, reps_max = ?, load_kg = ?, "
            "rom_level = ?, updated_at = ? WHERE athlete_id = ? AND exercise_id = ?",
            [
                int(plan.active),
                plan.sets,
                plan.reps_min,
                plan.reps_max,
                plan.load_kg,
                plan.rom_level,
                iso_utc(self.clock.now()),
                athlete.id,
                plan.exercise_id,
            ],
        )

    def override_plan(
        self,
        athlete: Athlete,
        exercise_id: str,
        *,
        sets: int | None = None,
        load_kg: float | None = None,
        rom_level: int | None = None,
        active: bool | None = None,
    ) -> Plan:
        """Set a drill's plan by hand (a clinician's override), recorded in the audit trail.

        Any valid value is allowed: sets 1 to the drill's max sets, ROM within its ladder,
        load 0 to its max load. Raises InvalidValue naming the first bad value.
        """
        exercise = self.catalog.get(exercise_id)
        if sets is not None and not 1 <= sets <= exercise.max_sets:
            raise InvalidValue("sets", f"sets {sets} is not 1 to {exercise.max_sets}")
        if rom_level is not None:
            self._check_rom(exercise, rom_level)
        if load_kg is not None and not 0 <= load_kg <= exercise.max_load_kg + 1e-9:
            raise InvalidValue(
                "load", f"load {load_kg:g} kg is not 0 to {exercise.max_load_kg:g} kg"
            )
        with self.write():
            before = self.plan(athlete, exercise.id)
            changes: dict[str, Any] = {}
            for key, value in (
                ("sets", sets),
                ("load_kg", load_kg),
                ("rom_level", rom_level),
                ("active", active),
            ):
                if value is not None:
                    changes[key] = value
            after = before.model_copy(update=changes)
            if after == before:
                return before
            self._write_plan(athlete, after)
            now = iso_utc(self.clock.now())
            self._exec(
                "INSERT INTO suggestions (athlete_id, exercise_id, created_at, source, action, "
                "session_date, plan_before, plan_after, reason, status, decided_at) "
                "VALUES (?, ?, ?, 'clinician', 'override', NULL, ?, ?, ?, 'accepted', ?)",
                [
                    athlete.id,
                    exercise.id,
                    now,
                    _plan_json(before),
                    _plan_json(after),
                    describe_override(exercise, before, after),
                    now,
                ],
            )
        return after

    # -- sets --------------------------------------------------------------------------

    def _check_rom(self, exercise: Exercise, rom_level: int) -> None:
        if not 1 <= rom_level <= exercise.max_rom_level:
            raise InvalidValue(
                "rom",
                f"ROM level {rom_level} is not on the {exercise.name} ladder "
                f"(1 to {exercise.max_rom_level})",
            )

    def log_set(
        self,
        athlete: Athlete,
        exercise_id: str,
        *,
        reps: int,
        load: float | None = None,
        unit: Unit | None = None,
        rom_level: int | None = None,
        rpe: float | None = None,
        pain: int | None = None,
        note: str | None = None,
        at: datetime | None = None,
        session_date: date | None = None,
    ) -> SetEntry:
        """Log one set and commit it before returning.

        Load and ROM default to the plan's; `unit` to the athlete's. `at` defaults to now;
        `session_date` to the local date of `at` (as the lifter lives it, fixed from now on).
        The set number is the next one in that drill's session.
        """
        exercise = self.catalog.get(exercise_id)
        unit = unit or athlete.unit
        if unit not in UNITS:
            raise InvalidValue("unit", f"unit {unit!r} is not kg or lb")
        if isinstance(reps, bool) or not 0 <= reps <= 100:
            raise InvalidValue("reps", f"reps {reps} is not 0 to 100")
        plan = self.plan(athlete, exercise.id)
        if load is None:
            load_kg = plan.load_kg
            load = from_kg(load_kg, unit)
        else:
            if load < 0:
                raise InvalidValue("load", f"load {load:g} {unit} is below 0")
            load_kg = to_kg(load, unit)
        if load_kg >= MAX_LOAD_KG:
            raise InvalidValue("load", f"load {load:g} {unit} is not below 1000 kg")
        rom_level = plan.rom_level if rom_level is None else rom_level
        self._check_rom(exercise, rom_level)
        rpe = validate_rpe(rpe)
        pain = validate_pain(pain)
        note = note if note and note.strip() else None
        moment = at or self.clock.now()
        if moment.tzinfo is None:
            raise ValueError("log_set needs an aware datetime")
        when = iso_utc(moment)
        day = session_date or moment.astimezone().date()
        with self.write():
            number = self._one(
                "SELECT COALESCE(MAX(set_number), 0) + 1 AS n FROM sets "
                "WHERE athlete_id = ? AND exercise_id = ? AND session_date = ?",
                [athlete.id, exercise.id, day.isoformat()],
            )
            assert number is not None
            cursor = self._exec(
                "INSERT INTO sets (athlete_id, exercise_id, performed_at, session_date, "
                "set_number, reps, load, unit, load_kg, rom_level, rpe, pain, note) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    athlete.id,
                    exercise.id,
                    when,
                    day.isoformat(),
                    number["n"],
                    reps,
                    load,
                    unit,
                    load_kg,
                    rom_level,
                    rpe,
                    pain,
                    note,
                ],
            )
            set_id = cursor.lastrowid
        return self.get_set(set_id)

    def get_set(self, set_id: int | None) -> SetEntry:
        """The logged set with this id; NotFound if there is none."""
        row = self._one(_SET_SELECT + " WHERE s.id = ?", [set_id])
        if row is None:
            raise NotFound(f"no set with id {set_id}")
        return _set(row)

    def update_set(
        self,
        set_id: int,
        *,
        reps: int | None = None,
        load: float | None = None,
        unit: Unit | None = None,
        rom_level: int | None = None,
        rpe: float | None = None,
        pain: int | None = None,
        note: str | None = None,
        clear: frozenset[str] = frozenset(),
    ) -> SetEntry:
        """Change fields of a logged set (None keeps a field; names in `clear` empty it)."""
        current = self.get_set(set_id)
        exercise = self.catalog.get(current.exercise_id)
        changes: dict[str, Any] = {}
        if reps is not None:
            if not 0 <= reps <= 100:
                raise InvalidValue("reps", f"reps {reps} is not 0 to 100")
            changes["reps"] = reps
        if load is not None or unit is not None:
            new_unit = unit or current.unit
            new_load = current.load if load is None else load
            if new_load < 0 or to_kg(new_load, new_unit) >= MAX_LOAD_KG:
                raise InvalidValue("load", f"load {new_load:g} {new_unit} is not 0 to 1000 kg")
            changes.update(load=new_load, unit=new_unit, load_kg=to_kg(new_load, new_unit))
        if rom_level is not None:
            self._check_rom(exercise, rom_level)
            changes["rom_level"] = rom_level
        if rpe is not None:
            changes["rpe"] = validate_rpe(rpe)
        if pain is not None:
            changes["pain"] = validate_pain(pain)
        if note is not None:
            changes["note"] = note if note.strip() else None
        for name in clear & {"rpe", "pain", "note"}:
            changes[name] = None
        if changes:
            assignments = ", ".join(f"{k} = ?" for k in changes)
            self._exec(f"UPDATE sets SET {assignments} WHERE id = ?", [*changes.values(), set_id])
        return self.get_set(set_id)

    def delete_set(self, set_id: int) -> SetEntry:
        """Delete a logged set and return what it was."""
        entry = self.get_set(set_id)
        self._exec("DELETE FROM sets WHERE id = ?", [set_id])
        return entry

    def last_set(self, athlete: Athlete) -> SetEntry | None:
        """The athlete's most recently logged set, or None."""
        row = self._one(
            _SET_SELECT + " WHERE s.athlete_id = ? ORDER BY s.id DESC LIMIT 1", [athlete.id]
        )
        return _set(row) if row else None

    def session_sets(self, athlete: Athlete, exercise_id: str, day: date) -> list[SetEntry]:
        """The sets of one drill on one local date, in set order."""
        rows = self._rows(
            _SET_SELECT + " WHERE s.athlete_id = ? AND s.exercise_id = ? AND s.session_date = ? "
            "ORDER BY s.set_number, s.id",
            [athlete.id, exercise_id, day.isoformat()],
        )
        return [_set(r) for r in rows]

    def sets_on(self, athlete: Athlete, day: date) -> list[SetEntry]:
        """All of the athlete's sets on one local date, by drill and set number."""
        rows = self._rows(
            _SET_SELECT + " WHERE s.athlete_id = ? AND s.session_date = ? "
            "ORDER BY s.exercise_id, s.set_number, s.id",
            [athlete.id, day.isoformat()],
        )
        return [_set(r) for r in rows]

    def session_dates(self, athlete: Athlete, exercise_id: str, *, limit: int = 2) -> list[date]:
        """The most recent local dates with sets of this drill, newest first."""
        rows = self._rows(
            "SELECT DISTINCT session_date FROM sets WHERE athlete_id = ? AND exercise_id = ? "
            "ORDER BY session_date DESC LIMIT ?",
            [athlete.id, exercise_id, limit],
        )
        return [date.fromisoformat(r["session_date"]) for r in rows]

    # -- check-ins ---------------------------------------------------------------------

    def check_in(
        self, athlete: Athlete, pain: int, *, at: datetime | None = None, local: date | None = None
    ) -> CheckIn:
        """Record 'back pain right now' (0-10) and commit it before returning."""
        pain_value = validate_pain(pain)
        moment = at or self.clock.now()
        day = local or moment.astimezone().date()
        cursor = self._exec(
            "INSERT INTO checkins (athlete_id, at, local_date, pain) VALUES (?, ?, ?, ?)",
            [athlete.id, iso_utc(moment), day.isoformat(), pain_value],
        )
        return CheckIn(
            id=cursor.lastrowid, at=parse_utc(iso_utc(moment)), local_date=day, pain=pain_value
        )

    def checkins_between(self, athlete: Athlete, start: datetime, end: datetime) -> list[CheckIn]:
        """The athlete's check-ins with start <= at <= end, oldest first."""
        rows = self._rows(
            "SELECT * FROM checkins WHERE athlete_id = ? AND at >= ? AND at <= ? ORDER BY at, id",
            [athlete.id, iso_utc(start), iso_utc(end)],
        )
        return [_checkin(r) for r in rows]

    def checkin_on(self, athlete: Athlete, day: date) -> CheckIn | None:
        """The athlete's first check-in on a local date, or None."""
        row = self._one(
            "SELECT * FROM checkins WHERE athlete_id = ? AND local_date = ? ORDER BY at LIMIT 1",
            [athlete.id, day.isoformat()],
        )
        return _checkin(row) if row else None

    # -- suggestions and the audit trail -----------------------------------------------

    def plan_changes(self, athlete: Athlete, exercise_id: str) -> list[PlanChange]:
        """Every accepted change of a drill's plan (rules or clinician), oldest first."""
        rows = self._rows(
            "SELECT * FROM suggestions WHERE athlete_id = ? AND exercise_id = ? "
            "AND status = 'accepted' ORDER BY id",
            [athlete.id, exercise_id],
        )
        return [
            PlanChange(
                at=parse_utc(r["decided_at"] or r["created_at"]),
                kind=r["action"],
                before=Plan.model_validate_json(r["plan_before"]),
                after=Plan.model_validate_json(r["plan_after"]),
                session_date=date.fromisoformat(r["session_date"]) if r["session_date"] else None,
                reason=r["reason"],
            )
            for r in rows
        ]

    def last_judged(self, athlete: Athlete, exercise_id: str) -> date | None:
        """The newest session date of this drill that a decided suggestion judged."""
        row = self._one(
            "SELECT MAX(session_date) AS d FROM suggestions WHERE athlete_id = ? "
            "AND exercise_id = ? AND source = 'rules' AND status IN ('accepted', 'declined')",
            [athlete.id, exercise_id],
        )
        return date.fromisoformat(row["d"]) if row and row["d"] else None

    def pending_suggestion(self, athlete: Athlete, exercise_id: str) -> dict[str, Any] | None:
        """The pending suggestion row of a drill, if any."""
        return self._one(
            "SELECT * FROM suggestions WHERE athlete_id = ? AND exercise_id = ? "
            "AND status = 'pending' ORDER BY id DESC LIMIT 1",
            [athlete.id, exercise_id],
        )

    def record_pending(self, athlete: Athlete, suggestion: Suggestion, before: Plan) -> None:
        """Store `suggestion` as the drill's pending one; a different older one is superseded."""
        with self.write():
            self._settle_pending(athlete, suggestion, before, status="pending")

    def record_decision(
        self, athlete: Athlete, suggestion: Suggestion, before: Plan, *, accepted: bool
    ) -> Plan:
        """Record the athlete's decision on `suggestion` and return the plan that follows.

        The plan changes only on accept, and never for a hold. A different pending
        suggestion is marked superseded. Everything is one transaction.
        """
        status = "accepted" if accepted else "declined"
        with self.write():
            self._settle_pending(athlete, suggestion, before, status=status)
            if accepted and suggestion.plan != before:
                self._write_plan(athlete, suggestion.plan)
                return suggestion.plan
        return before

    def _settle_pending(
        self, athlete: Athlete, suggestion: Suggestion, before: Plan, *, status: str
    ) -> None:
        now = iso_utc(self.clock.now())
        pending = self.pending_suggestion(athlete, suggestion.exercise_id)
        same = pending is not None and (
            pending["action"] == suggestion.action
            and pending["reason"] == suggestion.reason
            and pending["plan_after"] == _plan_json(suggestion.plan)
            and pending["plan_before"] == _plan_json(before)
            and pending["session_date"]
            == (suggestion.session_date.isoformat() if suggestion.session_date else None)
        )
        if pending is not None and same:
            if status != "pending":
                self._exec(
                    "UPDATE suggestions SET status = ?, decided_at = ? WHERE id = ?",
                    [status, now, pending["id"]],
                )
            return
        if pending is not None:
            self._exec(
                "UPDATE suggestions SET status = 'superseded', decided_at = ? WHERE id = ?",
                [now, pending["id"]],
            )
        self._exec(
            "INSERT INTO suggestions (athlete_id, exercise_id, created_at, source, action, "
            "session_date, plan_before, plan_after, reason, status, decided_at) "
            "VALUES (?, ?, ?, 'rules', ?, ?, ?, ?, ?, ?, ?)",
            [
                athlete.id,
                suggestion.exercise_id,
                now,
                suggestion.action,
                suggestion.session_date.isoformat() if suggestion.session_date else None,
                _plan_json(before),
                _plan_json(suggestion.plan),
                suggestion.reason,
                status,
                None if status == "pending" else now,
            ],
        )

    def audit_trail(self, athlete: Athlete, exercise_id: str | None = None) -> list[dict[str, Any]]:
        """Every suggestion and override of the athlete (optionally one drill), newest first."""
        where, params = "athlete_id = ?", [athlete.id]
        if exercise_id:
            where += " AND exercise_id = ?"
            params.append(exercise_id)
        return self._rows(f"SELECT * FROM suggestions WHERE {where} ORDER BY id DESC", params)

    # -- history (aggregated in SQL; each query reads one drill's index range) ----------

    def session_history(
        self,
        athlete: Athlete,
        exercise_id: str,
        *,
        since: date | None = None,
        until: date | None = None,
        limit: int = 60,
    ) -> list[SessionSummary]:
        """One summary per session of a drill in [since, until], newest first, at most `limit`.

        Each carries the rules' suggestion that judged that session (decided, or else
        pending) and its status. For older pages, call again with `until` the day before
        the oldest date shown. Reads only the sessions returned, through `sets_by_session`.
        """
        low, high = _day_bounds(since, until)
        rows = self._rows(
            """
            WITH days AS (
                SELECT session_date, COUNT(*) AS sets, MIN(reps) AS reps_min,
                       MAX(reps) AS reps_max, SUM(reps) AS reps_total, MAX(load_kg) AS load_kg,
                       MAX(rom_level) AS rom_level, MAX(rpe) AS rpe, MAX(pain) AS pain
                FROM sets
                WHERE athlete_id = :athlete AND exercise_id = :drill
                  AND session_date >= :low AND session_date <= :high
                GROUP BY session_date ORDER BY session_date DESC LIMIT :limit
            )
            SELECT d.*, g.action, g.status, g.reason
            FROM days d LEFT JOIN suggestions g ON g.id = (
                SELECT id FROM suggestions
                WHERE athlete_id = :athlete AND exercise_id = :drill
                  AND session_date = d.session_date AND source = 'rules'
                  AND status IN ('accepted', 'declined', 'pending')
                ORDER BY status = 'pending', id DESC LIMIT 1
            )
            ORDER BY d.session_date DESC
            """,
            {"athlete": athlete.id, "drill": exercise_id, "low": low, "high": high, "limit": limit},
        )
        return [
            SessionSummary(
                day=date.fromisoformat(r["session_date"]),
                sets=r["sets"],
                reps_min=r["reps_min"],
                reps_max=r["reps_max"],
                reps_total=r["reps_total"],
                load_kg=r["load_kg"],
                rom_level=r["rom_level"],
                rpe=r["rpe"],
                pain=r["pain"],
                action=r["action"],
                status=r["status"],
                reason=r["reason"],
            )
            for r in rows
        ]

    def session_count(
        self,
        athlete: Athlete,
        exercise_id: str,
        *,
        since: date | None = None,
        until: date | None = None,
    ) -> int:
        """How many sessions of a drill fall in [since, until] (read from the index alone)."""
        low, high = _day_bounds(since, until)
        row = self._one(
            "SELECT COUNT(DISTINCT session_date) AS n FROM sets WHERE athlete_id = ? "
            "AND exercise_id = ? AND session_date >= ? AND session_date <= ?",
            [athlete.id, exercise_id, low, high],
        )
        return row["n"] if row else 0

    def session_span(
        self,
        athlete: Athlete,
        exercise_id: str,
        *,
        since: date | None = None,
        until: date | None = None,
    ) -> tuple[date, date] | None:
        """The first and last session dates of a drill in [since, until], or None if none."""
        low, high = _day_bounds(since, until)
        where = (
            "FROM sets WHERE athlete_id = :a AND exercise_id = :d "
            "AND session_date >= :low AND session_date <= :high"
        )
        row = self._one(
            f"SELECT (SELECT MIN(session_date) {where}) AS first, "
            f"(SELECT MAX(session_date) {where}) AS last",
            {"a": athlete.id, "d": exercise_id, "low": low, "high": high},
        )
        if row is None or row["first"] is None:
            return None
        return date.fromisoformat(row["first"]), date.fromisoformat(row["last"])

    def chart_series(
        self,
        athlete: Athlete,
        exercise_id: str,
        *,
        since: date | None = None,
        until: date | None = None,
        points: int = 60,
    ) -> list[ChartPoint]:
        """Load, ROM and pain over [since, until], oldest first, in at most `points` points.

        With no more sessions than `points`, one point per session; otherwise the range is
        cut into equal spans of days and each point is the heaviest load, furthest ROM and
        highest pain of its span. Gaps without sessions have no point.
        """
        span = self.session_span(athlete, exercise_id, since=since, until=until)
        if span is None:
            return []
        first, last = span
        width = 1
        if self.session_count(athlete, exercise_id, since=first, until=last) > points:
            width = -(-((last - first).days + 1) // max(points, 1))
        rows = self._rows(
            """
            SELECT MIN(session_date) AS first, MAX(session_date) AS last,
                   MAX(load_kg) AS load_kg, MAX(rom_level) AS rom_level, MAX(pain) AS pain
            FROM sets
            WHERE athlete_id = :a AND exercise_id = :d
              AND session_date >= :low AND session_date <= :high
            GROUP BY CAST((julianday(session_date) - julianday(:low)) / :width AS INTEGER)
            ORDER BY first
            """,
            {
                "a": athlete.id,
                "d": exercise_id,
                "low": first.isoformat(),
                "high": last.isoformat(),
                "width": width,
            },
        )
        return [
            ChartPoint(
                first=date.fromisoformat(r["first"]),
                last=date.fromisoformat(r["last"]),
                load_kg=r["load_kg"],
                rom_level=r["rom_level"],
                pain=r["pain"],
            )
            for r in rows
        ]

    def plan_timeline(
        self,
        athlete: Athlete,
        exercise_id: str | None = None,
        *,
        since: date | None = None,
        until: date | None = None,
        limit: int = 100,
        holds: bool = True,
    ) -> list[TimelineEntry]:
        """Decided suggestions (accepted or declined) and clinician overrides, newest first.

        Dated by the session judged, or for an override by the (UTC) day it was made. All
        drills when `exercise_id` is None; without `holds`, accepted holds (which change
        nothing) are left out.
        """
        low, high = _day_bounds(since, until)
        extra = "AND exercise_id = :drill" if exercise_id else ""
        if not holds:
            extra += " AND NOT (action = 'hold' AND status = 'accepted')"
        rows = self._rows(
            f"""
            SELECT * FROM suggestions
            WHERE athlete_id = :athlete {extra}
              AND ((source = 'rules' AND status IN ('accepted', 'declined'))
                   OR source = 'clinician')
              AND COALESCE(session_date, substr(decided_at, 1, 10)) BETWEEN :low AND :high
            ORDER BY COALESCE(decided_at, created_at) DESC, id DESC LIMIT :limit
            """,
            {"athlete": athlete.id, "drill": exercise_id, "low": low, "high": high, "limit": limit},
        )
        return [
            TimelineEntry(
                at=parse_utc(r["decided_at"] or r["created_at"]),
                exercise_id=r["exercise_id"],
                session_date=date.fromisoformat(r["session_date"]) if r["session_date"] else None,
                source=r["source"],
                action=r["action"],
                status=r["status"],
                reason=r["reason"],
                before=Plan.model_validate_json(r["plan_before"]),
                after=Plan.model_validate_json(r["plan_after"]),
            )
            for r in rows
        ]

    # -- export and import (CSV formatting lives in export.py) ------------------------

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
        where, params = [], []
        if athlete is not None:
            where.append("s.athlete_id = ?")
            params.append(athlete.id)
        if since is not None:
            where.append("s.session_date >= ?")
            params.append(since.isoformat())
        if until is not None:
            where.append("s.session_date <= ?")
            params.append(until.isoformat())
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        sql = f"""
            SELECT s.session_date, s.performed_at, {_neutralised("a.name")}, s.exercise_id,
                   c.name, s.set_number, s.reps, {_trimmed("s.load")}, s.unit,
                   {_trimmed("s.load_kg")}, s.rom_level, c.label,
                   CASE WHEN s.rpe IS NULL THEN NULL ELSE {_trimmed("s.rpe")} END,
                   s.pain, {_neutralised("s.note")}
            FROM sets s
            JOIN athletes a ON a.id = s.athlete_id
            LEFT JOIN temp.export_labels c
                   ON c.exercise_id = s.exercise_id AND c.level = s.rom_level
            {clause}
            ORDER BY s.performed_at, a.name, s.exercise_id, s.set_number
        """
        try:
            yield from self.db.conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) from exc

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
        and the joins are done in SQL.
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
        where, params = [], []
        if athlete is not None:
            where.append("s.athlete_id = ?")
            params.append(athlete.id)
        if since is not None:
            where.append("s.session_date >= ?")
            params.append(since.isoformat())
        if until is not None:
            where.append("s.session_date <= ?")
            params.append(until.isoformat())
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        sql = f"""
            SELECT s.session_date || ',' || s.performed_at || ',' || a.cell || ','
                   || COALESCE(c.head, {_csv_quoted("s.exercise_id")} || ',')
                   || ',' || s.set_number || ',' || s.reps || ',' || {_fast_trimmed("s.load")}
                   || ',' || s.unit || ',' || {_fast_trimmed("s.load_kg")}
                   || ',' || COALESCE(c.tail, s.rom_level || ',')
                   || ',' || CASE WHEN s.rpe IS NULL THEN '' ELSE {_fast_trimmed("s.rpe")} END
                   || ',' || COALESCE(s.pain, '')
                   || ',' || CASE WHEN s.note IS NULL THEN ''
                                  ELSE {_csv_quoted(_neutralised("s.note"))} END || char(13, 10)
            FROM sets s
            JOIN temp.export_people a ON a.id = s.athlete_id
            LEFT JOIN temp.export_labels c
                   ON c.exercise_id = s.exercise_id AND c.level = s.rom_level
            {clause}
            ORDER BY s.performed_at, a.name, s.exercise_id, s.set_number
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
        """Add the sets of `rows` (dicts: `athlete` and IMPORT_COLUMNS) in one transaction.

        Returns how many were new; see `bulk_import` for duplicates and failures.
        """
        with self.bulk_import() as batch:
            batch.add(
                (batch.athlete_id(row["athlete"]), *(row[c] for c in IMPORT_COLUMNS))
                for row in rows
            )
        return batch.added

    @contextlib.contextmanager
    def bulk_import(self) -> Iterator[SetImport]:
        """One write transaction for adding many sets through the `SetImport` it yields.

        A set already present (same athlete, drill, performed_at and set number, in the
        database or earlier in the same import) is skipped. Athletes are created as needed.
        If the body raises (a bad row), nothing at all is written. Into an empty sets
        table the indexes are dropped and rebuilt after the rows, inside the same
        transaction (several times faster than updating them row by row).
        """
        with self.write():
            batch = SetImport(self)
            yield batch
            batch.finish()

    def _athlete_id(self, name: str) -> int:
        """The id of the athlete called `name`, inserted if new (inside the caller's write)."""
        found = self.find_athlete(name)
        if found:
            return found.id
        cursor = self._exec(
            "INSERT INTO athletes (name, unit, created_at) VALUES (?, 'kg', ?)",
            [validate_athlete_name(name), iso_utc(self.clock.now())],
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid


class SetImport:
    """Adds sets inside `Store.bulk_import`'s transaction; `added` counts the new ones."""

    INSERT = (
        "INSERT OR IGNORE INTO sets (athlete_id, exercise_id, performed_at, session_date, "
        "set_number, reps, load, unit, load_kg, rom_level, rpe, pain, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    BATCH_ROWS = 50_000

    def __init__(self, store: Store) -> None:
        self.store = store
        self.added = 0
        self._ids: dict[str, int] = {}
        self._dropped: list[tuple[str, str, bool, list[str]]] = []
        conn = store.db.conn
        try:
            if conn.execute("SELECT NOT EXISTS (SELECT 1 FROM sets)").fetchone()[0]:
                self._drop_indexes()
        except sqlite3.Error as exc:
            raise translate_error(exc, store.path) from exc

    def athlete_id(self, name: str) -> int:
        """The id of the athlete called `name` (case-insensitive), created if new."""
        key = name.casefold()
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = self.store._athlete_id(name)
        return found

    def add(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Insert `rows`: (athlete id, *IMPORT_COLUMNS) tuples, in batches."""
        conn = self.store.db.conn
        rows = iter(rows)
        try:
            while batch := list(itertools.islice(rows, self.BATCH_ROWS)):
                self.added += conn.executemany(self.INSERT, batch).rowcount
        except sqlite3.Error as exc:
            raise translate_error(exc, self.store.path) from exc

    def finish(self) -> None:
        """Rebuild dropped indexes; duplicates a dropped unique index let in are removed
        (the first one kept, as INSERT OR IGNORE would have done)."""
        conn = self.store.db.conn
        try:
            for _name, sql, unique, columns in self._dropped:
                try:
                    conn.execute(sql)
                except sqlite3.IntegrityError:
                    if not unique:
                        raise
                    self.added -= self._delete_duplicates(columns)
                    conn.execute(sql)
        except sqlite3.Error as exc:
            raise translate_error(exc, self.store.path) from exc
        self._dropped = []

    def _drop_indexes(self) -> None:
        conn = self.store.db.conn
        unique = {row[1]: bool(row[2]) for row in conn.execute("PRAGMA index_list(sets)")}
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = 'sets' AND sql IS NOT NULL ORDER BY name"
        ).fetchall():
            columns = [row[2] for row in conn.execute(f'PRAGMA index_info("{name}")')]
            self._dropped.append((name, sql, unique[name], columns))
            conn.execute(f'DROP INDEX "{name}"')

    def _delete_duplicates(self, columns: list[str]) -> int:
        """Delete every row whose `columns` (none NULL) repeat an earlier row's; the count."""
        key = ", ".join(f'"{c}"' for c in columns)
        not_null = " AND ".join(f'"{c}" IS NOT NULL' for c in columns)
        cursor = self.store.db.conn.execute(
            f"DELETE FROM sets WHERE {not_null} "
            f"AND id NOT IN (SELECT MIN(id) FROM sets GROUP BY {key})"
        )
        return cursor.rowcount

    def _athlete_id(self, name: str) -> int:
        """The id of the athlete called `name`, inserted if new (inside the caller's write)."""
        found = self.find_athlete(name)
        if found:
            return found.id
        cursor = self._exec(
            "INSERT INTO athletes (name, unit, created_at) VALUES (?, 'kg', ?)",
            [validate_athlete_name(name), iso_utc(self.clock.now())],
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid


def describe_override(exercise: Exercise, before: Plan, after: Plan) -> str:
    """A sentence naming what a clinician changed in a plan."""
    parts = []
    if before.sets != after.sets:
        parts.append(f"sets {before.sets} -> {after.sets}")
    if abs(before.load_kg - after.load_kg) > 1e-9:
        parts.append(f"load {before.load_kg:g} kg -> {after.load_kg:g} kg")
    if before.rom_level != after.rom_level:
        parts.append(
            f"ROM level {before.rom_level} -> {after.rom_level} "
            f"({exercise.rom_label(after.rom_level)})"
        )
    if before.active != after.active:
        parts.append("made active" if after.active else "made inactive")
    return "Clinician's override: " + ", ".join(parts)


IMPORT_COLUMNS = (
    "exercise_id",
    "performed_at",
    "session_date",
    "set_number",
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


def neutralise(text: str | None) -> str | None:
    """Prefix one single quote to text a spreadsheet would run as a formula (OWASP)."""
    if text and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _neutralised(column: str) -> str:
    """SQL that applies `neutralise` to a text column."""
    return (
        f"CASE WHEN substr({column}, 1, 1) IN ('=', '+', '-', '@', char(9), char(13), '''') "
        f"THEN '''' || {column} ELSE {column} END"
    )


def csv_cell(text: str | None) -> str:
    """One CSV cell as `csv.writer` writes it: quoted when it holds , " CR or LF."""
    if text is None:
        return ""
    if any(c in text for c in CSV_SPECIALS):
        return '"' + text.replace('"', '""') + '"'
    return text


CSV_SPECIALS = (",", '"', "\r", "\n")


def _csv_quoted(text: str) -> str:
    """SQL that applies `csv_cell` to a non-NULL text expression."""
    return (
        f"CASE WHEN instr({text}, '\"') OR instr({text}, ',') OR instr({text}, char(10)) "
        f"OR instr({text}, char(13)) THEN '\"' || replace({text}, '\"', '\"\"') || '\"' "
        f"ELSE {text} END"
    )


def _fast_trimmed(column: str) -> str:
    """`_trimmed` as text, skipping printf for whole numbers (most loads and RPEs)."""
    return (
        f"CASE WHEN {column} = CAST({column} AS INTEGER) THEN CAST(CAST({column} AS INTEGER) "
        f"AS TEXT) ELSE {_trimmed(column)} END"
    )


def _trimmed(column: str) -> str:
    """SQL that formats a number with at most 3 decimals and no trailing zeros."""
    return f"rtrim(rtrim(printf('%.3f', {column}), '0'), '.')"


_SET_SELECT = "SELECT s.*, a.name AS athlete FROM sets s JOIN athletes a ON a.id = s.athlete_id"


@dataclass(frozen=True)
class SessionSummary:
    """One session of one drill, aggregated in SQL, for the history screen."""

    day: date
    sets: int
    reps_min: int
    reps_max: int
    reps_total: int
    load_kg: float  # the heaviest set
    rom_level: int  # the furthest ROM level
    rpe: float | None  # the hardest set's RPE
    pain: int | None  # the highest pain of any set
    action: str | None  # the rules' suggestion that judged this session, if any
    status: str | None  # 'accepted', 'declined' or 'pending'
    reason: str | None


@dataclass(frozen=True)
class ChartPoint:
    """One point of the history charts: the sessions from `first` to `last`."""

    first: date
    last: date
    load_kg: float
    rom_level: int
    pain: int | None


@dataclass(frozen=True)
class TimelineEntry:
    """A decided suggestion or a clinician override, with its reason."""

    at: datetime
    exercise_id: str
    session_date: date | None
    source: str  # 'rules' or 'clinician'
    action: str
    status: str  # 'accepted' or 'declined'
    reason: str
    before: Plan
    after: Plan


def _day_bounds(since: date | None, until: date | None) -> tuple[str, str]:
    """[since, until] as ISO text, open ends made inclusive bounds the index can use."""
    return (
        since.isoformat() if since else "0000-01-01",
        until.isoformat() if until else "9999-12-31",
    )


def _athlete(row: dict[str, Any]) -> Athlete:
    return Athlete(
        id=row["id"],
        name=row["name"],
        unit=row["unit"],
        archived=row["archived_at"] is not None,
        has_pin=row.get("pin") is not None,
    )


def _plan(row: dict[str, Any]) -> Plan:
    return Plan(
        exercise_id=row["exercise_id"],
        active=bool(row["active"]),
        sets=row["sets"],
        reps_min=row["reps_min"],
        reps_max=row["reps_max"],
        load_kg=row["load_kg"],
        rom_level=row["rom_level"],
    )


def _set(row: dict[str, Any]) -> SetEntry:
    return SetEntry(
        id=row["id"],
        athlete=row["athlete"],
        exercise_id=row["exercise_id"],
        performed_at=parse_utc(row["performed_at"]),
        session_date=date.fromisoformat(row["session_date"]),
        set_number=row["set_number"],
        reps=row["reps"],
        load=row["load"],
        unit=row["unit"],
        load_kg=row["load_kg"],
        rom_level=row["rom_level"],
        rpe=row["rpe"],
        pain=row["pain"],
        note=row["note"],
    )


def _checkin(row: dict[str, Any]) -> CheckIn:
    return CheckIn(
        id=row["id"],
        at=parse_utc(row["at"]),
        local_date=date.fromisoformat(row["local_date"]),
        pain=row["pain"],
    )


def window_around(sets: list[SetEntry]) -> tuple[datetime, datetime]:
    """The check-in window the rules need for a session: 24 h before to 96 h after."""
    first = min(s.performed_at for s in sets)
    last = max(s.performed_at for s in sets)
    return first - timedelta(hours=24), last + timedelta(hours=96)
