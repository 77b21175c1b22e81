"""How the store writes values down, and the checks it makes before it does.

Times are stored as UTC ISO-8601 text with whole seconds (`2026-11-25T08:15:03Z`), local
calendar dates as `YYYY-MM-DD`; the checks raise InvalidValue naming the field. Nothing here
needs the models, so the import reads and writes with them without loading pydantic
(`values.py`, which turns rows into models, re-exports them).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from backtrack.errors import InvalidValue
from backtrack.text import strip_controls

MAX_NAME_LENGTH = 40
ISO_UTC = "%Y-%m-%dT%H:%M:%SZ"  # how a moment is stored: UTC, whole seconds


def iso_utc(moment: datetime) -> str:
    """Format an aware datetime as UTC text with whole seconds, e.g. 2026-11-25T08:15:03Z."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: give a time zone")
    return moment.astimezone(UTC).strftime(ISO_UTC)


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


def day_bounds(since: date | None, until: date | None) -> tuple[str, str]:
    """[since, until] as ISO text, open ends made inclusive bounds the index can use."""
    return (
        since.isoformat() if since else "0000-01-01",
        until.isoformat() if until else "9999-12-31",
    )
