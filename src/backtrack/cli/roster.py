"""The `athletes` group: list athletes, add, rename, archive one, set their unit or PIN.

A PIN is read hidden (twice) on a terminal, or from the first line of standard input.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from backtrack.cli.base import CliError, _echo_json, _opened, _valid_name, db_option
from backtrack.cli.params import UNIT

if TYPE_CHECKING:  # the store (sqlite-utils, pydantic) loads when a command opens it
    from backtrack.models import Athlete
    from backtrack.store import Store
    from backtrack.units import Unit


def _athlete_json(person: Athlete) -> dict[str, Any]:
    """An athlete as JSON-ready data: name, unit, archived, whether a PIN is set."""
    return {
        "name": person.name,
        "unit": person.unit,
        "archived": person.archived,
        "has_pin": person.has_pin,
    }


@contextmanager
def _opened_with(db: Path | None, name: str) -> Iterator[tuple[Store, Athlete]]:
    """The store, opened for one command, and the athlete called `name` (ignoring case).

    A usage error when there is no such athlete; a database that does not exist yet is one
    too, and is not created.
    """
    with _opened(db, existing=f"athlete named {name.strip()!r}") as store:
        found = store.find_athlete(name)
        if found is None:
            raise CliError(f"no athlete named {name.strip()!r} (see 'backtrack athletes')")
        yield store, found


def _stdin_is_terminal() -> bool:
    """Whether standard input is a terminal (tests replace this to act as one)."""
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


@click.group(invoke_without_command=True)
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
def athletes_add(name: str, unit: Unit, db: Path | None) -> None:
    """Add an athlete called NAME (1-40 characters, unique ignoring case)."""
    _valid_name(name, "'NAME'")
    with _opened(db) as store:
        if store.find_athlete(name) is not None:
            raise CliError(f"an athlete named {name.strip()!r} already exists")
        person = store.athlete(name, unit=unit)
    click.echo(f"Added {person.name} (loads in {person.unit})")


@athletes.command(name="rename")
@click.argument("old")
@click.argument("new")
@db_option
def athletes_rename(old: str, new: str, db: Path | None) -> None:
    """Rename the athlete OLD to NEW; their log, plans and PIN stay."""
    with _opened_with(db, old) as (store, person):
        person = store.rename_athlete(person, new)
    click.echo(f"Renamed {old.strip()} to {person.name}")


@athletes.command(name="unit")
@click.argument("name")
@click.argument("unit", type=UNIT)
@db_option
def athletes_unit(name: str, unit: Unit, db: Path | None) -> None:
    """Show NAME's loads in UNIT (kg or lb); logged sets keep the unit they were typed in."""
    with _opened_with(db, name) as (store, person):
        person = store.set_unit(person, unit)
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

    with _opened_with(db, name) as (store, person):
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
    with _opened_with(db, name) as (store, person):
        person = store.archive_athlete(person, archived=not undo)
    click.echo(f"{'Restored' if undo else 'Archived'} {person.name}")
