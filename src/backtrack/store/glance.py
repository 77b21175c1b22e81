"""A first look at today's drills, read before the store is loaded.

`backtrack` draws its first frame from this (the athlete, their active drills in plan order,
each drill's plan and the sets done today) while the store, the rules and pydantic load in
a worker; the full page follows a moment later. A drill the rules stopped is left out: it is
not in the session (Today lists it apart once the store is open). It costs a read-only
connection and a few small SELECTs (the athlete, their plans, today's sets per drill), with
nothing but sqlite3 and the catalog files.

It only ever reads, and gives up (returns None) on anything unusual: no file yet, a file or
folder it could not also write (SQLite would leave read-only -wal/-shm files beside it, see
`store._check_folder`), a table or column it does not know, an athlete it does not know or
one with a PIN, several athletes and none named, a drill without a plan yet (the store
writes one on first use), an unreadable catalog. The app then opens the store before drawing
anything, as it always did. Either way the store opens with all its checks, its migrations
and the daily backup before anything is written (see `store.open_database`).

Like backup.py, this is a module besides store.py that reads the database with sqlite3;
its SQL is these few SELECTs, which `tests/test_glance.py` holds to the store's answers.
(Its records are NamedTuples: a fraction of a dataclass's cost to define, at start-up.)
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from backtrack.units import Unit, parse_unit

if TYPE_CHECKING:
    from backtrack.catalog import Catalog

# How long the first look waits for a busy file before leaving it to the store (which waits
# the full busy timeout and says so).
BUSY_WAIT_SECONDS = 0.2


class DrillFacts(NamedTuple):
    """What the first frame shows of a catalog drill."""

    id: str
    name: str
    loads: str
    rest_seconds: int
    rom: tuple[str, ...]
    sides: int = 1
    side_switch_seconds: int = 15

    @property
    def two_sided(self) -> bool:
        """Whether the drill is done on the left and on the right (as `Exercise.two_sided`)."""
        return self.sides == 2

    def rom_label(self, level: int) -> str:
        """The ladder's label for `level`, or 'level N' outside it (as `Exercise.rom_label`)."""
        if 1 <= level <= len(self.rom):
            return self.rom[level - 1]
        return f"level {level}"


class PlanFacts(NamedTuple):
    """An athlete's current plan for one drill, as stored."""

    exercise_id: str
    sets: int
    reps_min: int
    reps_max: int
    load_kg: float
    rom_level: int


class DrillGlance(NamedTuple):
    """One active drill of today's page: the drill, its plan and the sets done today (of
    them, how many on the left and on the right)."""

    exercise: DrillFacts
    plan: PlanFacts
    done: int
    left: int = 0
    right: int = 0


class Glance(NamedTuple):
    """Today's page at first sight: whose it is, which day, and their active drills."""

    athlete_id: int
    athlete_name: str
    unit: Unit
    day: date
    shared: bool  # several active athletes, or a PIN: the app locks itself when left alone
    drills: tuple[DrillGlance, ...]


def drill_facts(catalog: Catalog | None = None) -> dict[str, DrillFacts] | None:
    """The catalog's drills by id, in catalog order: from `catalog` when given (already
    validated), else straight from the catalog files (see `catalog.peek_entries`)."""
    if catalog is not None:
        return {
            e.id: DrillFacts(
                e.id, e.name, e.loads, e.rest_seconds, tuple(e.rom), e.sides, e.side_switch_seconds
            )
            for e in catalog
        }
    from backtrack.catalog import peek_entries

    entries = peek_entries()
    if entries is None:
        return None
    facts: dict[str, DrillFacts] = {}
    for entry in entries:
        name, loads, rest, rom = (entry.get(k) for k in ("name", "loads", "rest_seconds", "rom"))
        sides, switch = entry.get("sides", 1), entry.get("side_switch_seconds", 15)
        if not (
            isinstance(name, str)
            and isinstance(loads, str)
            and isinstance(rest, int)
            and isinstance(rom, list)
            and all(isinstance(label, str) for label in rom)
            and type(sides) is int
            and sides in (1, 2)
            and type(switch) is int
        ):
            return None
        facts[entry["id"]] = DrillFacts(entry["id"], name, loads, rest, tuple(rom), sides, switch)
    return facts


def glance_today(
    db_path: Path, athlete: str | None, day: date, catalog: Catalog | None = None
) -> Glance | None:
    """Today's page for `athlete` (None: the only athlete) on the local date `day`, or None
    when the first frame should wait for the store (see the module's notes)."""
    facts = drill_facts(catalog)
    if not facts or not _writable(Path(db_path)):
        return None
    try:
        conn = sqlite3.connect(
            f"{Path(db_path).absolute().as_uri()}?mode=ro",
            uri=True,
            timeout=BUSY_WAIT_SECONDS,
            check_same_thread=False,
        )
    except (sqlite3.Error, OSError, ValueError):
        return None
    try:
        conn.execute("PRAGMA query_only = ON")
        return _read(conn, athlete, day, facts)
    except (sqlite3.Error, KeyError, TypeError, ValueError):
        return None
    finally:
        conn.close()


def _writable(path: Path) -> bool:
    """The file exists and it, its -wal and -shm (if any) and its folder can be written: a
    read-only connection then leaves at most empty -wal/-shm files of the file's own mode."""
    sides = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    return (
        path.is_file()
        and os.access(path.parent, os.W_OK | os.X_OK)
        and all(os.access(p, os.R_OK | os.W_OK) for p in sides if p.exists())
    )


def _read(
    conn: sqlite3.Connection, athlete: str | None, day: date, facts: Mapping[str, DrillFacts]
) -> Glance | None:
    active = conn.execute(
        "SELECT id, name, unit, pin IS NOT NULL FROM athletes WHERE archived_at IS NULL "
        "ORDER BY name"
    ).fetchall()
    shared = len(active) > 1 or any(row[3] for row in active)
    if athlete is None:
        if shared or not active:
            return None  # the picker, or a first athlete to create: the store's work
        person = active[0]
    else:
        person = conn.execute(
            "SELECT id, name, unit, pin IS NOT NULL FROM athletes WHERE name = ?",
            [athlete.strip()],
        ).fetchone()
        if person is None or person[3]:
            return None  # created on first use, or a PIN to ask first
    athlete_id, name, unit, _ = person
    plans = _plans(
        conn.execute(  # a drill the rules stopped is out of the session, as if inactive
            "SELECT exercise_id, active AND stopped_at IS NULL, sets, reps_min, reps_max, "
            "load_kg, rom_level FROM plans WHERE athlete_id = ? ORDER BY position, exercise_id",
            [athlete_id],
        ),
        facts,
    )
    if plans is None:
        return None
    drills = []
    for plan in plans:
        done, left, right = conn.execute(
            "SELECT COUNT(*), COUNT(CASE WHEN side = 'L' THEN 1 END), "
            "COUNT(CASE WHEN side = 'R' THEN 1 END) FROM sets "
            "WHERE athlete_id = ? AND exercise_id = ? AND session_date = ?",
            [athlete_id, plan.exercise_id, day.isoformat()],
        ).fetchone()
        drills.append(DrillGlance(facts[plan.exercise_id], plan, done, left, right))
    return Glance(athlete_id, name, parse_unit(unit), day, shared, tuple(drills))


def _plans(rows: Iterable[Any], facts: Mapping[str, DrillFacts]) -> list[PlanFacts] | None:
    """The active plans of catalog drills, in plan order; None when a catalog drill has no
    plan yet (the store makes it on first use)."""
    seen, plans = set(), []
    for exercise_id, active, sets, reps_min, reps_max, load_kg, rom_level in rows:
        if exercise_id not in facts:
            continue
        seen.add(exercise_id)
        if active:
            plans.append(PlanFacts(exercise_id, sets, reps_min, reps_max, load_kg, rom_level))
    return plans if seen == set(facts) else None
