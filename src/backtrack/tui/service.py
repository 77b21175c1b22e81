"""What the screens ask of the log, through the same store and rules calls as the command line.

Every method here may block on SQLite, so the screens call them from thread workers. One lock
serialises them: the connection is shared, and only one piece of database work runs at a
time. Nothing here imports Textual, and no SQL is written here (that lives in `store`).
Importing this module loads neither the store nor the rules (the app's first frame is drawn
before they are needed); a `Gym` is only made from an open store.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from backtrack.clock import Clock, local_date
from backtrack.units import from_kg

if TYPE_CHECKING:
    from backtrack import progression
    from backtrack.models import Athlete, CheckIn, Exercise, Plan, SetEntry, Suggestion
    from backtrack.store import Store


@dataclass(frozen=True)
class SetDraft:
    """The values of one set as the lifter typed them; `load` is in the athlete's unit."""

    reps: int
    load: float
    rom_level: int
    rpe: float | None = None
    pain: int | None = None
    note: str = ""


@dataclass(frozen=True)
class DrillToday:
    """One active drill on today's page: its plan, today's sets and the rules' suggestion."""

    exercise: Exercise
    plan: Plan
    sets: tuple[SetEntry, ...]
    suggestion: Suggestion | None
    suggestion_problem: str = ""

    @property
    def done(self) -> int:
        """How many sets of this drill are logged today."""
        return len(self.sets)

    def prefill(self, athlete: Athlete) -> SetDraft:
        """Reps, load and ROM for the next set: today's last set, else the plan."""
        if self.sets:
            last = self.sets[-1]
            return SetDraft(last.reps, from_kg(last.load_kg, athlete.unit), last.rom_level)
        return SetDraft(
            self.plan.reps_max, from_kg(self.plan.load_kg, athlete.unit), self.plan.rom_level
        )


@dataclass(frozen=True)
class TodayView:
    """Everything the Today screen shows, read in one go."""

    athlete: Athlete
    day: date
    checkin: CheckIn | None
    drills: tuple[DrillToday, ...]


def suggestion_now(
    store: Store, athlete: Athlete, exercise_id: str
) -> tuple[Suggestion | None, str]:
    """What the rules suggest for a drill right now (`progression.current_suggestion`, as
    Today shows it), or None and why not: a bug in the rules must not take a screen down."""
    from backtrack import progression

    try:
        return progression.current_suggestion(store, athlete, exercise_id), ""
    except Exception as exc:
        return None, f"no suggestion: {type(exc).__name__}: {exc}"


class Gym:
    """One athlete's log as the app uses it; every method is safe to call from a worker."""

    def __init__(self, store: Store, athlete: Athlete, clock: Clock) -> None:
        self.store = store
        self.athlete = athlete
        self.clock = clock
        self._lock = threading.Lock()

    @property
    def today(self) -> date:
        """The lifter's local date right now."""
        return local_date(self.clock.now())

    def exercise(self, exercise_id: str) -> Exercise:
        """The catalog entry of a drill (no database work)."""
        return self.store.catalog.get(exercise_id)

    def load(self) -> TodayView:
        """Read today's check-in, and the plan, sets and suggestion of every active drill."""
        with self._lock:
            day = self.today
            drills = []
            for plan in self.store.plans(self.athlete):
                if not plan.active:
                    continue
                exercise = self.store.catalog.get(plan.exercise_id)
                sets = tuple(self.store.session_sets(self.athlete, exercise.id, day))
                suggestion, problem = self._suggestion(exercise.id)
                drills.append(DrillToday(exercise, plan, sets, suggestion, problem))
            checkin = self.store.checkin_on(self.athlete, day)
            return TodayView(self.athlete, day, checkin, tuple(drills))

    def _suggestion(self, exercise_id: str) -> tuple[Suggestion | None, str]:
        return suggestion_now(self.store, self.athlete, exercise_id)

    def check_in(self, pain: int, *, at: datetime | None = None) -> CheckIn:
        """Record 'back pain right now' (as of `at`, when it was answered; default now);
        committed when this returns."""
        with self._lock:
            return self.store.check_in(self.athlete, pain, at=at)

    def log_set(self, exercise_id: str, draft: SetDraft) -> SetEntry:
        """Log one set of a drill now; committed when this returns."""
        with self._lock:
            return self.store.log_set(
                self.athlete,
                exercise_id,
                reps=draft.reps,
                load=draft.load,
                unit=self.athlete.unit,
                rom_level=draft.rom_level,
                rpe=draft.rpe,
                pain=draft.pain,
                note=draft.note or None,
            )

    def update_set(self, set_id: int, draft: SetDraft) -> SetEntry:
        """Replace the values of a logged set with the draft's (blank fields are cleared)."""
        cleared = {
            name
            for name, value in (("rpe", draft.rpe), ("pain", draft.pain), ("note", draft.note))
            if value is None or value == ""
        }
        with self._lock:
            return self.store.update_set(
                set_id,
                reps=draft.reps,
                load=draft.load,
                unit=self.athlete.unit,
                rom_level=draft.rom_level,
                rpe=draft.rpe,
                pain=draft.pain,
                note=draft.note or None,
                clear=frozenset(cleared),
            )

    def delete_set(self, set_id: int) -> SetEntry:
        """Delete a logged set and return what it was."""
        with self._lock:
            return self.store.delete_set(set_id)

    def decide(self, exercise_id: str, *, accept: bool) -> progression.Decision:
        """Accept or decline a drill's current suggestion; the plan changes only on accept."""
        from backtrack import progression

        with self._lock:
            return progression.decide(self.store, self.athlete, exercise_id, accept=accept)

    def close(self) -> None:
        """Close the database once the running piece of work (if any) has finished."""
        with self._lock:
            self.store.close()
