"""The rest countdown and the set stopwatch, read from an injected clock.

Both keep only clock readings, never a running count, so they are exact whatever the tick
rate, and a test that moves a `textual.clock.MockClock` sees the new time at the next read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from textual.clock import Clock

RestState = Literal["idle", "running", "paused", "done"]
FLASH_SECONDS = 3.0  # how long the screen flashes when the rest is over
FLASH_PERIOD = 0.5  # on for one period, off for the next


class Countdown:
    """A rest countdown: start, pause/resume, +/- seconds, skip; `finish` marks zero."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.state: RestState = "idle"
        self.label = ""
        self.total = 0.0
        self._ends_at = 0.0  # clock time of zero, while running
        self._left = 0.0  # seconds left, while paused
        self._done_at = 0.0  # clock time it reached zero

    def start(self, seconds: float, label: str = "") -> None:
        """Start counting down `seconds` now, replacing any countdown in progress."""
        self.label = label
        self.total = max(0.0, seconds)
        self._ends_at = self._clock.time + self.total
        self.state = "running"

    @property
    def remaining(self) -> float:
        """Seconds left, never below zero (0 when idle or done)."""
        if self.state == "running":
            return max(0.0, self._ends_at - self._clock.time)
        if self.state == "paused":
            return self._left
        return 0.0

    @property
    def reached_zero(self) -> bool:
        """True while running with no time left: the moment to ring and `finish`."""
        return self.state == "running" and self._ends_at - self._clock.time <= 0

    def finish(self) -> None:
        """Mark the countdown as over (it stays at 0:00 until started again)."""
        self.state = "done"
        self._done_at = self._clock.time

    @property
    def flashing(self) -> bool:
        """True in the 'on' half of each flash period for a few seconds after zero."""
        if self.state != "done":
            return False
        since = self._clock.time - self._done_at
        return since < FLASH_SECONDS and int(since / FLASH_PERIOD) % 2 == 0

    def toggle_pause(self) -> None:
        """Pause a running countdown, or resume a paused one; otherwise do nothing."""
        if self.state == "running":
            self._left = self.remaining
            self.state = "paused"
        elif self.state == "paused":
            self._ends_at = self._clock.time + self._left
            self.state = "running"

    def adjust(self, seconds: float) -> None:
        """Add (or with a negative number take) seconds; never below zero.

        When the countdown is over or idle, adding time starts a new one of that length.
        """
        if self.state in ("idle", "done"):
            if seconds > 0:
                self.start(seconds, self.label)
            return
        self.total = max(0.0, self.total + seconds)
        if self.state == "running":
            self._ends_at = max(self._clock.time, self._ends_at + seconds)
        else:
            self._left = max(0.0, self._left + seconds)

    def skip(self) -> None:
        """Stop the countdown without ringing."""
        self.state = "idle"


class Stopwatch:
    """Times the set itself (time under tension): start, stop, read."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.running = False
        self._started_at = 0.0
        self._elapsed = 0.0
        self.used = False

    @property
    def elapsed(self) -> float:
        """Seconds on the stopwatch: counting while running, frozen once stopped."""
        if self.running:
            return self._clock.time - self._started_at
        return self._elapsed

    def start(self) -> None:
        """Start from zero."""
        self._started_at = self._clock.time
        self.running = True
        self.used = True

    def stop(self) -> float:
        """Stop and return the seconds it ran."""
        if self.running:
            self._elapsed = self._clock.time - self._started_at
            self.running = False
        return self._elapsed


@dataclass(frozen=True)
class TimerView:
    """What the timer widgets show, in whole seconds (so it changes once a second)."""

    rest_state: RestState = "idle"
    rest_left: int = 0
    rest_total: int = 0
    rest_label: str = ""
    stopwatch: int | None = None
    stopwatch_running: bool = False
    flash: bool = False

    @classmethod
    def of(cls, rest: Countdown, stopwatch: Stopwatch) -> TimerView:
        """Read both timers now."""
        return cls(
            rest_state=rest.state,
            rest_left=math.ceil(rest.remaining - 1e-9),
            rest_total=math.ceil(rest.total),
            rest_label=rest.label,
            stopwatch=int(stopwatch.elapsed) if stopwatch.used else None,
            stopwatch_running=stopwatch.running,
            flash=rest.flashing,
        )


def clock_text(seconds: int) -> str:
    """Seconds as m:ss (or h:mm:ss past an hour), e.g. 90 -> '1:30'."""
    seconds = max(0, seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
