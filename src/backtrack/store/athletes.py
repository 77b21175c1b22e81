"""Athletes and their PINs: who uses the log, with what unit, and whether they are archived."""

from __future__ import annotations

import sqlite3

from backtrack.errors import InvalidValue, NotFound
from backtrack.models import Athlete
from backtrack.store.bulk import add_athlete_row
from backtrack.store.connection import StoreBase, translate_error
from backtrack.store.values import athlete_from_row, iso_utc, validate_athlete_name
from backtrack.text import strip_controls
from backtrack.units import UNITS, Unit


class AthletesMixin(StoreBase):
    """The Store's athletes: found by name (case-insensitive), created on first use."""

    def find_athlete(self, name: str) -> Athlete | None:
        """The athlete called `name` (case-insensitive, control characters ignored), or None."""
        row = self._one("SELECT * FROM athletes WHERE name = ?", [strip_controls(name).strip()])
        return athlete_from_row(row) if row else None

    def athlete(self, name: str, *, create: bool = True, unit: Unit = "kg") -> Athlete:
        """The athlete called `name`, created (with `unit`) on first use when `create`."""
        found = self.find_athlete(name)
        if found:
            return found
        cleaned = validate_athlete_name(name)
        if not create:
            raise NotFound(f"no athlete named {cleaned!r}")
        with self.write():
            athlete_id = self._athlete_id(cleaned, unit)
        return self.get_athlete(athlete_id)

    def _athlete_id(self, name: str, unit: Unit = "kg") -> int:
        """The id of the athlete called `name`, added with `unit` if new (inside the caller's
        write transaction)."""
        found = self.find_athlete(name)
        if found:
            return found.id
        try:
            return add_athlete_row(self.db.conn, name, unit, self.clock.now())[0]
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) from exc

    def athletes(self, *, include_archived: bool = False) -> list[Athlete]:
        """All athletes by name; archived ones only when asked."""
        where = "" if include_archived else "WHERE archived_at IS NULL"
        rows = self._rows(f"SELECT * FROM athletes {where} ORDER BY name")
        return [athlete_from_row(r) for r in rows]

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
        return athlete_from_row(row)

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
