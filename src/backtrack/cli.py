"""The `backtrack` command line (click).

Every command takes `--db PATH` (env BACKTRACK_DB) and `--athlete NAME` (env
BACKTRACK_ATHLETE, default `me`). Bad input exits with status 2 and a one-line message that
names the bad value, and writes nothing. The TUI is imported only when it runs.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from backtrack import __version__, paths
from backtrack.catalog import Catalog, CatalogError, load_catalog
from backtrack.models import Athlete, Exercise, Plan, SetEntry, Suggestion
from backtrack.store import MAX_LOAD_KG, Store, StoreError
from backtrack.units import format_load, format_number, to_kg

F = TypeVar("F", bound=Callable[..., Any])

USAGE_ERROR = 2


class CliError(click.ClickException):
    """A problem the user can fix; exits with status 2 and a one-line message."""

    exit_code = USAGE_ERROR


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _print_error(message: str) -> None:
    click.echo(f"Error: {_one_line(message)}", err=True)


class BacktrackGroup(click.Group):
    """A click group whose errors are one line on stderr, never a traceback."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:  # type: ignore[override]
        code = 0
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
            if isinstance(result, int) and not isinstance(result, bool):
                code = result
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            _print_error(exc.format_message() + hint)
            code = USAGE_ERROR
        except click.ClickException as exc:
            _print_error(exc.format_message())
            code = exc.exit_code
        except (StoreError, CatalogError) as exc:
            _print_error(str(exc))
            code = USAGE_ERROR
        except click.Abort:
            click.echo("Aborted.", err=True)
            code = 130
        except KeyboardInterrupt:
            click.echo("Aborted.", err=True)
            code = 130
        except BrokenPipeError:
            # The reader went away (e.g. `backtrack export | head`): stop quietly.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            code = 1
        except sqlite3.Error as exc:
            _print_error(f"database error: {exc}")
            code = USAGE_ERROR
        except OSError as exc:
            where = f" {exc.filename}" if exc.filename else ""
            _print_error(f"cannot use{where}: {exc.strerror or exc}")
            code = USAGE_ERROR
        except Exception as exc:
            if os.environ.get("BACKTRACK_DEBUG"):
                raise
            _print_error(
                f"unexpected {type(exc).__name__}: {exc} (set BACKTRACK_DEBUG=1 for details)"
            )
            code = 1
        if standalone_mode:
            sys.exit(code)
        return code


# -- parameter types --------------------------------------------------------------------


class FiniteFloat(click.ParamType):
    """A finite number in [low, high) — click's FloatRange lets nan and inf through."""

    name = "number"

    def __init__(self, low: float = 0.0, high: float | None = None) -> None:
        self.low, self.high = low, high

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if number != number or number in (float("inf"), float("-inf")):
            self.fail(f"{value!r} is not a number", param, ctx)
        if number < self.low or (self.high is not None and number >= self.high):
            upper = f" and below {format_number(self.high)}" if self.high is not None else ""
            self.fail(f"{value} is not {format_number(self.low)} or more{upper}", param, ctx)
        return number


class RPE(click.ParamType):
    """Rate of perceived exertion: 1 to 10 in steps of 0.5."""

    name = "rpe"

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not (1 <= number <= 10) or number * 2 != int(number * 2):
            self.fail(f"{value} is not 1 to 10 in steps of 0.5", param, ctx)
        return number


class Moment(click.ParamType):
    """An ISO-8601 time; without a UTC offset it is local time.

    Converts to (aware datetime, the local date as the lifter lived it).
    """

    name = "iso-8601"

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[datetime, date]:
        if isinstance(value, tuple):
            return value
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not an ISO-8601 time (e.g. 2026-11-25T07:30)", param, ctx)
        try:
            aware = moment.astimezone() if moment.tzinfo is None else moment
        except (OverflowError, OSError, ValueError):
            self.fail(f"{value!r} is out of range", param, ctx)
        if not 1900 <= aware.year <= 9998:
            self.fail(f"{value!r} is out of range", param, ctx)
        return aware, aware.date()


class Day(click.ParamType):
    """A calendar date, YYYY-MM-DD."""

    name = "date"

    def convert(self, value: Any, param: Any, ctx: Any) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


UNIT = click.Choice(["kg", "lb"])


# -- shared options and opening the store ------------------------------------------------


def common_options(func: F) -> F:
    """Add `--db` and `--athlete` to a command."""
    func = click.option(
        "--athlete",
        envvar="BACKTRACK_ATHLETE",
        default="me",
        show_default=True,
        help="Whose log to use (env BACKTRACK_ATHLETE); created on first use.",
    )(func)
    func = click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="BACKTRACK_DB",
        help="The SQLite file (env BACKTRACK_DB; default in the user data folder).",
    )(func)
    return func


def _catalog() -> Catalog:
    return load_catalog()


def _exercise(catalog: Catalog, drill: str) -> Exercise:
    return catalog.get(drill)


@contextmanager
def _opened(db: Path | None, catalog: Catalog | None = None) -> Iterator[Store]:
    store = Store.open(paths.db_path(db), catalog or _catalog())
    try:
        yield store
    finally:
        store.close()


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _plan_words(exercise: Exercise, plan: Plan, athlete: Athlete) -> str:
    load = format_load(plan.load_kg, athlete.unit)
    return (
        f"{plan.sets} x {plan.reps_min}-{plan.reps_max} at {load}, "
        f"ROM {plan.rom_level} — {exercise.rom_label(plan.rom_level)}"
    )


def _set_words(exercise: Exercise, entry: SetEntry) -> str:
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
    return {
        "sets": plan.sets,
        "reps_min": plan.reps_min,
        "reps_max": plan.reps_max,
        "load_kg": round(plan.load_kg, 3),
        "rom_level": plan.rom_level,
    }


# -- the group --------------------------------------------------------------------------


@click.group(
    name="backtrack",
    cls=BacktrackGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@common_options
@click.version_option(__version__, "--version", prog_name="backtrack")
@click.pass_context
def cli(ctx: click.Context, db: Path | None, athlete: str) -> None:
    """backtrack: log and progress the clinic's low-back drills.

    With no command, opens the gym-floor app on today's session.
    """
    if ctx.invoked_subcommand is not None:
        return
    from backtrack.tui.app import run

    run(paths.db_path(db), athlete)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def exercises(as_json: bool) -> None:
    """List the drill catalog."""
    catalog = _catalog()
    if as_json:
        _echo_json(
            [
                {
                    "id": e.id,
                    "name": e.name,
                    "loads": e.loads,
                    "equipment": e.equipment,
                    "cues": e.cues,
                    "sets": e.sets,
                    "reps_min": e.reps_min,
                    "reps_max": e.reps_max,
                    "rest_seconds": e.rest_seconds,
                    "start_load_kg": e.start_load_kg,
                    "load_increment_kg": e.load_increment_kg,
                    "max_load_kg": e.max_load_kg,
                    "max_sets": e.max_sets,
                    "rom": e.rom,
                    "progression": e.progression,
                }
                for e in catalog
            ]
        )
        return
    for e in catalog:
        click.echo(f"{e.id}  {e.name} — loads {e.loads}; {e.equipment}")
        click.echo(
            f"    {e.sets} x {e.reps_min}-{e.reps_max}, rest {e.rest_seconds} s, "
            f"start {format_number(e.start_load_kg)} kg, +{format_number(e.load_increment_kg)} kg "
            f"up to {format_number(e.max_load_kg)} kg, up to {e.max_sets} sets"
        )
        for level, label in enumerate(e.rom, start=1):
            click.echo(f"    ROM {level}: {label}")


@cli.command()
@click.argument("drill")
@click.option("--reps", type=click.IntRange(0, 100), required=True, help="Reps done, 0-100.")
@click.option("--load", type=FiniteFloat(0), help="Load in --unit (default: the plan's).")
@click.option("--unit", type=UNIT, help="Unit of --load (default: the athlete's).")
@click.option("--rom", type=click.IntRange(min=1), help="ROM level, 1 = first (default: plan's).")
@click.option("--rpe", type=RPE(), help="Effort, RPE 1-10 in steps of 0.5.")
@click.option("--rir", type=click.IntRange(0, 9), help="Reps in reserve 0-9 (RPE = 10 - RIR).")
@click.option("--pain", type=click.IntRange(0, 10), help="Back pain during the set, 0-10.")
@click.option("--note", help="A free-text note.")
@click.option("--at", type=Moment(), help="When (ISO-8601; no offset = local). Default: now.")
@common_options
def log(
    drill: str,
    reps: int,
    load: float | None,
    unit: str | None,
    rom: int | None,
    rpe: float | None,
    rir: int | None,
    pain: int | None,
    note: str | None,
    at: tuple[datetime, date] | None,
    db: Path | None,
    athlete: str,
) -> None:
    """Log one set of DRILL; it is committed before the command returns."""
    if rpe is not None and rir is not None:
        raise click.UsageError("give --rpe or --rir, not both")
    if rir is not None:
        rpe = float(10 - rir)
    catalog = _catalog()
    exercise = _exercise(catalog, drill)
    if rom is not None and rom > exercise.max_rom_level:
        raise click.BadParameter(
            f"{rom} is not on the {exercise.name} ladder (1 to {exercise.max_rom_level})",
            param_hint="'--rom'",
        )
    with _opened(db, catalog) as store, store.write():
        person = store.athlete(athlete)
        if load is not None and to_kg(load, unit or person.unit) >= MAX_LOAD_KG:
            raise click.BadParameter(
                f"{format_number(load)} {unit or person.unit} is not below 1000 kg",
                param_hint="'--load'",
            )
        entry = store.log_set(
            person,
            exercise.id,
            reps=reps,
            load=load,
            unit=unit or person.unit,  # type: ignore[arg-type]
            rom_level=rom,
            rpe=rpe,
            pain=pain,
            note=note,
            at=at[0] if at else None,
            session_date=at[1] if at else None,
        )
    click.echo(
        f"Logged {exercise.name} set {entry.set_number} on {entry.session_date} "
        f"for {person.name}: {_set_words(exercise, entry)}"
    )


@cli.command()
@click.option("--pain", type=click.IntRange(0, 10), required=True, help="Back pain now, 0-10.")
@click.option("--at", type=Moment(), help="When (ISO-8601; no offset = local). Default: now.")
@common_options
def checkin(pain: int, at: tuple[datetime, date] | None, db: Path | None, athlete: str) -> None:
    """Record 'back pain right now' (0-10): today's baseline, yesterday's response."""
    with _opened(db) as store, store.write():
        person = store.athlete(athlete)
        entry = store.check_in(person, pain, at=at[0] if at else None, local=at[1] if at else None)
    click.echo(f"Checked in {person.name} on {entry.local_date}: back pain {entry.pain}/10")


@cli.command()
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
    unit: str | None,
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
        if rom is not None and rom > exercise.max_rom_level:
            raise click.BadParameter(
                f"{rom} is not on the {exercise.name} ladder (1 to {exercise.max_rom_level})",
                param_hint="'--rom'",
            )
    with _opened(db, catalog) as store, store.write():
        person = store.athlete(athlete)
        if exercise is not None and changing:
            load_kg = None
            if load is not None:
                load_kg = to_kg(load, unit or person.unit)  # type: ignore[arg-type]
                if load_kg > exercise.max_load_kg + 1e-9:
                    limit = format_load(exercise.max_load_kg, person.unit)
                    raise click.BadParameter(
                        f"{format_number(load)} {unit or person.unit} is above "
                        f"{exercise.name}'s max of {limit}",
                        param_hint="'--load'",
                    )
            store.override_plan(
                person, exercise.id, sets=sets, load_kg=load_kg, rom_level=rom, active=active
            )
        plans = store.plans(person)
    if exercise is not None:
        plans = [p for p in plans if p.exercise_id == exercise.id]
    if as_json:
        _echo_json(
            [{"exercise": p.exercise_id, "active": p.active, **_plan_json(p)} for p in plans]
        )
        return
    click.echo(f"Plans for {person.name} (loads in {person.unit}):")
    for p in plans:
        e = catalog.get(p.exercise_id)
        state = "" if p.active else "  (inactive)"
        click.echo(f"  {e.id:<26} {_plan_words(e, p, person)}{state}")


def _suggestion_json(s: Suggestion) -> dict[str, Any]:
    return {
        "exercise": s.exercise_id,
        "action": s.action,
        "plan": _plan_json(s.plan),
        "reason": s.reason,
    }


@cli.command(name="next")
@click.argument("drill", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@common_options
def next_(drill: str | None, as_json: bool, db: Path | None, athlete: str) -> None:
    """Suggest the next session for each active drill (stored as pending)."""
    from backtrack.progression import next_suggestion

    catalog = _catalog()
    exercise = _exercise(catalog, drill) if drill else None
    with _opened(db, catalog) as store, store.write():
        person = store.athlete(athlete)
        ids = (
            [exercise.id] if exercise else [p.exercise_id for p in store.plans(person) if p.active]
        )
        suggestions = [next_suggestion(store, person, i) for i in ids]
    if as_json:
        _echo_json([_suggestion_json(s) for s in suggestions])
        return
    if not suggestions:
        click.echo(f"No active drills for {person.name}: see `backtrack plan --help`.")
    for s in suggestions:
        e = catalog.get(s.exercise_id)
        click.echo(f"{e.name}: {s.action.replace('_', ' ')}")
        click.echo(f"  {s.reason}")
        click.echo(f"  next time: {_plan_words(e, s.plan, person)}")


def _decide(drill: str, db: Path | None, athlete: str, *, accept: bool) -> None:
    from backtrack.progression import decide

    catalog = _catalog()
    exercise = _exercise(catalog, drill)
    with _opened(db, catalog) as store, store.write():
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


@cli.command()
@click.argument("drill")
@common_options
def accept(drill: str, db: Path | None, athlete: str) -> None:
    """Apply DRILL's suggestion as it stands now (the plan changes)."""
    _decide(drill, db, athlete, accept=True)


@cli.command()
@click.argument("drill")
@common_options
def decline(drill: str, db: Path | None, athlete: str) -> None:
    """Refuse DRILL's suggestion as it stands now (recorded; the plan stays)."""
    _decide(drill, db, athlete, accept=False)


@cli.command()
@click.option(
    "-o",
    "--output",
    default="-",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Write to FILE (through a temporary file); '-' or none: standard output.",
)
@click.option("--since", type=Day(), help="First local date to include (YYYY-MM-DD).")
@click.option("--until", type=Day(), help="Last local date to include (YYYY-MM-DD).")
@click.option("--all-athletes", is_flag=True, help="Every athlete, not just --athlete.")
@common_options
def export(
    output: Path,
    since: date | None,
    until: date | None,
    all_athletes: bool,
    db: Path | None,
    athlete: str,
) -> None:
    """Export sets as CSV, one row per set."""
    from backtrack.export import export_to_file, write_csv

    if since and until and since > until:
        raise click.BadParameter(f"{since} is after --until {until}", param_hint="'--since'")
    with _opened(db) as store:
        person = None if all_athletes else store.athlete(athlete, create=False)
        if str(output) == "-":
            write_csv(store, sys.stdout, athlete=person, since=since, until=until)
            sys.stdout.flush()
            return
        count = export_to_file(store, output, athlete=person, since=since, until=until)
    click.echo(f"Exported {count} sets to {output}", err=True)


@cli.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@common_options
def import_(file: Path, db: Path | None, athlete: str) -> None:
    """Import sets from a CSV made by `backtrack export` (all or nothing)."""
    from backtrack.export import CsvError, import_file

    catalog = _catalog()
    if str(file) == "-":
        text = sys.stdin.read()
        path = None
    else:
        if not file.exists():
            raise click.BadParameter(f"{file} does not exist", param_hint="'FILE'")
        text, path = None, file
    with _opened(db, catalog) as store:
        try:
            added = import_file(store, path, text)
        except CsvError as exc:
            raise CliError(str(exc)) from exc
    click.echo(f"Imported {added} new sets from {file}")


def main() -> None:
    """Entry point of the `backtrack` script."""
    cli(prog_name="backtrack")
