"""How the store writes values down and reads rows back.

Times are stored as UTC ISO-8601 text with whole seconds (`2026-11-25T08:15:03Z`), local
calendar dates as `YYYY-MM-DD` and plans as sorted JSON. The checks here are the ones every
part of the store applies before it writes (they raise InvalidValue naming the field); the
row readers turn a row of `SELECT *` into its model.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from backtrack.errors import InvalidValue
from backtrack.models import Athlete, CheckIn, Plan, SetEntry
from backtrack.red_flags import split_keys
from backtrack.text import strip_controls

MAX_NAME_LENGTH = 40

# The columns of a set with its athlete's name, as `set_from_row` reads them.
SET_SELECT = "SELECT s.*, a.name AS athlete FROM sets s JOIN athletes a ON a.id = s.athlete_id"


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


def optional_date(text: str | None) -> date | None:
    """A stored `YYYY-MM-DD` as a date, None kept."""
    return date.fromisoformat(text) if text else None


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
    """Return the name without terminal control characters (`text.strip_controls`),
    trimmed, if it is then 1-40 printable characters, else raise InvalidValue."""
    cleaned = strip_controls(name).strip()
    if not cleaned:
        raise InvalidValue("athlete", "the athlete's name is empty")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidValue("athlete", f"the athlete's name is over {MAX_NAME_LENGTH} characters")
    if any(not ch.isprintable() for ch in cleaned):
        raise InvalidValue("athlete", f"the athlete's name {cleaned!r} has control characters")
    return cleaned


def plan_json(plan: Plan) -> str:
    """The plan as the audit trail stores it: JSON with sorted keys (compared as text)."""
    return json.dumps(plan.model_dump(mode="json"), sort_keys=True)


def day_bounds(since: date | None, until: date | None) -> tuple[str, str]:
    """[since, until] as ISO text, open ends made inclusive bounds the index can use."""
    return (
        since.isoformat() if since else "0000-01-01",
        until.isoformat() if until else "9999-12-31",
    )


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
