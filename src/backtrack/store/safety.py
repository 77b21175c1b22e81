"""The clinician's side of safety: per-athlete rule settings, and clearing red flags.

A rule setting is changed only with a reason and a name, and every change is kept
(`rule_setting_changes`: the newest row per key is in force, a NULL value a reset to the
default). Red flags are reported with check-ins (sets.py); a clinician's clearance closes
every red flag reported up to it (`flag_clearances`), and both stay in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from backtrack.errors import InvalidValue
from backtrack.models import Athlete, CheckIn
from backtrack.settings import SPECS, RuleSettings, SettingError, from_values, spec_for
from backtrack.store.connection import StoreBase
from backtrack.store.values import checkin_from_row, iso_utc, parse_utc
from backtrack.text import strip_controls

MAX_REASON_LENGTH = 500
MAX_BY_LENGTH = 60

# The newest change of each rule setting of one athlete.
_NEWEST_SETTINGS = """
    SELECT * FROM rule_setting_changes r
    WHERE athlete_id = :athlete AND id = (
        SELECT MAX(id) FROM rule_setting_changes WHERE athlete_id = r.athlete_id AND key = r.key
    )
"""


@dataclass(frozen=True)
class SettingState:
    """One rule setting as it stands for an athlete: the value in force and, when a
    clinician set it, when, by whom and why (None while it is the default)."""

    key: str
    value: float
    default: float
    changed_at: datetime | None
    changed_by: str | None
    reason: str | None


def clean_words(field: str, text: str, limit: int) -> str:
    """`text` (the --reason or --by of a clinician's change) with its white space folded
    and no terminal control characters (`text.strip_controls`), refused (InvalidValue
    naming `field`) when empty or longer than `limit`. Pure: the command line checks with
    it before it opens the file."""
    cleaned = " ".join(strip_controls(text).split())
    if not cleaned:
        raise InvalidValue(field, f"--{field} must not be empty")
    if len(cleaned) > limit:
        raise InvalidValue(field, f"--{field} is over {limit} characters")
    return cleaned


class SafetyMixin(StoreBase):
    """The Store's rule settings and red-flag clearances."""

    # -- rule settings ---------------------------------------------------------------------

    def rule_settings(self, athlete: Athlete) -> RuleSettings:
        """The thresholds in force for the athlete (the defaults where none was changed)."""
        rows = self._rows(_NEWEST_SETTINGS, {"athlete": athlete.id})
        return from_values({r["key"]: r["value"] for r in rows if r["value"] is not None})

    def rule_setting_states(self, athlete: Athlete) -> list[SettingState]:
        """Every rule setting, in the documented order, as it stands for the athlete."""
        newest = {r["key"]: r for r in self._rows(_NEWEST_SETTINGS, {"athlete": athlete.id})}
        in_force = self.rule_settings(athlete)
        states = []
        for spec in SPECS:
            row = newest.get(spec.key)
            changed = row is not None and row["value"] is not None
            states.append(
                SettingState(
                    key=spec.key,
                    value=in_force.value(spec.key),
                    default=spec.default,
                    changed_at=parse_utc(row["changed_at"]) if row and changed else None,
                    changed_by=row["changed_by"] if row and changed else None,
                    reason=row["reason"] if row and changed else None,
                )
            )
        return states

    def change_rule_setting(
        self, athlete: Athlete, key: str, value: float | None, *, reason: str, by: str
    ) -> RuleSettings:
        """Set `key` to `value` for the athlete (None: back to its default), recorded with
        `reason` and `by`; the settings now in force. InvalidValue (nothing written) for an
        unknown key, a value out of range or a change that breaks a pair of settings."""
        reason = clean_words("reason", reason, MAX_REASON_LENGTH)
        by = clean_words("by", by, MAX_BY_LENGTH)
        with self.write():
            current = self.rule_settings(athlete)
            try:
                changed = current.changed(key, value)
            except SettingError as exc:
                raise InvalidValue(key, str(exc)) from None
            self._exec(
                "INSERT INTO rule_setting_changes (athlete_id, key, value, previous, "
                "changed_at, changed_by, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    athlete.id,
                    spec_for(key).key,
                    value,
                    current.value(key),
                    iso_utc(self.clock.now()),
                    by,
                    reason,
                ],
            )
        return changed

    # -- red flags -------------------------------------------------------------------------

    def open_red_flags(self, athlete: Athlete) -> list[CheckIn]:
        """The athlete's check-ins with red flags that no clinician has cleared, oldest first."""
        rows = self._rows(
            "SELECT * FROM checkins WHERE athlete_id = :athlete AND red_flags != '' "
            "AND id > COALESCE((SELECT MAX(through_checkin_id) FROM flag_clearances "
            "WHERE athlete_id = :athlete), 0) ORDER BY at, id",
            {"athlete": athlete.id},
        )
        return [checkin_from_row(r) for r in rows]

    def clear_red_flags(self, athlete: Athlete, *, reason: str, by: str) -> list[CheckIn]:
        """A clinician clears every open red flag of the athlete (kept in the audit trail);
        the check-ins cleared (none: nothing is written)."""
        reason = clean_words("reason", reason, MAX_REASON_LENGTH)
        by = clean_words("by", by, MAX_BY_LENGTH)
        with self.write():
            flagged = self.open_red_flags(athlete)
            if flagged:
                self._exec(
                    "INSERT INTO flag_clearances (athlete_id, through_checkin_id, cleared_at, "
                    "cleared_by, reason) VALUES (?, ?, ?, ?, ?)",
                    [
                        athlete.id,
                        max(c.id or 0 for c in flagged),
                        iso_utc(self.clock.now()),
                        by,
                        reason,
                    ],
                )
        return flagged
