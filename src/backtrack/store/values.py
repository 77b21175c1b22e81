"""How the store reads rows back into models, and writes plans down (sorted JSON).

The formats of times and dates, and the checks every part of the store applies before it
writes, are in `formats.py` (no models there) and re-exported here.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from backtrack.models import Athlete, CheckIn, Plan, SetEntry
from backtrack.red_flags import split_keys
from backtrack.store.formats import (
    MAX_NAME_LENGTH,
    day_bounds,
    iso_utc,
    optional_date,
    parse_utc,
    validate_athlete_name,
    validate_pain,
    validate_rpe,
)

__all__ = [  # the formats and checks, re-exported: the store's parts import them from here
    "MAX_NAME_LENGTH",
    "SET_SELECT",
    "athlete_from_row",
    "checkin_from_row",
    "day_bounds",
    "iso_utc",
    "optional_date",
    "parse_utc",
    "plan_from_row",
    "plan_json",
    "set_from_row",
    "validate_athlete_name",
    "validate_pain",
    "validate_rpe",
]

# The columns of a set with its athlete's name, as `set_from_row` reads them.
SET_SELECT = "SELECT s.*, a.name AS athlete FROM sets s JOIN athletes a ON a.id = s.athlete_id"


def plan_json(plan: Plan) -> str:
    """The plan as the audit trail stores it: JSON with sorted keys (compared as text)."""
    return json.dumps(plan.model_dump(mode="json"), sort_keys=True)


def athlete_from_row(row: dict[str, Any]) -> Athlete:
    """An athlete from a row of `athletes`."""
    return Athlete(
        id=row["id"],
        name=row["name"],
        unit=row["unit"],
        archived=row["archived_at"] is not None,
        has_pin=row.get("pin") is not None,
    )


def plan_from_row(row: dict[str, Any]) -> Plan:
    """A plan from a row of `plans`."""
    return Plan(
        exercise_id=row["exercise_id"],
        active=bool(row["active"]),
        sets=row["sets"],
        reps_min=row["reps_min"],
        reps_max=row["reps_max"],
        load_kg=row["load_kg"],
        rom_level=row["rom_level"],
    )


def set_from_row(row: dict[str, Any]) -> SetEntry:
    """A logged set from a row of `SET_SELECT`."""
    return SetEntry(
        id=row["id"],
        athlete=row["athlete"],
        exercise_id=row["exercise_id"],
        performed_at=parse_utc(row["performed_at"]),
        session_date=date.fromisoformat(row["session_date"]),
        set_number=row["set_number"],
        side=row.get("side"),
        reps=row["reps"],
        load=row["load"],
        unit=row["unit"],
        load_kg=row["load_kg"],
        rom_level=row["rom_level"],
        rpe=row["rpe"],
        pain=row["pain"],
        note=row["note"],
    )


def checkin_from_row(row: dict[str, Any]) -> CheckIn:
    """A check-in from a row of `checkins`."""
    return CheckIn(
        id=row["id"],
        at=parse_utc(row["at"]),
        local_date=date.fromisoformat(row["local_date"]),
        pain=row["pain"],
        red_flags=split_keys(row.get("red_flags")),
        note=row.get("note"),
    )
