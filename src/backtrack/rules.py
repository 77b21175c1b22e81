"""The progression rules: what the next session of a drill should be, and why.

Everything here is pure: the rules read the drill, its plan, the last two sessions, the
athlete's check-ins and the plan's history, and return a `Suggestion`. No SQL, no screens,
no clock; the same input always gives the same answer.

In plain words, the newest session S of a drill is judged once (a session whose suggestion
was accepted or declined is not judged again: log the next one). A set *counts* toward the
plan when it was done at the plan's load (within 0.01 kg) and at least its ROM level.
The baseline is the latest "back pain right now" check-in in the 24 hours before S's first
set; the response is the first check-in on a later local date, at most 96 hours after S's
last set. Then, first match wins:

1. regress if any set hurt above 5/10 (pain-monitoring model, Silbernagel et al. 2007);
2. regress if back pain rose 2 points or more from baseline to response (the smallest change
   that matters, Farrar 2001, Ostelo 2008);
3. regress if S and the session before it both had 2 or more counted sets below the rep range;
4. hold if the baseline or the response check-in is missing (and say which to record);
5. hold if a set hurt at 4 or 5/10, or back pain rose by 1 point: fine to train, not to progress;
6. progress if at least the plan's sets counted and every counted set reached the top of the
   rep range at RPE 7 or easier with pain 3 or less: one step on the first axis of the drill's
   progression order (ROM, load or sets) that is not at its cap;
7. hold otherwise, naming what was missing.

A regress undoes the most recent accepted progression not undone yet; without one it steps
down the first axis above its starting value (ROM, then load, then sets). A drill already at
its starting plan is not regressed: the lifter is told to stop it and contact their clinician.
Exactly one plan variable changes on a progress or regress, none on a hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from backtrack.models import (
    EASY_RPE,
    PAIN_CHANGE_THAT_MATTERS,
    PAIN_LIMIT,
    PAIN_PROGRESS_MAX,
    Action,
    Axis,
    CheckIn,
    Exercise,
    Plan,
    PlanChange,
    SetEntry,
    Suggestion,
)
from backtrack.units import Unit, format_load, format_number

LOAD_TOLERANCE_KG = 0.01  # a set within this of the plan's load counts (lb rounding)
EPSILON_KG = 1e-9  # float slack when comparing loads with caps and starting values
BASELINE_WINDOW = timedelta(hours=24)
RESPONSE_WINDOW = timedelta(hours=96)
MISSED_SETS = 2  # counted sets below the rep range, in two sessions running, that regress

_PROGRESS_ACTION: dict[Axis, Action] = {
    "rom": "progress_rom",
    "load": "progress_load",
    "volume": "progress_volume",
}
_AXIS_OF_CHANGE: dict[str, Axis] = {kind: axis for axis, kind in _PROGRESS_ACTION.items()}
_REGRESS_ORDER: tuple[Axis, ...] = ("rom", "load", "volume")
_STOP = "stop this drill and contact your clinician"


def suggest(
    exercise: Exercise,
    plan: Plan,
    session: Sequence[SetEntry],
    previous: Sequence[SetEntry],
    checkins: Sequence[CheckIn],
    changes: Sequence[PlanChange],
    last_judged: date | None,
    unit: Unit = "kg",
) -> Suggestion:
    """Judge the drill's newest session and suggest the next plan, with a one-line reason.

    `session` is S (the newest session's sets), `previous` the session before it, `checkins`
    the athlete's check-ins, `changes` the drill's accepted plan changes, `last_judged` the
    newest session date already judged. Never changes more than one plan variable.
    """
    if not session:
        return _hold(
            exercise,
            plan,
            f"No session logged yet: start here — {_plan_text(exercise, plan, unit)}",
        )
    day = max(s.session_date for s in session)
    if last_judged is not None and day <= last_judged:
        return _hold(
            exercise,
            plan,
            f"Your session on {day.isoformat()} has already been judged: "
            f"log your next session at this plan ({_plan_text(exercise, plan, unit)})",
        )

    sets = _ordered(session)
    baseline = _baseline(sets, checkins)
    response = _response(sets, day, checkins)
    judge = _Judge(exercise, plan, day, changes, unit)

    # 1. a set hurt above the acceptable limit
    hurt = [s for s in sets if s.pain is not None and s.pain > PAIN_LIMIT]
    if hurt:
        worst = max(hurt, key=lambda s: s.pain or 0)
        return judge.regress(f"Set {worst.set_number} hurt at {worst.pain}/10 (above {PAIN_LIMIT})")

    # 2. back pain rose by a change that matters
    if baseline is not None and response is not None:
        rise = response.pain - baseline.pain
        if rise >= PAIN_CHANGE_THAT_MATTERS:
            return judge.regress(
                f"Back pain rose from {baseline.pain} to {response.pain} by the next check-in "
                f"({PAIN_CHANGE_THAT_MATTERS} points or more)"
            )

    # 3. missed the rep range twice running at this plan
    if (
        len(_missed(sets, plan)) >= MISSED_SETS
        and len(_missed(_ordered(previous), plan)) >= MISSED_SETS
    ):
        return judge.regress(
            f"Two sessions in a row with {MISSED_SETS} or more sets below {plan.reps_min} reps"
        )

    # 4. a check-in the rules need is missing
    if baseline is None or response is None:
        return judge.hold(_missing_checkin_reason(day, baseline is None, response is None))

    # 5. acceptable, but not a day to progress
    sore = [s for s in sets if s.pain is not None and s.pain > PAIN_PROGRESS_MAX]
    if sore:
        worst = max(sore, key=lambda s: s.pain or 0)
        return judge.hold(
            f"Set {worst.set_number} hurt at {worst.pain}/10 (up to {PAIN_LIMIT} is acceptable): "
            "keep training at this plan, but not a day to progress"
        )
    if response.pain - baseline.pain == 1:
        return judge.hold(
            f"Back pain rose from {baseline.pain} to {response.pain} by the next check-in "
            "(1 point): keep training at this plan, but not a day to progress"
        )

    # 6. every counted set at the top of the range, easy and pain-free enough
    gaps = _gaps(sets, plan)
    if not gaps:
        return judge.progress(_success_text(sets, plan))

    # 7. anything else
    return judge.hold(
        f"Keep this plan: {'; '.join(gaps)}. To progress: {plan.sets} sets of {plan.reps_max} "
        f"reps at RPE {format_number(EASY_RPE)} or easier with pain {PAIN_PROGRESS_MAX} or less"
    )


# -- judging one session -------------------------------------------------------------------


class _Judge:
    """Builds the suggestion for one session S: holds, progress steps and regress steps."""

    def __init__(
        self,
        exercise: Exercise,
        plan: Plan,
        day: date,
        changes: Sequence[PlanChange],
        unit: Unit,
    ) -> None:
        self.exercise = exercise
        self.plan = plan
        self.day = day
        self.changes = changes
        self.unit = unit

    def hold(self, reason: str) -> Suggestion:
        """A hold that judges S: the plan as it is."""
        return _hold(self.exercise, self.plan, reason, self.day)

    def progress(self, because: str) -> Suggestion:
        """One step up on the first axis of the progression order not at its cap, else hold."""
        for axis in self.exercise.progression:
            stepped = _step_up(self.exercise, self.plan, axis)
            if stepped is not None:
                return self._suggestion(
                    _PROGRESS_ACTION[axis],
                    stepped,
                    f"{because}: next time, {_axis_text(self.exercise, stepped, axis, self.unit)}",
                )
        return self.hold(
            f"{because}, and every step is at its cap: top of the ladder — "
            "review the plan with your clinician"
        )

    def regress(self, because: str) -> Suggestion:
        """Undo the last progression not undone yet, else step down the first axis above start.

        With every axis at (or below) its starting value it is a hold telling the lifter to
        stop the drill and contact their clinician.
        """
        step = _regress_step(self.exercise, self.plan, self.changes)
        if step is None:
            return self.hold(f"{because}, and this drill is already at its starting plan: {_STOP}")
        axis, stepped = step
        return self._suggestion(
            "regress",
            stepped,
            f"{because}: back to {_axis_text(self.exercise, stepped, axis, self.unit)}",
        )

    def _suggestion(self, action: Action, plan: Plan, reason: str) -> Suggestion:
        return Suggestion(
            exercise_id=self.exercise.id,
            action=action,
            plan=plan,
            reason=reason,
            session_date=self.day,
        )


def _hold(exercise: Exercise, plan: Plan, reason: str, day: date | None = None) -> Suggestion:
    """A hold at `plan`, judging the session of `day` (None: no session is judged)."""
    return Suggestion(
        exercise_id=exercise.id, action="hold", plan=plan, reason=reason, session_date=day
    )


# -- sets ----------------------------------------------------------------------------------


def _ordered(sets: Sequence[SetEntry]) -> list[SetEntry]:
    """The sets by set number (then time), so 'set N' names the lifter's own numbering."""
    return sorted(sets, key=lambda s: (s.set_number, _utc(s.performed_at)))


def _below_load(entry: SetEntry, plan: Plan) -> bool:
    """Whether the set was lighter than the plan (beyond the lb rounding tolerance)."""
    return entry.load_kg < plan.load_kg - LOAD_TOLERANCE_KG


def _below_rom(entry: SetEntry, plan: Plan) -> bool:
    """Whether the set was done at a lower ROM level than the plan's."""
    return entry.rom_level < plan.rom_level


def _counts(entry: SetEntry, plan: Plan) -> bool:
    """Whether the set counts toward `plan`: at its load (within 0.01 kg) and ROM or above."""
    return not _below_load(entry, plan) and not _below_rom(entry, plan)


def _counted(sets: Sequence[SetEntry], plan: Plan) -> list[SetEntry]:
    """The sets that count toward `plan`, in the given order."""
    return [s for s in sets if _counts(s, plan)]


def _missed(sets: Sequence[SetEntry], plan: Plan) -> list[SetEntry]:
    """Counted sets that fell short of the bottom of the plan's rep range."""
    return [s for s in _counted(sets, plan) if s.reps < plan.reps_min]


def _gaps(sets: Sequence[SetEntry], plan: Plan) -> list[str]:
    """What stands between S and a progression, one phrase each; empty: S earns one."""
    counted = _counted(sets, plan)
    gaps: list[str] = []
    if len(counted) < plan.sets:
        gaps.append(_uncounted_text(sets, plan, len(counted)))
    if counted:
        reached = [s for s in counted if s.reps >= plan.reps_max]
        if len(reached) < len(counted):
            gaps.append(f"{len(reached)} of {len(counted)} sets reached {plan.reps_max} reps")
    no_rpe = [s for s in counted if s.rpe is None]
    if no_rpe:
        gaps.append(f"RPE not recorded on {_set_names(no_rpe)}")
    hard = [s for s in counted if s.rpe is not None and s.rpe > EASY_RPE]
    if hard:
        gaps.append(
            _join([f"set {s.set_number} was RPE {format_number(s.rpe or 0)}" for s in hard])
        )
    no_pain = [s for s in counted if s.pain is None]
    if no_pain:
        gaps.append(f"pain not recorded on {_set_names(no_pain)}")
    sore = [s for s in counted if s.pain is not None and s.pain > PAIN_PROGRESS_MAX]
    if sore:  # caught earlier by the pain rules; kept so this list alone is complete
        gaps.append(_join([f"set {s.set_number} hurt at {s.pain}/10" for s in sore]))
    return gaps


def _uncounted_text(sets: Sequence[SetEntry], plan: Plan, counted: int) -> str:
    """'only 2 of 3 sets counted: set 3 was below the plan's load', or '... logged'."""
    short: dict[str, list[SetEntry]] = {"load": [], "ROM": [], "load and ROM": []}
    for entry in sets:
        if _below_load(entry, plan) and _below_rom(entry, plan):
            short["load and ROM"].append(entry)
        elif _below_load(entry, plan):
            short["load"].append(entry)
        elif _below_rom(entry, plan):
            short["ROM"].append(entry)
    why = _join(
        [
            f"{_set_names(group)} {'was' if len(group) == 1 else 'were'} below the plan's {what}"
            for what, group in short.items()
            if group
        ]
    )
    if not why:
        return f"only {counted} of {plan.sets} sets logged"
    if counted == 0:
        return f"no set counted: {why}"
    return f"only {counted} of {plan.sets} sets counted: {why}"


def _success_text(sets: Sequence[SetEntry], plan: Plan) -> str:
    """'All 3 sets reached 8 reps at RPE 7 or easier with pain 3 or less'."""
    counted = _counted(sets, plan)
    noun = "sets" if len(counted) == len(sets) else "counted sets"
    return (
        f"All {len(counted)} {noun} reached {plan.reps_max} reps at RPE "
        f"{format_number(EASY_RPE)} or easier with pain {PAIN_PROGRESS_MAX} or less"
    )


# -- check-ins -----------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    """`moment` as an aware datetime; a naive one is taken to be UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _checkin_key(checkin: CheckIn) -> tuple[datetime, int, int]:
    """A total order on check-ins, so ties never depend on the input's order."""
    return (_utc(checkin.at), checkin.id if checkin.id is not None else -1, checkin.pain)


def _baseline(sets: Sequence[SetEntry], checkins: Sequence[CheckIn]) -> CheckIn | None:
    """The latest check-in in the 24 hours up to S's first set (both ends included)."""
    first = min(_utc(s.performed_at) for s in sets)
    window = [c for c in checkins if first - BASELINE_WINDOW <= _utc(c.at) <= first]
    return max(window, key=_checkin_key, default=None)


def _response(sets: Sequence[SetEntry], day: date, checkins: Sequence[CheckIn]) -> CheckIn | None:
    """The earliest check-in on a later local date than S, at most 96 hours after its last set."""
    last = max(_utc(s.performed_at) for s in sets)
    window = [c for c in checkins if c.local_date > day and _utc(c.at) <= last + RESPONSE_WINDOW]
    return min(window, key=_checkin_key, default=None)


def _missing_checkin_reason(day: date, no_baseline: bool, no_response: bool) -> str:
    """Which check-in to record so the next session can be judged."""
    after = day.isoformat()
    if no_baseline and no_response:
        return (
            f"No check-in before this session and none the day after {after}: record "
            "'back pain right now' before you start and again the next morning"
        )
    if no_baseline:
        return "No check-in before this session: record 'back pain right now' before you start"
    return (
        f"No next-day check-in after {after}: record 'back pain right now' "
        "(the next morning is best)"
    )


# -- plan steps ----------------------------------------------------------------------------


def _step_up(exercise: Exercise, plan: Plan, axis: Axis) -> Plan | None:
    """One step up on `axis`, never past its cap; None when the axis is at (or above) its cap."""
    if axis == "rom":
        if plan.rom_level >= exercise.max_rom_level:
            return None
        return plan.model_copy(update={"rom_level": plan.rom_level + 1})
    if axis == "load":
        if plan.load_kg >= exercise.max_load_kg - EPSILON_KG:
            return None
        load = min(plan.load_kg + exercise.load_increment_kg, exercise.max_load_kg)
        return plan.model_copy(update={"load_kg": _clean(load)})
    if plan.sets >= exercise.max_sets:
        return None
    return plan.model_copy(update={"sets": plan.sets + 1})


def _step_down(exercise: Exercise, plan: Plan, axis: Axis) -> Plan | None:
    """One step down on `axis`, never below its start; None when it is at (or below) its start.

    Load steps down by the drill's increment, stopping at the starting load.
    """
    if axis == "rom":
        if plan.rom_level <= 1:
            return None
        return plan.model_copy(update={"rom_level": plan.rom_level - 1})
    if axis == "load":
        if plan.load_kg <= exercise.start_load_kg + EPSILON_KG:
            return None
        load = max(plan.load_kg - exercise.load_increment_kg, exercise.start_load_kg)
        return plan.model_copy(update={"load_kg": _clean(load)})
    if plan.sets <= exercise.sets:
        return None
    return plan.model_copy(update={"sets": plan.sets - 1})


def _regress_step(
    exercise: Exercise, plan: Plan, changes: Sequence[PlanChange]
) -> tuple[Axis, Plan] | None:
    """The regress step: undo the last progression not undone yet if it stays at or above
    start, else one step down on the first axis above start (ROM, load, sets); None if none is.
    """
    undo = _last_progression(changes)
    for axis in ([undo] if undo is not None else []) + list(_REGRESS_ORDER):
        stepped = _step_down(exercise, plan, axis)
        if stepped is not None:
            return axis, stepped
    return None


def _last_progression(changes: Sequence[PlanChange]) -> Axis | None:
    """The axis of the most recent accepted progression that no regress has undone yet.

    Accepted rules changes are walked in time order as a stack: a progression pushes its
    axis, a regress pops the newest one. Holds and clinician overrides are skipped.
    """
    stack: list[Axis] = []
    for change in sorted(changes, key=lambda c: _utc(c.at)):  # stable: ties keep their order
        if change.kind in _AXIS_OF_CHANGE:
            stack.append(_AXIS_OF_CHANGE[change.kind])
        elif change.kind == "regress" and stack:
            stack.pop()
    return stack[-1] if stack else None


def _clean(kg: float) -> float:
    """A load without float noise (2.5 + 0.1 steps stay readable)."""
    return round(kg, 6)


# -- words ---------------------------------------------------------------------------------


def _axis_text(exercise: Exercise, plan: Plan, axis: Axis, unit: Unit) -> str:
    """The plan's value on `axis` in words: 'ROM level 3 — fingertips to toes', '22.5 kg'."""
    if axis == "rom":
        return _rom_text(exercise, plan.rom_level)
    if axis == "load":
        return format_load(plan.load_kg, unit)
    return f"{plan.sets} sets"


def _rom_text(exercise: Exercise, level: int) -> str:
    """'ROM level 2 — fingertips to mid-shin' (or just 'ROM level 6' off the ladder)."""
    if 1 <= level <= exercise.max_rom_level:
        return f"ROM level {level} — {exercise.rom_label(level)}"
    return f"ROM level {level}"


def _plan_text(exercise: Exercise, plan: Plan, unit: Unit) -> str:
    """'3 x 6-8 at 0 kg, ROM level 1 — fingertips to knees'."""
    reps = (
        str(plan.reps_min) if plan.reps_min == plan.reps_max else f"{plan.reps_min}-{plan.reps_max}"
    )
    return (
        f"{plan.sets} x {reps} at {format_load(plan.load_kg, unit)}, "
        f"{_rom_text(exercise, plan.rom_level)}"
    )


def _set_names(sets: Sequence[SetEntry]) -> str:
    """'set 2', 'sets 1 and 3', 'sets 1, 2 and 3'."""
    numbers = [str(s.set_number) for s in sets]
    return f"{'set' if len(numbers) == 1 else 'sets'} {_join(numbers)}"


def _join(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"
