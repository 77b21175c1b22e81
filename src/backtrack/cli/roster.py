"""The `athletes` group: list athletes, add, rename, archive one, set their unit or PIN.

A PIN is read hidden (twice) on a terminal, or a line of standard input. Changing or
removing a PIN needs the current one, or the clinic password for a lifter who forgot theirs
(with no clinic password set, `--clear --forgotten` removes it, on the access trail).
"""

from __future__ import annotations

import math
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
    from backtrack.store.access import PinAuthority
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


def _read_new_pin() -> str:
    """The new PIN: asked twice with hidden input on a terminal, else a line of stdin."""
    from backtrack.cli.asking import ask_new_secret

    return ask_new_secret("New PIN (4-8 digits)", "Repeat the PIN", "new PIN").strip()


def _looks_like_pin(secret: str) -> bool:
    """Whether `secret` has a PIN's shape (4-8 digits): a clinic password never has."""
    from backtrack.pins import InvalidPin, validate_pin

    try:
        validate_pin(secret)
    except InvalidPin:
        return False
    return True


def _wait_text(seconds: float) -> str:
    return f"{max(1, math.ceil(seconds))} s"


def _authorize_pin_change(store: Store, person: Athlete, secret: str) -> PinAuthority:
    """How the change of `person`'s PIN is allowed: their current PIN, or the clinic
    password (each try throttled and counted in the database); a usage error otherwise."""
    if _looks_like_pin(secret):
        attempt = store.try_pin(person, secret, via="command line")
        if attempt.ok:
            return "pin"
        what = f"{person.name}'s PIN"
    else:
        if not store.has_clinic_password():
            raise CliError(
                f"that is not a PIN (4-8 digits), and no clinic password is set; if "
                f"{person.name} forgot their PIN, remove it with "
                f"`backtrack athletes set-pin '{person.name}' --clear --forgotten`"
            )
        attempt = store.try_clinic_password(secret, via="command line")
        if attempt.ok:
            return "clinic"
        what = "the clinic password"
    if not attempt.checked:
        raise CliError(
            f"too soon after a wrong try of {what}: wait {_wait_text(attempt.wait)} and try "
            "again (this try was not checked)"
        )
    raise CliError(
        f"wrong PIN or clinic password for {person.name} (recorded); the next try must wait "
        f"{_wait_text(attempt.wait)}"
    )


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
        was = person.name
        person = store.rename_athlete(person, new)
    click.echo(f"Renamed {was} to {person.name}")


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
@click.option(
    "--forgotten",
    is_flag=True,
    help="With --clear and no clinic password set: remove a PIN the athlete forgot "
    "(written to the access log, and told to the athlete at their next sign-in).",
)
@db_option
def athletes_set_pin(name: str, clear: bool, forgotten: bool, db: Path | None) -> None:
    """Set, change or (--clear) remove NAME's PIN (4-8 digits).

    When NAME has a PIN, the current PIN is asked first; a lifter who forgot theirs gives
    the clinic password instead (see `backtrack clinic-password`). Wrong tries wait longer
    each time (up to 30 s), and are written to the access log. From a pipe, one line each:
    the current PIN or clinic password (when NAME has a PIN), then the new PIN. On a
    terminal, input is hidden and the new PIN is asked twice. Only a salted hash is stored;
    the PIN itself is never shown, logged or saved.
    """
    from backtrack.cli.asking import ask_secret, stdin_is_terminal
    from backtrack.pins import InvalidPin, validate_pin

    if forgotten and not clear:
        raise CliError("--forgotten only removes a PIN: give it with --clear")
    with _opened_with(db, name) as (store, person):
        if forgotten:
            if not person.has_pin:
                click.echo(f"{person.name} has no PIN; nothing to remove")
                return
            if store.has_clinic_password():
                raise CliError(
                    f"a clinic password is set: remove {person.name}'s forgotten PIN with it "
                    f"(`backtrack athletes set-pin '{person.name}' --clear`, without --forgotten)"
                )
            store.change_pin(person, None, via="command line", allowed_by="forgotten")
            click.echo(
                f"Removed {person.name}'s forgotten PIN; it is in the access log, and "
                f"{person.name} will be told at their next sign-in"
            )
            return
        if clear and not person.has_pin:
            click.echo(f"{person.name} has no PIN; nothing to remove")
            return
        allowed_by: PinAuthority = "none"
        current: str | None = None
        if person.has_pin:
            current = ask_secret(
                f"{person.name}'s current PIN (or the clinic password)",
                "current PIN or clinic password",
            )
            if stdin_is_terminal() or clear:  # checked before the new PIN is asked
                allowed_by, current = _authorize_pin_change(store, person, current), None
        pin = None
        if not clear:
            pin = _read_new_pin()
            try:
                validate_pin(pin)
            except InvalidPin as exc:
                raise CliError(str(exc)) from None
        if current is not None:  # from a pipe: a bad new PIN costs no try of the current one
            allowed_by = _authorize_pin_change(store, person, current)
        changed = store.change_pin(person, pin, via="command line", allowed_by=allowed_by)
    if clear:
        click.echo(f"Removed {changed.name}'s PIN")
    else:
        click.echo(f"Set {changed.name}'s PIN")


@athletes.command(name="archive")
@click.argument("name")
@click.option("--undo", is_flag=True, help="Bring an archived athlete back.")
@db_option
def athletes_archive(name: str, undo: bool, db: Path | None) -> None:
    """Hide NAME from the picker and the list; their log is kept (--undo restores)."""
    with _opened_with(db, name) as (store, person):
        person = store.archive_athlete(person, archived=not undo)
    click.echo(f"{'Restored' if undo else 'Archived'} {person.name}")
