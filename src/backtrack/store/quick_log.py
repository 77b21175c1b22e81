"""One set logged with sqlite3 alone: the path `backtrack log` takes when nothing is unusual.

`Store.log_set` is the log's one full implementation; behind it stand pydantic (the models)
and sqlite-utils, which cost a command about 100 ms, five times what writing the set does.
`QuickLog` opens the file with the very same `open_connection` (creation, health checks,
busy timeout, migrations, the daily backup) and writes the set with the same `insert_set`
as `Store.log_set`, in one BEGIN IMMEDIATE transaction committed with synchronous=FULL
(`connection.transaction`), but it handles only the plain case: an athlete and a plan that
exist already, values the command line has checked. Anything else (an athlete or plans to
create on first use, a plan whose load or ROM is off the drill's limits, a note: free text
is cleaned by the store) makes it answer None, having written nothing, and the caller runs
the full Store path, which does the work or words the refusal. So this module never words
a refusal of its own and never writes what the Store would not. `tests/test_quick_log.py`
holds the two paths to the same rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from backtrack.clock import Clock, SystemClock
from backtrack.store.connection import open_connection, transaction, translate_error
from backtrack.store.formats import ISO_UTC, MAX_NAME_LENGTH  # (no models: no pydantic)
from backtrack.units import MAX_LOAD_KG, UNITS, Unit, from_kg, to_kg


def plain_name(name: str) -> bool:
    """Whether `name` is plainly a valid athlete's name (values.validate_athlete_name's
    rules); another goes the full way, which refuses it in its own words."""
    cleaned = name.strip()
    return 0 < len(cleaned) <= MAX_NAME_LENGTH and cleaned.isprintable()


class Drill(Protocol):
    """What the quick path needs of a drill: `models.Exercise` and `QuickDrill` have it."""

    @property
    def id(self) -> str: ...

    @property
    def two_sided(self) -> bool: ...

    @property
    def max_rom_level(self) -> int: ...


class QuickAthlete(NamedTuple):
    """An athlete as the log command uses one: id, name as stored, unit."""

    id: int
    name: str
    unit: Unit


class LoggedSet(NamedTuple):
    """A set as stored (the fields `backtrack log` prints)."""

    id: int
    set_number: int
    side: str | None
    session_date: date
    reps: int
    load: float
    unit: Unit
    rom_level: int
    rpe: float | None
    pain: int | None
    note: str | None


class NewSet(NamedTuple):
    """A set's values as they are written, once checked (by `Store.log_set` or `QuickLog`)."""

    athlete_id: int
    exercise_id: str
    performed_at: str  # UTC text, as values.iso_utc writes it
    session_date: str  # YYYY-MM-DD
    side: str | None
    reps: int
    load: float
    unit: str
    load_kg: float
    rom_level: int
    rpe: float | None
    pain: int | None
    note: str | None


def insert_set(run: Callable[[str, list[Any]], sqlite3.Cursor], new: NewSet) -> int:
    """Write `new` as the next set of its drill's session on its side, with `run` (a
    statement runner of the caller's, inside its write transaction); the new set's id.
    The one place a set is inserted one at a time: `Store.log_set` and `QuickLog.log_set`."""
    number = run(
        "SELECT COALESCE(MAX(set_number), 0) + 1 FROM sets "
        "WHERE athlete_id = ? AND exercise_id = ? AND session_date = ? AND side IS ?",
        [new.athlete_id, new.exercise_id, new.session_date, new.side],
    ).fetchone()[0]
    cursor = run(
        "INSERT INTO sets (athlete_id, exercise_id, performed_at, session_date, "
        "set_number, side, reps, load, unit, load_kg, rom_level, rpe, pain, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [*new[:4], number, *new[4:]],
    )
    assert cursor.lastrowid is not None  # an INSERT into a rowid table always has one
    return cursor.lastrowid


class QuickLog:
    """An open database, for logging sets the plain way (see the module's notes)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Clock | None = None) -> None:
        self.conn = conn
        self.path = path
        self.clock: Clock = clock or SystemClock()

    @classmethod
    @contextmanager
    def opened(cls, path: Path, clock: Clock | None = None) -> Iterator[QuickLog]:
        """The database at `path` opened (checked, migrated, backed up daily, as the Store
        opens it) for one command, closed after it."""
        log = cls(open_connection(path, clock=clock), path, clock)
        try:
            yield log
        finally:
            log.conn.close()

    @contextmanager
    def write(self) -> Iterator[None]:
        """A write transaction (BEGIN IMMEDIATE), committed on exit (see `transaction`)."""
        with transaction(self.conn, self.path):
            yield

    def _exec(self, sql: str, params: list[Any]) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) from exc

    def _row(self, sql: str, params: list[Any]) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._exec(sql, params).fetchone()
        return row

    def athlete(self, name: str) -> QuickAthlete | None:
        """The athlete called `name` (case-insensitive), as `Store.find_athlete` finds them;
        None when there is none (the Store creates them) or the name is not plainly valid."""
        if not plain_name(name):
            return None
        row = self._row("SELECT id, name, unit FROM athletes WHERE name = ?", [name.strip()])
        if row is None:
            return None
        athlete_id, stored, unit = row
        if not isinstance(athlete_id, int) or not isinstance(stored, str) or unit not in UNITS:
            return None
        return QuickAthlete(athlete_id, stored, "lb" if unit == "lb" else "kg")

    def log_set(
        self,
        athlete: QuickAthlete,
        exercise: Drill,
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
        side: str | None = None,
    ) -> LoggedSet | None:
        """Log one set as `Store.log_set` would (inside the caller's `write`), or write
        nothing and answer None when it is not the plain case (see the module's notes)."""
        if note is not None or side not in (("L", "R") if exercise.two_sided else (None,)):
            return None
        unit = unit or athlete.unit
        if unit not in UNITS or isinstance(reps, bool) or not 0 <= reps <= 100:
            return None
        if rpe is not None and (not 1 <= rpe <= 10 or rpe * 2 != int(rpe * 2)):
            return None
        if pain is not None and (isinstance(pain, bool) or not 0 <= pain <= 10):
            return None
        plan = self._row(
            "SELECT load_kg, rom_level FROM plans WHERE athlete_id = ? AND exercise_id = ?",
            [athlete.id, exercise.id],
        )
        if plan is None:
            return None  # plans are made on first use: the Store's work
        plan_load_kg, plan_rom = plan
        if not isinstance(plan_load_kg, float | int) or not isinstance(plan_rom, int):
            return None
        if load is None:
            load_kg = float(plan_load_kg)
            load = from_kg(load_kg, unit)
        else:
            if load < 0:
                return None
            load_kg = to_kg(load, unit)
        rom_level = plan_rom if rom_level is None else rom_level
        if load_kg >= MAX_LOAD_KG or not 1 <= rom_level <= exercise.max_rom_level:
            return None
        moment = at or self.clock.now()
        if moment.tzinfo is None:
            return None
        day = (session_date or moment.astimezone().date()).isoformat()
        new = NewSet(
            athlete_id=athlete.id,
            exercise_id=exercise.id,
            performed_at=moment.astimezone(UTC).strftime(ISO_UTC),
            session_date=day,
            side=side,
            reps=reps,
            load=load,
            unit=unit,
            load_kg=load_kg,
            rom_level=rom_level,
            rpe=None if rpe is None else float(rpe),
            pain=None if pain is None else int(pain),
            note=None,
        )
        return self._read_set(insert_set(self._exec, new))

    def _read_set(self, set_id: int | None) -> LoggedSet:
        row = self._row(
            "SELECT id, set_number, side, session_date, reps, load, unit, rom_level, rpe, "
            "pain, note FROM sets WHERE id = ?",
            [set_id],
        )
        assert row is not None  # written in this transaction
        set_id, number, side, day, reps, load, unit, rom, rpe, pain, note = row
        return LoggedSet(
            set_id,
            number,
            side,
            date.fromisoformat(day),
            reps,
            float(load),
            "lb" if unit == "lb" else "kg",
            rom,
            None if rpe is None else float(rpe),
            pain,
            note,
        )
