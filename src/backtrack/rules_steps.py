"""The rules' plan steps and words: one step up or down a drill's plan, and plans, sets and
numbers in the words the reasons use. Pure, like rules.py, which is their only user."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from backtrack.models import Axis, Exercise, Plan, PlanChange, SetEntry
from backtrack.units import Unit, format_load

EPSILON_KG = 1e-9  # float slack when comparing loads with caps and starting values
PROGRESS_AXIS: dict[str, Axis] = {
    "progress_rom": "rom",
    "progress_load": "load",
    "progress_volume": "volume",
}
REGRESS_ORDER: tuple[Axis, ...] = ("rom", "load", "volume")


def _utc(moment: datetime) -> datetime:
    """`moment` as an aware datetime; a naive one is taken to be UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


# -- plan steps ----------------------------------------------------------------------------


def step_up(exercise: Exercise, plan: Plan, axis: Axis) -> Plan | None:
    """One step up on `axis`, never past its cap; None when the axis is at (or above) its cap."""
    if axis == "rom":
        if plan.rom_level >= exercise.max_rom_level:
            return None
        return plan.model_copy(update={"rom_level": plan.rom_level + 1})
    if axis == "load":
        if plan.load_kg >= exercise.max_load_kg - EPSILON_KG:
            return None
        load = min(plan.load_kg + exercise.load_increment_kg, exercise.max_load_kg)
        return plan.model_copy(update={"load_kg": clean(load)})
    if plan.sets >= exercise.max_sets:
        return None
    return plan.model_copy(update={"sets": plan.sets + 1})


def step_down(exercise: Exercise, plan: Plan, axis: Axis) -> Plan | None:
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
        return plan.model_copy(update={"load_kg": clean(load)})
    if plan.sets <= exercise.sets:
        return None
    return plan.model_copy(update={"sets": plan.sets - 1})


def regress_step(
    exercise: Exercise, plan: Plan, changes: Sequence[PlanChange]
) -> tuple[Axis, Plan] | None:
    """The regress step: undo the last progression not undone yet if it stays at or above
    start, else one step down on the first axis above start (ROM, load, sets); None if none is.
    """
    undo = last_progression(changes)
    for axis in ([undo] if undo is not None else []) + list(REGRESS_ORDER):
        stepped = step_down(exercise, plan, axis)
        if stepped is not None:
            return axis, stepped
    return None


def last_progression(changes: Sequence[PlanChange]) -> Axis | None:
    """The axis of the most recent accepted progression that no regress has undone yet.

    Accepted rules changes are walked in time order as a stack: a progression pushes its
    axis, a regress pops the newest one. Holds and clinician overrides are skipped.
    """
    stack: list[Axis] = []
    for change in sorted(changes, key=lambda c: _utc(c.at)):  # stable: ties keep their order
        if change.kind in PROGRESS_AXIS:
            stack.append(PROGRESS_AXIS[change.kind])
        elif change.kind == "regress" and stack:
            stack.pop()
    return stack[-1] if stack else None


def clean(kg: float) -> float:
    """A load without float noise (2.5 + 0.1 steps stay readable)."""
    return round(kg, 6)


# -- words ---------------------------------------------------------------------------------


def axis_text(exercise: Exercise, plan: Plan, axis: Axis, unit: Unit) -> str:
    """The plan's value on `axis` in words: 'ROM level 3 — fingertips to toes', '22.5 kg'."""
    if axis == "rom":
        return rom_text(exercise, plan.rom_level)
    if axis == "load":
        return format_load(plan.load_kg, unit)
    return f"{plan.sets} sets"


def rom_text(exercise: Exercise, level: int) -> str:
    """'ROM level 2 — fingertips to mid-shin' (or just 'ROM level 6' off the ladder)."""
    if 1 <= level <= exercise.max_rom_level:
        return f"ROM level {level} — {exercise.rom_label(level)}"
    return f"ROM level {level}"


def plan_text(exercise: Exercise, plan: Plan, unit: Unit) -> str:
    """'3 x 6-8 at 0 kg, ROM level 1 — fingertips to knees'."""
    reps = (
        str(plan.reps_min) if plan.reps_min == plan.reps_max else f"{plan.reps_min}-{plan.reps_max}"
    )
    return (
        f"{plan.sets} x {reps} at {format_load(plan.load_kg, unit)}, "
        f"{rom_text(exercise, plan.rom_level)}"
    )


def points(count: int) -> str:
    """'1 point', '2 points'."""
    return f"{count} point" if count == 1 else f"{count} points"


def set_names(sets: Sequence[SetEntry]) -> str:
    """'set 2', 'sets 1 and 3', 'sets 1, 2 and 3'."""
    numbers = [str(s.set_number) for s in sets]
    return f"{'set' if len(numbers) == 1 else 'sets'} {join(numbers)}"


def join(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"
