"""Logged sets and check-ins: what the lifter did, and how their back felt.

A set belongs to a session: one drill on one local date (`session_date`, fixed when the set
is written, as the lifter lived it). A check-in is "back pain right now", 0-10, stamped with
its moment and local date. Every write commits before it returns.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from backtrack.errors import InvalidValue, NotFound
from backtrack.models import SIDE_ORDERS, Athlete, CheckIn, Exercise, SetEntry, Side, SideOrder
from backtrack.red_flags import UnknownRedFlag, check_keys, join_keys
from backtrack.store.plans import PlansMixin, check_rom
from backtrack.store.quick_log import NewSet, insert_set
from backtrack.store.values import (
    SET_SELECT,
    checkin_from_row,
    day_bounds,
    iso_utc,
    parse_utc,
    set_from_row,
    validate_pain,
    validate_rpe,
)
from backtrack.text import strip_controls
from backtrack.units import MAX_LOAD_KG, UNITS, Unit, from_kg, to_kg


def check_reps(reps: int) -> int:
    """Return `reps` if it is a whole number 0-100, else raise InvalidValue."""
    if isinstance(reps, bool) or not 0 <= reps <= 100:
        raise InvalidValue("reps", f"reps {reps} is not 0 to 100")
    return reps


def check_side(exercise: Exercise, side: str | None) -> Side | None:
    """The side of a new set of `exercise` ('L'/'R', any case), checked: required for a
    two-sided drill, refused for a one-sided one (InvalidValue names why)."""
    if not exercise.two_sided:
        if side is not None:
            raise InvalidValue(
                "side", f"{exercise.name} is done on one side: a set of it takes no side"
            )
        return None
    key = (side or "").strip().upper()
    if key == "L":
        return "L"
    if key == "R":
        return "R"
    raise InvalidValue(
        "side", f"{exercise.name} is done on both sides: give the set's side, L or R"
    )


def window_around(sets: list[SetEntry]) -> tuple[datetime, datetime]:
    """The check-in window the rules need for a session: 24 h before to 96 h after."""
    first = min(s.performed_at for s in sets)
    last = max(s.performed_at for s in sets)
    return first - timedelta(hours=24), last + timedelta(hours=96)


class SetsMixin(PlansMixin):
    """The Store's sets and check-ins (a set's load and ROM default to the plan's)."""

    # -- sets --------------------------------------------------------------------------

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
        side: str | None = None,
    ) -> SetEntry:
        """Log one set and commit it before returning.

        Load and ROM default to the plan's; `unit` to the athlete's. `at` defaults to now;
        `session_date` to the local date of `at` (as the lifter lives it, fixed from now on).
        A set of a two-sided drill needs its `side` ('L' or 'R'); a one-sided drill's takes
        none. The set number is the next one in that drill's session, on that side.
        """
        exercise = self.catalog.get(exercise_id)
        side = check_side(exercise, side)
        unit = unit or athlete.unit
        if unit not in UNITS:
            raise InvalidValue("unit", f"unit {unit!r} is not kg or lb")
        check_reps(reps)
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
        check_rom(exercise, rom_level)
        rpe = validate_rpe(rpe)
        pain = validate_pain(pain)
        note = strip_controls(note) if note else None
        note = note if note and note.strip() else None
        moment = at or self.clock.now()
        if moment.tzinfo is None:
            raise ValueError("log_set needs an aware datetime")
        day = (session_date or moment.astimezone().date()).isoformat()
        new = NewSet(
            athlete_id=athlete.id,
            exercise_id=exercise.id,
            performed_at=iso_utc(moment),
            session_date=day,
            side=side,
            reps=reps,
            load=load,
            unit=unit,
            load_kg=load_kg,
            rom_level=rom_level,
            rpe=rpe,
            pain=pain,
            note=note,
        )
        with self.write():
            set_id = insert_set(self._exec, new)
        return self.get_set(set_id)

    def get_set(self, set_id: int | None) -> SetEntry:
        """The logged set with this id; NotFound if there is none."""
        row = self._one(SET_SELECT + " WHERE s.id = ?", [set_id])
        if row is None:
            raise NotFound(f"no set with id {set_id}")
        return set_from_row(row)

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
            changes["reps"] = check_reps(reps)
        if load is not None or unit is not None:
            new_unit = unit or current.unit
            new_load = current.load if load is None else load
            if new_load < 0 or to_kg(new_load, new_unit) >= MAX_LOAD_KG:
                raise InvalidValue("load", f"load {new_load:g} {new_unit} is not 0 to 1000 kg")
            changes.update(load=new_load, unit=new_unit, load_kg=to_kg(new_load, new_unit))
        if rom_level is not None:
            check_rom(exercise, rom_level)
            changes["rom_level"] = rom_level
        if rpe is not None:
            changes["rpe"] = validate_rpe(rpe)
        if pain is not None:
            changes["pain"] = validate_pain(pain)
        if note is not None:
            note = strip_controls(note)
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
            SET_SELECT + " WHERE s.athlete_id = ? ORDER BY s.id DESC LIMIT 1", [athlete.id]
        )
        return set_from_row(row) if row else None

    def session_sets(self, athlete: Athlete, exercise_id: str, day: date) -> list[SetEntry]:
        """The sets of one drill on one local date, in set order."""
        rows = self._rows(
            SET_SELECT + " WHERE s.athlete_id = ? AND s.exercise_id = ? AND s.session_date = ? "
            "ORDER BY s.set_number, s.id",
            [athlete.id, exercise_id, day.isoformat()],
        )
        return [set_from_row(r) for r in rows]

    def sets_on(self, athlete: Athlete, day: date) -> list[SetEntry]:
        """All of the athlete's sets on one local date, by drill and set number."""
        rows = self._rows(
            SET_SELECT + " WHERE s.athlete_id = ? AND s.session_date = ? "
            "ORDER BY s.exercise_id, s.set_number, s.id",
            [athlete.id, day.isoformat()],
        )
        return [set_from_row(r) for r in rows]

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
        self,
        athlete: Athlete,
        pain: int,
        *,
        at: datetime | None = None,
        local: date | None = None,
        red_flags: Iterable[str] = (),
        flags_asked: bool = False,
        note: str | None = None,
    ) -> CheckIn:
        """Record 'back pain right now' (0-10), with any red-flag symptoms (keys of
        red_flags.py) and a note, and commit it before returning. `flags_asked`: the
        red-flag questions were asked (and, with no keys, all answered no)."""
        pain_value = validate_pain(pain)
        if pain_value is None:
            raise InvalidValue("pain", "a check-in needs back pain as a number from 0 to 10")
        try:
            flags = check_keys(red_flags)
        except UnknownRedFlag as exc:
            raise InvalidValue("red_flag", str(exc)) from None
        note = strip_controls(note).strip() if note else None
        note = note or None
        # NULL: not asked; '' asked, none reported; else the keys joined by ';'
        stored_flags = join_keys(flags) or ("" if flags_asked else None)
        moment = at or self.clock.now()
        day = local or moment.astimezone().date()
        cursor = self._exec(
            "INSERT INTO checkins (athlete_id, at, local_date, pain, red_flags, note) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [athlete.id, iso_utc(moment), day.isoformat(), pain_value, stored_flags, note],
        )
        return CheckIn(
            id=cursor.lastrowid,
            at=parse_utc(iso_utc(moment)),
            local_date=day,
            pain=pain_value,
            red_flags=flags,
            note=note,
        )

    def last_checkin(self, athlete: Athlete) -> CheckIn | None:
        """The athlete's newest check-in, or None."""
        row = self._one(
            "SELECT * FROM checkins WHERE athlete_id = ? ORDER BY at DESC, id DESC LIMIT 1",
            [athlete.id],
        )
        return checkin_from_row(row) if row else None

    def red_flags_last_asked(self, athlete: Athlete) -> datetime | None:
        """When the athlete last answered the red-flag questions (or reported one), or None."""
        row = self._one(
            "SELECT MAX(at) AS at FROM checkins WHERE athlete_id = ? AND red_flags IS NOT NULL",
            [athlete.id],
        )
        return parse_utc(row["at"]) if row and row["at"] else None

    def checkins_between(self, athlete: Athlete, start: datetime, end: datetime) -> list[CheckIn]:
        """The athlete's check-ins with start <= at <= end, oldest first."""
        rows = self._rows(
            "SELECT * FROM checkins WHERE athlete_id = ? AND at >= ? AND at <= ? ORDER BY at, id",
            [athlete.id, iso_utc(start), iso_utc(end)],
        )
        return [checkin_from_row(r) for r in rows]

    def checkin_on(self, athlete: Athlete, day: date) -> CheckIn | None:
        """The athlete's first check-in on a local date, or None."""
        row = self._one(
            "SELECT * FROM checkins WHERE athlete_id = ? AND local_date = ? ORDER BY at LIMIT 1",
            [athlete.id, day.isoformat()],
        )
        return checkin_from_row(row) if row else None

    def checkin_rows(
        self,
        athlete: Athlete | None = None,
        *,
        since: date | None = None,
        until: date | None = None,
    ) -> list[dict[str, Any]]:
        """Every check-in in [since, until] (local dates; all athletes when `athlete` is
        None), oldest first, with the athlete's name: the check-ins export."""
        low, high = day_bounds(since, until)
        where = "c.local_date BETWEEN ? AND ?"
        params: list[Any] = [low, high]
        if athlete is not None:
            where += " AND c.athlete_id = ?"
            params.append(athlete.id)
        return self._rows(
            "SELECT c.*, a.name AS athlete FROM checkins c JOIN athletes a "
            f"ON a.id = c.athlete_id WHERE {where} ORDER BY c.at, c.id",
            params,
        )

    # -- sides ---------------------------------------------------------------------------

    def unsided_sets_notice(self, athlete: Athlete) -> int:
        """How many of the athlete's sets of two-sided drills were logged before sides
        existed, while the one-time notice about them is still due (0: nothing to say)."""
        drills = [e.id for e in self.catalog if e.two_sided]
        due = self._one("SELECT 1 AS due FROM notices WHERE key = 'sides' AND shown_at IS NULL")
        if not drills or due is None:
            return 0
        marks = ", ".join("?" for _ in drills)
        row = self._one(
            f"SELECT COUNT(*) AS n FROM sets WHERE athlete_id = ? AND side IS NULL "
            f"AND exercise_id IN ({marks})",
            [athlete.id, *drills],
        )
        return int(row["n"]) if row else 0

    def notice_shown(self, key: str) -> None:
        """Record that the one-time notice `key` was shown (it is not shown again)."""
        self._exec(
            "UPDATE notices SET shown_at = ? WHERE key = ? AND shown_at IS NULL",
            [iso_utc(self.clock.now()), key],
        )

    def side_order(self, athlete: Athlete, exercise_id: str) -> SideOrder:
        """The order the athlete does the sides of a drill in: 'alternate' (L, R, L, R ...,
        the default) or 'one_side_first' (all of one side, then all of the other)."""
        row = self._one(
            "SELECT side_order FROM drill_preferences WHERE athlete_id = ? AND exercise_id = ?",
            [athlete.id, exercise_id],
        )
        return "one_side_first" if row and row["side_order"] == "one_side_first" else "alternate"

    def set_side_order(self, athlete: Athlete, exercise_id: str, order: str) -> SideOrder:
        """Remember the order the athlete does the sides of a two-sided drill in (committed
        when this returns); InvalidValue for an unknown order or a one-sided drill."""
        exercise = self.catalog.get(exercise_id)
        if not exercise.two_sided:
            raise InvalidValue("side_order", f"{exercise.name} is done on one side")
        checked = next((o for o in SIDE_ORDERS if o == order), None)
        if checked is None:
            raise InvalidValue(
                "side_order", f"side order {order!r} is not {' or '.join(SIDE_ORDERS)}"
            )
        self._exec(
            "INSERT INTO drill_preferences (athlete_id, exercise_id, side_order, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (athlete_id, exercise_id) DO UPDATE SET "
            "side_order = excluded.side_order, updated_at = excluded.updated_at",
            [athlete.id, exercise.id, checked, iso_utc(self.clock.now())],
        )
        return checked
