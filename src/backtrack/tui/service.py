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
class StoppedDrill:
    """A drill the rules stopped (a pain stop, accepted): out of the session until a
    clinician resumes it with `backtrack plan DRILL --active`."""

    exercise: Exercise
    at: datetime
    reason: str

    @property
    def resume(self) -> str:
        """The command a clinician runs to put it back in sessions."""
        return f"backtrack plan {self.exercise.id} --active"


@dataclass(frozen=True)
class TodayView:
    """Everything the Today screen shows, read in one go: the session's drills, and apart
    from them the drills the rules stopped."""

    athlete: Athlete
    day: date
    checkin: CheckIn | None
    drills: tuple[DrillToday, ...]
    stopped: tuple[StoppedDrill, ...] = ()


@dataclass(frozen=True)
class CheckInAnswer:
    """A check-in as the lifter answered it, kept until it is saved: back pain at the moment
    it was given, the red-flag symptoms reported, and whether the questions were asked."""

    pain: int
    at: datetime
    flags: tuple[str, ...] = ()
    flags_asked: bool = False

    def replaced_by(self, newer: CheckInAnswer) -> CheckInAnswer:
        """`newer`, answered while this one was not saved yet: its pain and moment, with the
        symptoms of both (a new pain number never takes back a reported symptom)."""
        flags = (*self.flags, *(f for f in newer.flags if f not in self.flags))
        return CheckInAnswer(newer.pain, newer.at, flags, self.flags_asked or newer.flags_asked)


def refusal(suggestion: Suggestion | None, today: date) -> str:
    """Why accept and decline do nothing for `suggestion` today, in one line ('' when they
    act, or when there is no suggestion). A suggestion that is no decision says the rules'
    reason (`progression.nothing_to_decide`); a hold on today's session waits for the
    next day's check-in."""
    if suggestion is None or can_decide(suggestion, today):
        return ""
    if not suggestion.decidable:
        from backtrack import progression

        return progression.nothing_to_decide(suggestion)
    if suggestion.session_date is None:
        return ""
    return (
        "nothing to decide yet: today's session is judged on tomorrow's check-in "
        "(its 24-hour pain response)"
    )


def can_decide(suggestion: Suggestion | None, today: date) -> bool:
    """True when the suggestion judges a session and deciding it now makes sense.

    Not for a suggestion that is no decision (it waits for a check-in, or for a clinician:
    `Suggestion.decidable`). A hold on today's session is left open too: deciding it would
    close the session before the next day's check-in could judge it properly.
    """
    if suggestion is None or suggestion.session_date is None or not suggestion.decidable:
        return False
    return not (suggestion.action == "hold" and suggestion.session_date >= today)


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
        """Read today's check-in, the plan, sets and suggestion of every active drill in the
        session, and the active drills the rules stopped (out of the session)."""
        with self._lock:
            day = self.today
            marks = self.store.stopped_drills(self.athlete)
            drills, stopped = [], []
            for plan in self.store.plans(self.athlete):
                if not plan.active:
                    continue
                exercise = self.store.catalog.get(plan.exercise_id)
                mark = marks.get(exercise.id)
                if mark is not None:
                    stopped.append(StoppedDrill(exercise, mark.at, mark.reason))
                    continue
                sets = tuple(self.store.session_sets(self.athlete, exercise.id, day))
                suggestion, problem = self._suggestion(exercise.id)
                drills.append(DrillToday(exercise, plan, sets, suggestion, problem))
            checkin = self.store.checkin_on(self.athlete, day)
            return TodayView(self.athlete, day, checkin, tuple(drills), tuple(stopped))

    def _suggestion(self, exercise_id: str) -> tuple[Suggestion | None, str]:
        return suggestion_now(self.store, self.athlete, exercise_id)

    def ask_red_flags(self, pain: int) -> bool:
        """Whether a check-in of `pain` goes on to the red-flag questions
        (`progression.ask_red_flags`)."""
        from backtrack import progression

        with self._lock:
            return progression.ask_red_flags(self.store, self.athlete, pain)

    def check_in(self, answer: CheckInAnswer) -> progression.CheckInOutcome:
        """Record a check-in as it was answered (as of its moment, with any red flags);
        committed when this returns, with what to tell the lifter now (red-flag advice,
        flare guidance)."""
        from backtrack import progression

        with self._lock:
            return progression.check_in(
                self.store,
                self.athlete,
                answer.pain,
                at=answer.at,
                flags=answer.flags,
                flags_asked=answer.flags_asked,
            )

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
