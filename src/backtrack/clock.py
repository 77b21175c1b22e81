"""Where "now" comes from: the system clock in the app, a fake one in tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current moment as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told to move: for tests and demos."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        """Move the clock forward by a timedelta's keyword arguments (seconds=, days=...)."""
        self._now += timedelta(**delta)


def parse_moment(text: str) -> datetime:
    """ISO-8601 `text` as an aware datetime: with a UTC offset as written, without one in the
    machine's local time zone (the clock on the gym's wall). `backtrack log --at` and the
    import read times through this.

    Raises ValueError for text that is not an ISO-8601 time, and OverflowError for a local
    time the system cannot place (a year it cannot convert).
    """
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        return moment
    try:
        return moment.astimezone()
    except (OverflowError, OSError, ValueError) as exc:
        raise OverflowError(f"{text!r} cannot be placed in local time") from exc


def local_date(moment: datetime) -> date:
    """The calendar date of `moment` in the machine's current time zone."""
    return moment.astimezone().date()
