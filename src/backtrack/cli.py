"""The `backtrack` command line (click).

Every command takes `--db PATH` (env BACKTRACK_DB) and `--athlete NAME` (env
BACKTRACK_ATHLETE, default `me`). Bad input exits with status 2 and a one-line message that
names the bad value, and writes nothing. The TUI is imported only when it runs.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from backtrack import __version__, paths
from backtrack.catalog import Catalog, CatalogError, load_catalog
from backtrack.errors import DatabaseBusy, InvalidValue, StoreError
from backtrack.units import MAX_LOAD_KG, format_load, format_number, to_kg

if TYPE_CHECKING:  # the store (sqlite-utils, pydantic) loads when a command opens it
    from backtrack.models import Athlete, Exercise, Plan, SetEntry, Suggestion
    from backtrack.store import Store

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
        except DatabaseBusy as exc:
            # Nothing was saved: give the lifter the command back, ready to run again.
            argv = kwargs.get("args", args[0] if args else None)
            argv = sys.argv[1:] if argv is None else list(argv)
            import shlex

            retry = shlex.join(["backtrack", *argv])
            _print_error(f"{exc}; nothing was saved, so run it again: {retry}")
            code = USAGE_ERROR
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


def _or_given_before(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """The option's value, or the one typed before the command (`backtrack --db X log ...`).

    A value typed on the command itself wins; then one typed on an enclosing group; then
    the environment and the default.
    """
    typed = click.core.ParameterSource.COMMANDLINE
    if param.name is None or ctx.get_parameter_source(param.name) is typed:
        return value
    outer = ctx.parent
    while outer is not None:
        if param.name in outer.params and outer.get_parameter_source(param.name) is typed:
            return outer.params[param.name]
        outer = outer.parent
    return value


db_option = click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="BACKTRACK_DB",
    callback=_or_given_before,
    help="The SQLite file (env BACKTRACK_DB; default in the user data folder).",
)

athlete_option = click.option(
    "--athlete",
    envvar="BACKTRACK_ATHLETE",
    default="me",
    show_default=True,
    callback=_or_given_before,
    help="Whose log to use (env BACKTRACK_ATHLETE); created on first use.",
)


def common_options(func: F) -> F:
    """Add `--db` and `--athlete` to a command (also taken when typed before it)."""
    return db_option(athlete_option(func))


def _catalog() -> Catalog:
    return load_catalog()


def _exercise(catalog: Catalog, drill: str) -> Exercise:
    return catalog.get(drill)


def _db_path(db: Path | None) -> Path:
    """The database to use; a clear error when there is no home folder to find it in."""
    located = db is not None or os.environ.get(paths.DB_ENV) or os.environ.get("XDG_DATA_HOME")
    if not located and not os.environ.get("HOME"):
        raise CliError(
            "HOME is not set, so backtrack cannot find your data folder; "
            "set HOME, or name the database with --db FILE (or BACKTRACK_DB)"
        )
    return paths.db_path(db)


def _valid_name(name: str, hint: str) -> str:
    """`name` trimmed, if it can be an athlete's name; else a usage error naming `hint`."""
    from backtrack.store import validate_athlete_name

    try:
        return validate_athlete_name(name)
    except InvalidValue as exc:
        raise click.BadParameter(str(exc), param_hint=hint) from None


def _unit_before_opening(db: Path | None, unit: str | None) -> str | None:
    """The unit a load will be read in, if known before the database is opened.

    `unit` when given; "kg" when the database does not exist yet (its athletes start in
    kg); else None: the athlete's unit decides once the database is open.
    """
    return unit or (None if _db_path(db).exists() else "kg")


@contextmanager
def _opened(
    db: Path | None,
    catalog: Catalog | None = None,
    *,
    athlete: str | None = None,
    existing: str | None = None,
) -> Iterator[Store]:
    """The store, opened (and created on first use) for one command, closed after it.

    What can be refused without the database is refused before it is opened, so a bad
    value never leaves a new file behind: `athlete`, a name the command will use, must be
    a valid name; with `existing` (what the command needs, e.g. "athlete named 'Ana'"),
    a database that does not exist yet is an error instead of being created.
    """
    from backtrack.store import Store

    path = _db_path(db)
    if athlete is not None:
        _valid_name(athlete, "'--athlete'")
    if existing is not None and not path.exists():
        raise CliError(f"{path} does not exist yet, so there is no {existing} in it")
    store = Store.open(path, catalog or _catalog())
    try:
        yield store
    finally:
        store.close()


def _echo_json(data: Any) -> None:
    import json

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

    With no command, opens the gym-floor app on today's session: --athlete's, or with
    several athletes (or a PIN) the athlete picker first.
    """
    if ctx.invoked_subcommand is not None:
        return
    from backtrack.tui.app import run

    named = ctx.get_parameter_source("athlete") is not click.core.ParameterSource.DEFAULT
    run(_db_path(db), athlete if named else None)


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


def _refuse_log_load(load: float | None, unit: str) -> None:
    """A usage error if a set's `load` in `unit` is not below 1000 kg."""
    if load is not None and to_kg(load, unit) >= MAX_LOAD_KG:  # type: ignore[arg-type]
        raise click.BadParameter(
            f"{format_number(load)} {unit} is not below 1000 kg", param_hint="'--load'"
        )


@cli.command()
@click.option("--pain", type=click.IntRange(0, 10), required=True, help="Back pain now, 0-10.")
@click.option("--at", type=Moment(), help="When (ISO-8601; no offset = local). Default: now.")
@common_options
def checkin(pain: int, at: tuple[datetime, date] | None, db: Path | None, athlete: str) -> None:
    """Record 'back pain right now' (0-10): today's baseline, yesterday's response."""
    with _opened(db, athlete=athlete) as store, store.write():
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
    known_unit = _unit_before_opening(db, unit)
    if exercise is not None and known_unit is not None:
        _refuse_plan_load(exercise, load, known_unit)
    with _opened(db, catalog, athlete=athlete) as store, store.write():
        person = store.athlete(athlete)
        if exercise is not None and changing:
            load_kg = None
            if load is not None:
                _refuse_plan_load(exercise, load, unit or person.unit)
                load_kg = to_kg(load, unit or person.unit)  # type: ignore[arg-type]
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


def _refuse_plan_load(exercise: Exercise, load: float | None, unit: str) -> None:
    """A usage error if a plan's `load` in `unit` is above the drill's max load."""
    if load is not None and to_kg(load, unit) > exercise.max_load_kg + 1e-9:  # type: ignore[arg-type]
        limit = format_load(exercise.max_load_kg, unit)  # type: ignore[arg-type]
        raise click.BadParameter(
            f"{format_number(load)} {unit} is above {exercise.name}'s max of {limit}",
            param_hint="'--load'",
        )


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
    with _opened(db, catalog, athlete=athlete) as store, store.write():
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
    if all_athletes:
        opened = _opened(db)
    else:
        opened = _opened(db, athlete=athlete, existing=f"athlete named {athlete.strip()!r}")
    with opened as store:
        person = None if all_athletes else store.athlete(athlete, create=False)
        if str(output) == "-":
            with _utf8_stdout() as out:
                write_csv(store, out, athlete=person, since=since, until=until)
            return
        count = export_to_file(store, output, athlete=person, since=since, until=until)
    click.echo(f"Exported {count} sets to {output}", err=True)


@contextmanager
def _utf8_stdout() -> Iterator[Any]:
    """Standard output as UTF-8 text with no newline translation, whatever the locale."""
    sys.stdout.flush()
    binary = getattr(sys.stdout, "buffer", None)
    if binary is None:
        yield sys.stdout
        return
    import io

    out = io.TextIOWrapper(binary, encoding="utf-8", newline="")
    try:
        yield out
    finally:
        out.flush()
        out.detach()


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


# -- athletes ---------------------------------------------------------------------------


def _athlete_json(person: Athlete) -> dict[str, Any]:
    return {
        "name": person.name,
        "unit": person.unit,
        "archived": person.archived,
        "has_pin": person.has_pin,
    }


def _existing(store: Store, name: str) -> Athlete:
    found = store.find_athlete(name)
    if found is None:
        raise CliError(f"no athlete named {name.strip()!r} (see 'backtrack athletes')")
    return found


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _read_new_pin() -> str:
    """The new PIN: asked twice with hidden input on a terminal, else one line of stdin."""
    if _stdin_is_terminal():
        return click.prompt(
            "New PIN (4-8 digits)",
            hide_input=True,
            confirmation_prompt="Repeat the PIN",
            show_default=False,
        ).strip()
    line = sys.stdin.readline()
    if not line:
        raise CliError("no PIN on standard input")
    return line.strip()


@cli.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--all", "show_all", is_flag=True, help="Include archived athletes.")
@db_option
@click.pass_context
def athletes(ctx: click.Context, as_json: bool, show_all: bool, db: Path | None) -> None:
    """List the athletes, or add, rename, archive one or set their unit or PIN.

    Other commands choose whose log they use with --athlete NAME. A PIN keeps other clients
    out of an athlete's session on a shared screen; it does not protect the database file.
    """
    if ctx.invoked_subcommand is not None:
        return
    with _opened(db) as store:
        people = store.athletes(include_archived=show_all)
    if as_json:
        _echo_json([_athlete_json(p) for p in people])
        return
    if not people:
        click.echo("No athletes yet: add one with `backtrack athletes add NAME`.")
        return
    width = max(len(p.name) for p in people)
    for p in people:
        flags = [p.unit, "PIN" if p.has_pin else "no PIN"] + (["archived"] if p.archived else [])
        click.echo(f"{p.name:<{width}}  {', '.join(flags)}")


@athletes.command(name="add")
@click.argument("name")
@click.option("--unit", type=UNIT, default="kg", show_default=True, help="Unit loads show in.")
@db_option
def athletes_add(name: str, unit: str, db: Path | None) -> None:
    """Add an athlete called NAME (1-40 characters, unique ignoring case)."""
    _valid_name(name, "'NAME'")
    with _opened(db) as store:
        if store.find_athlete(name) is not None:
            raise CliError(f"an athlete named {name.strip()!r} already exists")
        person = store.athlete(name, unit=unit)  # type: ignore[arg-type]
    click.echo(f"Added {person.name} (loads in {person.unit})")


@athletes.command(name="rename")
@click.argument("old")
@click.argument("new")
@db_option
def athletes_rename(old: str, new: str, db: Path | None) -> None:
    """Rename the athlete OLD to NEW; their log, plans and PIN stay."""
    with _opened(db, existing=f"athlete named {old.strip()!r}") as store:
        person = store.rename_athlete(_existing(store, old), new)
    click.echo(f"Renamed {old.strip()} to {person.name}")


@athletes.command(name="unit")
@click.argument("name")
@click.argument("unit", type=UNIT)
@db_option
def athletes_unit(name: str, unit: str, db: Path | None) -> None:
    """Show NAME's loads in UNIT (kg or lb); logged sets keep the unit they were typed in."""
    with _opened(db, existing=f"athlete named {name.strip()!r}") as store:
        person = store.set_unit(_existing(store, name), unit)  # type: ignore[arg-type]
    click.echo(f"{person.name} now sees loads in {person.unit}")


@athletes.command(name="set-pin")
@click.argument("name")
@click.option("--clear", is_flag=True, help="Remove the PIN instead of setting one.")
@db_option
def athletes_set_pin(name: str, clear: bool, db: Path | None) -> None:
    """Set NAME's PIN (4-8 digits), asked twice with hidden input.

    When standard input is not a terminal, the PIN is read from its first line. Only a
    salted hash is stored; the PIN itself is never shown, logged or saved.
    """
    from backtrack.pins import InvalidPin, validate_pin

    with _opened(db, existing=f"athlete named {name.strip()!r}") as store:
        person = _existing(store, name)
        if clear:
            store.set_pin(person, None)
            click.echo(f"Removed {person.name}'s PIN")
            return
        pin = _read_new_pin()
        try:
            validate_pin(pin)
        except InvalidPin as exc:
            raise CliError(str(exc)) from None
        store.set_pin(person, pin)
    click.echo(f"Set {person.name}'s PIN")


@athletes.command(name="archive")
@click.argument("name")
@click.option("--undo", is_flag=True, help="Bring an archived athlete back.")
@db_option
def athletes_archive(name: str, undo: bool, db: Path | None) -> None:
    """Hide NAME from the picker and the list; their log is kept (--undo restores)."""
    with _opened(db, existing=f"athlete named {name.strip()!r}") as store:
        person = store.archive_athlete(_existing(store, name), archived=not undo)
    click.echo(f"{'Restored' if undo else 'Archived'} {person.name}")


# -- backups ----------------------------------------------------------------------------


@cli.command(name="backup")
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    help="How many backups to keep (env BACKTRACK_BACKUP_KEEP; default 7).",
)
@common_options
def backup_(keep: int | None, db: Path | None, athlete: str) -> None:
    """Back up the database now into backups/ beside it; print the backup's path.

    backtrack also backs up on the first run of each day and before every schema
    upgrade, keeping the newest 7 (see --keep).
    """
    from backtrack.store.backup import backup_now

    click.echo(str(backup_now(_db_path(db), keep=keep)))


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@common_options
def restore(file: Path, db: Path | None, athlete: str) -> None:
    """Replace the database with backup FILE (e.g. one in backups/ beside it).

    FILE must pass SQLite's integrity check. Nothing happens while another backtrack has
    the database open. The file replaced is kept beside it as <name>.replaced-<time>.
    """
    from backtrack.store.backup import restore as restore_backup

    target = _db_path(db)
    replaced = restore_backup(target, file)
    click.echo(f"Restored {target} from {file}")
    if replaced is not None:
        click.echo(f"The file it replaced is kept as {replaced}")


# -- demo -------------------------------------------------------------------------------


@cli.command()
def demo() -> None:
    """Try backtrack on a throwaway database with twelve weeks of a demo athlete's training.

    The database is made in a temporary folder and deleted when you quit the app. Your own
    database (--db, BACKTRACK_DB) is never opened, and --athlete is not used: the demo has
    its own athletes, `demo` and `guest` (whose PIN is printed when the demo starts).
    """
    from backtrack.demo import DEMO_ATHLETE, GUEST_ATHLETE, GUEST_PIN, demo_database

    with demo_database(_catalog(), today=date.today()) as path:
        click.echo(
            f"Demo database in {path.parent} (deleted when you quit). "
            f"Athletes: {DEMO_ATHLETE}, and {GUEST_ATHLETE} with the PIN {GUEST_PIN}.",
            err=True,
        )
        _run_demo(path, DEMO_ATHLETE)


def _run_demo(path: Path, athlete: str) -> None:
    """Open the app on the demo database (tests replace this)."""
    from backtrack.tui.app import run

    run(path, athlete)


def main() -> None:
    """Entry point of the `backtrack` script."""
    cli(prog_name="backtrack")
