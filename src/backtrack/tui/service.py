"""What the screens ask of the log, through the same store and rules calls as the command line.

Every method here may block on SQLite, so the screens call them from thread workers. One lock
serialises them: the connection is shared, and only one piece of database work runs at a
time. Nothing here imports Textual, and no SQL is written here (that lives in `store`).
Importing this module loads neither the store nor the rules (the app's first frame is drawn
before they are needed); a `Gym` is only made from an open store.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from backtrack.clock import Clock, local_date
from backtrack.units import from_kg

if TYPE_CHECKING:
    from backtrack import progression
    from backtrack.models import (
        Athlete,
        CheckIn,
        Exercise,
        Plan,
        SetEntry,
        Side,
        SideOrder,
        Suggestion,
    )
    from backtrack.store import Store

SIDES: tuple[Side, Side] = ("L", "R")
# How the side order reads on screen, and the other order (the order key switches to it).
ORDER_WORDS: dict[SideOrder, str] = {
    "alternate": "sides alternate: L R L R …",
    "one_side_first": "all left, then all right",
}
OTHER_ORDER: dict[SideOrder, SideOrder] = {
    "alternate": "one_side_first",
    "one_side_first": "alternate",
}


def other_side(side: Side) -> Side:
    """R for L, L for R."""
    return "R" if side == "L" else "L"


def in_order_logged(sets: Iterable[SetEntry]) -> list[SetEntry]:
    """The sets in the order they were logged (by moment, then by id)."""
    return sorted(sets, key=lambda s: (s.performed_at, s.id or 0))


def next_side(order: SideOrder, sets: Sequence[SetEntry], per_side: int) -> Side:
    """The side the next set of a two-sided drill is offered on, after today's `sets`:
    L to start; then by the lifter's order, the other side ('alternate') or the same side
    ('one_side_first'), unless that side has its `per_side` sets and the other has not
    (so alternating evens the sides up, and one side first moves on after its last set)."""
    sided = [s for s in in_order_logged(sets) if s.side is not None]
    if not sided:
        return "L"
    last: Side = "R" if sided[-1].side == "R" else "L"
    done = {side: sum(1 for s in sided if s.side == side) for side in SIDES}
    preferred, fallback = (
        (other_side(last), last) if order == "alternate" else (last, other_side(last))
    )
    if done[preferred] < per_side or done[fallback] >= per_side:
        return preferred
    return fallback


@dataclass(frozen=True)
class SetDraft:
    """The values of one set as the lifter typed them; `load` is in the athlete's unit;
    `side` is L or R for a two-sided drill, else None."""

    reps: int
    load: float
    rom_level: int
    rpe: float | None = None
    pain: int | None = None
    note: str = ""
    side: Side | None = None


@dataclass(frozen=True)
class DrillToday:
    """One active drill on today's page: its plan, today's sets (in the order logged) and
    the rules' suggestion; for a two-sided drill, the order the lifter does the sides in."""

    exercise: Exercise
    plan: Plan
    sets: tuple[SetEntry, ...]
    suggestion: Suggestion | None
    suggestion_problem: str = ""
    side_order: SideOrder = "alternate"

    @property
    def done(self) -> int:
        """How many sets of this drill are logged today."""
        return len(self.sets)

    @property
    def left(self) -> int:
        """How many of today's sets are on the left."""
        return sum(1 for s in self.sets if s.side == "L")

    @property
    def right(self) -> int:
        """How many of today's sets are on the right."""
        return sum(1 for s in self.sets if s.side == "R")

    @property
    def next_side(self) -> Side | None:
        """The side the next set is offered on (two-sided drills; else None)."""
        if not self.exercise.two_sided:
            return None
        return next_side(self.side_order, self.sets, self.plan.sets)

    def next_numbers(self) -> dict[Side | None, int]:
        """The number the next set takes, on each side (one-sided drills: under None), as
        the store numbers it."""
        sides: tuple[Side | None, ...] = SIDES if self.exercise.two_sided else (None,)
        return {
            side: max((s.set_number for s in self.sets if s.side == side), default=0) + 1
            for side in sides
        }

    def prefill(self, athlete: Athlete, side: Side | None = None) -> SetDraft:
        """Reps, load and ROM for the next set (on `side`, by default the side offered
        next): today's last set on that side, else today's last set, else the plan."""
        side = side or self.next_side
        same_side = [s for s in self.sets if s.side == side]
        last = same_side[-1] if same_side else self.sets[-1] if self.sets else None
        if last is not None:
            return SetDraft(
                last.reps, from_kg(last.load_kg, athlete.unit), last.rom_level, side=side
            )
        return SetDraft(
            self.plan.reps_max,
            from_kg(self.plan.load_kg, athlete.unit),
            self.plan.rom_level,
            side=side,
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
    large_view: bool = False  # the athlete's choice of bigger numbers (b on Today)


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
                if exercise.two_sided:  # the sides' sets as they were done, not L 1, R 1 ...
                    order = self.store.side_order(self.athlete, exercise.id)
                    drill = DrillToday(
                        exercise, plan, tuple(in_order_logged(sets)), suggestion, problem, order
                    )
                else:
                    drill = DrillToday(exercise, plan, sets, suggestion, problem)
                drills.append(drill)
            checkin = self.store.checkin_on(self.athlete, day)
            large = self.store.large_view(self.athlete)
            return TodayView(self.athlete, day, checkin, tuple(drills), tuple(stopped), large)

    def _suggestion(self, exercise_id: str) -> tuple[Suggestion | None, str]:
        return suggestion_now(self.store, self.athlete, exercise_id)

    def set_large_view(self, on: bool) -> None:
        """Remember whether the athlete wants Today's large view (committed on return)."""
        with self._lock:
            self.store.set_large_view(self.athlete, on)

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
                side=draft.side,
            )

    def set_side_order(self, exercise_id: str, order: SideOrder) -> SideOrder:
        """Remember the order the lifter does a two-sided drill's sides in (committed when
        this returns)."""
        with self._lock:
            return self.store.set_side_order(self.athlete, exercise_id, order)

    def sides_notice(self) -> int:
        """How many of the lifter's sets of two-sided drills were logged before sides
        existed, when that is still to be said (then it is marked said: it is said once);
        0 when there is nothing to say."""
        with self._lock:
            count = self.store.unsided_sets_notice(self.athlete)
            if count:
                self.store.notice_shown("sides")
            return count

    def update_set(self, set_id: int, draft: SetDraft) -> SetEntry:
        """Replace the values of a logged set with the draft's (blank fields are cleared);
        its side stays what it was logged on."""
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
