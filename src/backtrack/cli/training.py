"""Training commands: log a set, check in, show or set plans, and the next-session rules.

`log`, `checkin`, `plan`, `next`, `accept` and `decline`, with the words and JSON they print.
These are light commands: they never import the TUI.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import click

from backtrack.catalog import Catalog
from backtrack.cli.base import _catalog, _db_path, _echo_json, _opened, common_options
from backtrack.cli.params import RPE, UNIT, FiniteFloat, Moment
from backtrack.red_flags import RED_FLAGS
from backtrack.units import MAX_LOAD_KG, Unit, format_load, format_number, to_kg

if TYPE_CHECKING:  # the models (pydantic) load when a command opens the store
    from backtrack.models import Athlete, Exercise, Plan, Suggestion
    from backtrack.store.quick_log import LoggedSet


class _Drill(Protocol):
    """What a command's checks and words need of a drill (`Exercise`, or `QuickDrill`)."""

    @property
    def name(self) -> str: ...

    @property
    def max_rom_level(self) -> int: ...

    @property
    def two_sided(self) -> bool: ...

    def rom_label(self, level: int) -> str: ...


class _Set(Protocol):
    """What a logged set's words need (`SetEntry`, or the quick path's `LoggedSet`)."""

    @property
    def reps(self) -> int: ...

    @property
    def load(self) -> float: ...

    @property
    def unit(self) -> str: ...

    @property
    def rom_level(self) -> int: ...

    @property
    def rpe(self) -> float | None: ...

    @property
    def pain(self) -> int | None: ...

    @property
    def note(self) -> str | None: ...


class _LoggedSet(_Set, Protocol):
    """A set as `log` reports it: its number in the session, its side and its date."""

    @property
    def set_number(self) -> int: ...

    @property
    def side(self) -> str | None: ...

    @property
    def session_date(self) -> date: ...


def _exercise(catalog: Catalog, drill: str) -> Exercise:
    """The drill with id `drill`; an UnknownExercise naming close ids when there is none."""
    return catalog.get(drill)


def _unit_before_opening(db: Path | None, unit: Unit | None) -> Unit | None:
    """The unit a load will be read in, if known before the database is opened.

    `unit` when given; "kg" when the database does not exist yet (its athletes start in
    kg); else None: the athlete's unit decides once the database is open.
    """
    return unit or (None if _db_path(db).exists() else "kg")


def _refuse_rom(exercise: _Drill, rom: int | None) -> None:
    """A usage error if `rom` is not a level on the drill's ROM ladder."""
    if rom is not None and rom > exercise.max_rom_level:
        raise click.BadParameter(
            f"{rom} is not on the {exercise.name} ladder (1 to {exercise.max_rom_level})",
            param_hint="'--rom'",
        )


def _plan_words(exercise: Exercise, plan: Plan, athlete: Athlete) -> str:
    """A plan in words: '3 x 8-12 at 10 kg, ROM 2 — <the level's label>'."""
    load = format_load(plan.load_kg, athlete.unit)
    return (
        f"{plan.sets} x {plan.reps_min}-{plan.reps_max} at {load}, "
        f"ROM {plan.rom_level} — {exercise.rom_label(plan.rom_level)}"
    )


def _set_words(exercise: _Drill, entry: _Set) -> str:
    """A logged set in words, in the unit it was typed in, with RPE, pain and note if given."""
    parts = [
        f"{entry.reps} reps at {format_number(entry.load)} {entry.unit}",
        f"ROM {entry.rom_level} — {exercise.rom_label(entry.rom_level)}",
    ]
    if entry.rpe is not None:
        parts.append(f"RPE {format_number(entry.rpe)}")
    if entry.pain is not None:
        parts.append(f"pain {entry.pain}/10")
    if entry.note:
        parts.append(f"note: {entry.note}")
    return ", ".join(parts)


def _plan_json(plan: Plan) -> dict[str, Any]:
    """A plan as JSON-ready data (the load in kg, rounded to 3 decimals)."""
    return {
        "sets": plan.sets,
        "reps_min": plan.reps_min,
        "reps_max": plan.reps_max,
        "load_kg": round(plan.load_kg, 3),
        "rom_level": plan.rom_level,
    }


@click.command()
@click.argument("drill")
@click.option("--reps", type=click.IntRange(0, 100), required=True, help="Reps done, 0-100.")
@click.option("--load", type=FiniteFloat(0), help="Load in --unit (default: the plan's).")
@click.option("--unit", type=UNIT, help="Unit of --load (default: the athlete's).")
@click.option("--rom", type=click.IntRange(min=1), help="ROM level, 1 = first (default: plan's).")
@click.option("--rpe", type=RPE(), help="Effort, RPE 1-10 in steps of 0.5.")
@click.option("--rir", type=click.IntRange(0, 9), help="Reps in reserve 0-9 (RPE = 10 - RIR).")
@click.option("--pain", type=click.IntRange(0, 10), help="Back pain during the set, 0-10.")
@click.option("--note", help="A free-text note.")
@click.option(
    "--side",
    type=click.Choice(["L", "R"], case_sensitive=False),
    help="L or R: required for a two-sided drill (side bend, windmill), refused for others.",
)
@click.option("--at", type=Moment(), help="When (ISO-8601; no offset = local). Default: now.")
@common_options
def log(
    drill: str,
    reps: int,
    load: float | None,
    unit: Unit | None,
    rom: int | None,
    rpe: float | None,
    rir: int | None,
    pain: int | None,
    note: str | None,
    side: str | None,
    at: tuple[datetime, date] | None,
    db: Path | None,
    athlete: str,
) -> None:
    """Log one set of DRILL; it is committed before the command returns."""
    if rpe is not None and rir is not None:
        raise click.UsageError("give --rpe or --rir, not both")
    if rir is not None:
        rpe = float(10 - rir)
    quick = _log_quickly(
        drill,
        db,
        athlete,
        reps=reps,
        load=load,
        unit=unit,
        rom=rom,
        rpe=rpe,
        pain=pain,
        note=note,
        side=side,
        at=at,
    )
    if quick is not None:
        click.echo(_logged_words(*quick))
        return
    catalog = _catalog()
    exercise = _exercise(catalog, drill)
    _refuse_rom(exercise, rom)
    _refuse_side(exercise, side)
    known_unit = _unit_before_opening(db, unit)
    if known_unit is not None:
        _refuse_log_load(load, known_unit)
    with _opened(db, catalog, athlete=athlete) as store, store.write():
        person = store.athlete(athlete)
        _refuse_log_load(load, unit or person.unit)
        entry = store.log_set(
            person,
            exercise.id,
            reps=reps,
            load=load,
            unit=unit or person.unit,
            rom_level=rom,
            rpe=rpe,
            pain=pain,
            note=note,
            at=at[0] if at else None,
            session_date=at[1] if at else None,
            side=side.upper() if side else None,
        )
    click.echo(_logged_words(exercise, person.name, entry))


def _logged_words(exercise: _Drill, name: str, entry: _LoggedSet) -> str:
    """What `log` prints of a set it logged for the athlete called `name`."""
    return (
        f"Logged {exercise.name} set {entry.set_number}{_side_words(entry.side)} on "
        f"{entry.session_date} for {name}: {_set_words(exercise, entry)}"
    )


class _NotPlain(Exception):
    """The quick path met what only the store does (see `store/quick_log.py`)."""


def _log_quickly(
    drill: str,
    db: Path | None,
    athlete: str,
    *,
    reps: int,
    load: float | None,
    unit: Unit | None,
    rom: int | None,
    rpe: float | None,
    pain: int | None,
    note: str | None,
    side: str | None,
    at: tuple[datetime, date] | None,
) -> tuple[_Drill, str, LoggedSet] | None:
    """`log`'s plain case without pydantic or sqlite-utils: the drill, the athlete's name and
    the set, committed; or None, with nothing written, for `log` to do it the full way.

    The catalog is checked by `catalog_quick` and the set written by `store.quick_log`;
    the refusals on the way are the full path's own, made in the same order (the drill, its
    ROM and side, the load in a known unit, the athlete's name before the file is opened).
    """
    from backtrack.catalog_quick import quick_catalog
    from backtrack.store.quick_log import QuickLog, plain_name

    catalog = quick_catalog()
    if catalog is None:
        return None
    exercise = catalog.get(drill)
    _refuse_rom(exercise, rom)
    _refuse_side(exercise, side)
    known_unit = _unit_before_opening(db, unit)
    if known_unit is not None:
        _refuse_log_load(load, known_unit)
    path = _db_path(db)
    if note is not None or not plain_name(athlete) or not path.exists():
        return None
    try:
        with QuickLog.opened(path) as store, store.write():
            person = store.athlete(athlete)
            if person is None:
                raise _NotPlain
            _refuse_log_load(load, unit or person.unit)
            entry = store.log_set(
                person,
                exercise,
                reps=reps,
                load=load,
                unit=unit or person.unit,
                rom_level=rom,
                rpe=rpe,
                pain=pain,
                at=at[0] if at else None,
                session_date=at[1] if at else None,
                side=side.upper() if side else None,
            )
            if entry is None:
                raise _NotPlain
    except _NotPlain:
        return None
    return exercise, person.name, entry


def _side_words(side: str | None) -> str:
    """' on the left' / ' on the right' for a set with a side, else ''."""
    return {"L": " on the left", "R": " on the right"}.get(side or "", "")


def _refuse_side(exercise: _Drill, side: str | None) -> None:
    """A usage error unless `side` is given for a two-sided drill and only for one."""
    if exercise.two_sided and side is None:
        raise click.UsageError(f"{exercise.name} is done on both sides: give --side L or --side R")
    if not exercise.two_sided and side is not None:
        raise click.BadParameter(
            f"{exercise.name} is done on one side: leave out --side", param_hint="'--side'"
        )


def _refuse_log_load(load: float | None, unit: Unit) -> None:
    """A usage error if a set's `load` in `unit` is not below 1000 kg."""
    if load is not None and to_kg(load, unit) >= MAX_LOAD_KG:
        raise click.BadParameter(
            f"{format_number(load)} {unit} is not below 1000 kg", param_hint="'--load'"
        )


CHECKIN_HELP = (
    "Record 'back pain right now' (0-10): today's baseline, yesterday's response.\n\n"
    "Never prompts. With --red-flag KEY (repeatable) it records red-flag symptoms and "
    "prints what to do; at or above the athlete's flare level it prints the flare "
    "guidance.\n\n\b\nRed flags (KEY: the question):\n"
    + "\n".join(f"  {flag.key}: {flag.question}" for flag in RED_FLAGS)
)


@click.command(help=CHECKIN_HELP)
@click.option("--pain", type=click.IntRange(0, 10), required=True, help="Back pain now, 0-10.")
@click.option(
    "--red-flag",
    "flags",
    multiple=True,
    type=click.Choice([flag.key for flag in RED_FLAGS]),
    help="A red-flag symptom since the last session (repeat for more; see below).",
)
@click.option("--note", help="A free-text note.")
@click.option("--at", type=Moment(), help="When (ISO-8601; no offset = local). Default: now.")
@common_options
def checkin(
    pain: int,
    flags: tuple[str, ...],
    note: str | None,
    at: tuple[datetime, date] | None,
    db: Path | None,
    athlete: str,
) -> None:
    from backtrack.progression import check_in

    with _opened(db, athlete=athlete) as store, store.write():
        person = store.athlete(athlete)
        outcome = check_in(
            store,
            person,
            pain,
            at=at[0] if at else None,
            local=at[1] if at else None,
            flags=flags,
            flags_asked=bool(flags),
            note=note,
        )
    entry = outcome.checkin
    click.echo(f"Checked in {person.name} on {entry.local_date}: back pain {entry.pain}/10")
    if outcome.red_flag_advice:
        click.echo(f"RED FLAG ({', '.join(entry.red_flags)}): {outcome.red_flag_advice}")
        click.echo("  Training is stopped until a clinician clears it (backtrack clear-flag).")
    if outcome.flare:
        click.echo(f"FLARE: {outcome.flare}")


@click.command()
@click.argument("drill", required=False)
@click.option("--sets", type=click.IntRange(min=1), help="Sets per session (1 to max sets).")
@click.option("--load", type=FiniteFloat(0), help="Load in --unit (0 to the drill's max).")
@click.option("--unit", type=UNIT, help="Unit of --load (default: the athlete's).")
@click.option("--rom", type=click.IntRange(min=1), help="ROM level on the drill's ladder.")
@click.option("--active/--inactive", default=None, help="Include the drill in sessions or not.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@common_options
def plan(
    drill: str | None,
    sets: int | None,
    load: float | None,
    unit: Unit | None,
    rom: int | None,
    active: bool | None,
    as_json: bool,
    db: Path | None,
    athlete: str,
) -> None:
    """Show the current plans, or set DRILL's plan (a clinician's override, audited)."""
    changing = any(v is not None for v in (sets, load, rom, active))
    if unit is not None and load is None:
        raise click.UsageError("--unit goes with --load")
    if changing and drill is None:
        raise click.UsageError("name the DRILL whose plan to change")
    catalog = _catalog()
    exercise = _exercise(catalog, drill) if drill else None
    if exercise is not None:
        if sets is not None and sets > exercise.max_sets:
            raise click.BadParameter(
                f"{sets} is not 1 to {exercise.max_sets} for {exercise.name}", param_hint="'--sets'"
            )
        _refuse_rom(exercise, rom)
    known_unit = _unit_before_opening(db, unit)
    if exercise is not None and known_unit is not None:
        _refuse_plan_load(exercise, load, known_unit)
    with _opened(db, catalog, athlete=athlete) as store, store.write():
        person = store.athlete(athlete)
        if exercise is not None and changing:
            load_kg = None
            if load is not None:
                _refuse_plan_load(exercise, load, unit or person.unit)
                load_kg = to_kg(load, unit or person.unit)
            store.override_plan(
                person, exercise.id, sets=sets, load_kg=load_kg, rom_level=rom, active=active
            )
        plans = store.plans(person)
        stopped = store.stopped_drills(person)
    if exercise is not None:
        plans = [p for p in plans if p.exercise_id == exercise.id]
    if as_json:
        _echo_json(
            [
                {
                    "exercise": p.exercise_id,
                    "active": p.active,
                    **_plan_json(p),
                    "stopped": p.exercise_id in stopped,
                }
                for p in plans
            ]
        )
        return
    click.echo(f"Plans for {person.name} (loads in {person.unit}):")
    for p in plans:
        e = catalog.get(p.exercise_id)
        state = "" if p.active else "  (inactive)"
        if p.exercise_id in stopped:
            state += f"  (stopped {stopped[p.exercise_id].at:%Y-%m-%d})"
        click.echo(f"  {e.id:<26} {_plan_words(e, p, person)}{state}")


def _refuse_plan_load(exercise: Exercise, load: float | None, unit: Unit) -> None:
    """A usage error if a plan's `load` in `unit` is above the drill's max load."""
    if load is not None and to_kg(load, unit) > exercise.max_load_kg + 1e-9:
        limit = format_load(exercise.max_load_kg, unit)
        raise click.BadParameter(
            f"{format_number(load)} {unit} is above {exercise.name}'s max of {limit}",
            param_hint="'--load'",
        )


def _suggestion_json(s: Suggestion) -> dict[str, Any]:
    """A suggestion as JSON-ready data: drill, action, the plan it proposes and why."""
    return {
        "exercise": s.exercise_id,
        "action": s.action,
        "plan": _plan_json(s.plan),
        "reason": s.reason,
    }


@click.command(name="next")
@click.argument("drill", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@common_options
def next_(drill: str | None, as_json: bool, db: Path | None, athlete: str) -> None:
    """Suggest the next session for each active drill (stored as pending)."""
    from backtrack.progression import next_suggestion

    catalog = _catalog()
    exercise = _exercise(catalog, drill) if drill else None
    with _opened(db, catalog, athlete=athlete) as store, store.write():
        person = store.athlete(athlete)
        stopped = store.stopped_drills(person)
        ids = (
            [exercise.id]
            if exercise
            else [
                p.exercise_id
                for p in store.plans(person)
                if p.active and p.exercise_id not in stopped
            ]
        )
        suggestions = [next_suggestion(store, person, i) for i in ids]
    if as_json:
        _echo_json([_suggestion_json(s) for s in suggestions])
        return
    if not suggestions and not stopped:
        click.echo(f"No active drills for {person.name}: see `backtrack plan --help`.")
    for s in suggestions:
        e = catalog.get(s.exercise_id)
        click.echo(f"{e.name}: {s.action.replace('_', ' ')}")
        click.echo(f"  {s.reason}")
        if s.action != "stop" and s.rule != "stopped":
            click.echo(f"  next time: {_plan_words(e, s.plan, person)}")
    for drill_id, mark in [] if exercise else sorted(stopped.items()):
        click.echo(
            f"{catalog.get(drill_id).name}: stopped on {mark.at:%Y-%m-%d} ({mark.reason}); "
            f"your clinician can resume it with `backtrack plan {drill_id} --active`"
        )


def _decide(drill: str, db: Path | None, athlete: str, *, accept: bool) -> None:
    """Accept or decline DRILL's suggestion as it stands now, and say what became of the plan."""
    from backtrack.progression import decide

    catalog = _catalog()
    exercise = _exercise(catalog, drill)
    with _opened(db, catalog, athlete=athlete) as store, store.write():
        person = store.athlete(athlete)
        decision = decide(store, person, exercise.id, accept=accept)
    s = decision.suggestion
    verb = "Accepted" if accept else "Declined"
    judged = f" (judging the session of {s.session_date})" if s.session_date else ""
    click.echo(f"{verb} for {exercise.name}: {s.action.replace('_', ' ')}{judged}")
    click.echo(f"  {s.reason}")
    if decision.plan != decision.before:
        click.echo(f"  plan now: {_plan_words(exercise, decision.plan, person)}")
    else:
        click.echo(f"  plan unchanged: {_plan_words(exercise, decision.plan, person)}")


@click.command()
@click.argument("drill")
@common_options
def accept(drill: str, db: Path | None, athlete: str) -> None:
    """Apply DRILL's suggestion as it stands now (the plan changes)."""
    _decide(drill, db, athlete, accept=True)


@click.command()
@click.argument("drill")
@common_options
def decline(drill: str, db: Path | None, athlete: str) -> None:
    """Refuse DRILL's suggestion as it stands now (recorded; the plan stays)."""
    _decide(drill, db, athlete, accept=False)
