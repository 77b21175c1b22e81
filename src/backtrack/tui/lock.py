"""Keeping one client out of another's session on a shared screen.

`IdleLock` says when the app has been left alone long enough to lock back to the athlete
picker; `Hold` waits out the delay a wrong PIN or clinic password earned. The wrong tries and
their delays are counted in the database (store/access.py), so every process on the file
shares them; `Hold` only keeps a screen's field shut meanwhile. Both read injected time, so
tests drive them with a fake clock and never sleep.
"""

from __future__ import annotations

import asyncio
import math
import os
from collections.abc import Iterable
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


class Hold:
    """Waits out a delay the database gave for a PIN or the clinic password, on the app's
    (monotonic) clock. Tests pass a `MockClock` and move it; nothing here sleeps longer
    than `POLL_SECONDS` at a time."""

    POLL_SECONDS = 0.05

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    async def wait(self, seconds: float) -> None:
        """Return once `seconds` of the clock's time have passed."""
        end = self.clock.time + seconds
        while (left := end - self.clock.time) > 0:
            await asyncio.sleep(min(left, self.POLL_SECONDS))


def wait_words(seconds: float) -> str:
    """'3 s': a wait rounded up to whole seconds (never '0 s' while one is running)."""
    return f"{max(1, math.ceil(seconds))} s"
