"""Keeping one client out of another's session on a shared screen.

`IdleLock` says when the app has been left alone long enough to lock back to the athlete
picker; `PinGuard` counts wrong PINs per athlete and makes each refusal wait longer. Both
read injected time, so tests drive them with a fake clock and never sleep.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual.clock import Clock

if TYPE_CHECKING:
    from backtrack.models import Athlete

IDLE_ENV = "BACKTRACK_IDLE_LOCK_SECONDS"
DEFAULT_IDLE_SECONDS = 300.0


def idle_seconds_from_env(default: float = DEFAULT_IDLE_SECONDS) -> float:
    """The idle time before locking: ``BACKTRACK_IDLE_LOCK_SECONDS`` if it is a number
    (0 turns the lock off), else `default` (5 minutes)."""
    text = os.environ.get(IDLE_ENV, "").strip()
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        return default
    return seconds if seconds >= 0 and seconds == seconds else default


def needs_picker(athletes: Iterable[Athlete]) -> bool:
    """Whether a session must start at (and lock back to) the picker: more than one active
    athlete, or any athlete with a PIN."""
    active = [a for a in athletes if not a.archived]
    return len(active) > 1 or any(a.has_pin for a in active)


class IdleLock:
    """Time since the last key press or click, read from a (monotonic) Textual clock."""

    def __init__(self, clock: Clock, seconds: float = DEFAULT_IDLE_SECONDS) -> None:
        self.clock = clock
        self.seconds = seconds
        self._last = clock.time

    def touch(self) -> None:
        """Input happened: start counting again."""
        self._last = self.clock.time

    @property
    def idle_for(self) -> float:
        """Seconds since the last input."""
        return self.clock.time - self._last

    @property
    def expired(self) -> bool:
        """True once the app has been idle for `seconds` (never when `seconds` is 0)."""
        return self.seconds > 0 and self.idle_for >= self.seconds


class PinGuard:
    """Wrong PINs in a row, per athlete, and how long the next try must wait.

    Each wrong PIN blocks that athlete's PIN for `delay(failures)` seconds of `clock` time
    (1 s, 2 s, 4 s ... up to 30 s); `wait` returns once the block is over. The count and the
    block live as long as the app, so leaving and reopening the PIN screen skips nothing.
    Tests pass a `MockClock` and move it; nothing here sleeps longer than `POLL_SECONDS`.
    """

    POLL_SECONDS = 0.05

    def __init__(self, clock: Clock, delay: Callable[[int], float] | None = None) -> None:
        """`delay` says how long to refuse after N wrong PINs (`pins.retry_delay` if None)."""
        if delay is None:
            from backtrack.pins import retry_delay  # (hashlib: off the start-up path)

            delay = retry_delay
        self.clock = clock
        self.delay = delay
        self._failures: dict[int, int] = {}
        self._blocked_until: dict[int, float] = {}

    def failures(self, athlete: Athlete) -> int:
        """Wrong PINs in a row for this athlete."""
        return self._failures.get(athlete.id, 0)

    def remaining(self, athlete: Athlete) -> float:
        """Seconds until this athlete's PIN may be tried again (0 when it may now)."""
        return max(self._blocked_until.get(athlete.id, 0.0) - self.clock.time, 0.0)

    def refuse(self, athlete: Athlete) -> float:
        """Count a wrong PIN and block the next try for the delay it earns; return it."""
        count = self._failures.get(athlete.id, 0) + 1
        self._failures[athlete.id] = count
        seconds = self.delay(count)
        self._blocked_until[athlete.id] = self.clock.time + seconds
        return seconds

    async def wait(self, athlete: Athlete) -> None:
        """Return once this athlete's PIN may be tried again."""
        while (left := self.remaining(athlete)) > 0:
            await asyncio.sleep(min(left, self.POLL_SECONDS))

    def accept(self, athlete: Athlete) -> None:
        """The right PIN: the count starts again."""
        self._failures.pop(athlete.id, None)
        self._blocked_until.pop(athlete.id, None)
