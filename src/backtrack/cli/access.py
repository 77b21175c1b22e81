"""The clinic password (`backtrack clinic-password`) and the access log (`backtrack access-log`).

The clinic password guards the app served to browsers by `backtrack serve`, and lets a
clinician change or remove the PIN of a lifter who forgot theirs. Only its salted scrypt
hash is stored. Wrong tries are counted in the database and wait longer each time.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import click

from backtrack.cli.base import CliError, _echo_json, _opened, db_option

if TYPE_CHECKING:  # the store (sqlite-utils, pydantic) loads when a command opens it
    from backtrack.store import Store


def _wait_text(seconds: float) -> str:
    return f"{max(1, math.ceil(seconds))} s"


@click.group(name="clinic-password", invoke_without_command=True)
@db_option
@click.pass_context
def clinic_password(ctx: click.Context, db: Path | None) -> None:
    """Say whether a clinic password is set; `set` sets or changes it.

    The clinic password is asked on every browser session of `backtrack serve` before
    anything is shown, and lets a clinician change or remove the PIN of a lifter who forgot
    theirs (`backtrack athletes set-pin`). It is the clinic's, one per database, so these
    commands take no --athlete. It guards the screens, not the database file: anyone who can
    read the file on this machine can read the log.
    """
    if ctx.invoked_subcommand is not None:
        return
    from backtrack.clock import local_date

    with _opened(db) as store:
        since = store.clinic_password_set_at()
    if since is None:
        click.echo("No clinic password is set: `backtrack clinic-password set` sets one.")
    else:
        click.echo(f"A clinic password is set (since {local_date(since).isoformat()}).")


@clinic_password.command(name="set")
@click.option(
    "--forgotten",
    is_flag=True,
    help="Replace a clinic password nobody remembers, without it (written to the access log).",
)
@db_option
def clinic_password_set(forgotten: bool, db: Path | None) -> None:
    """Set the clinic password, or change it (the current one is asked first).

    8 to 256 characters, not digits only. On a terminal, input is hidden and the new
    password is asked twice. From a pipe, one line each: the current password (when one is
    set), then the new one. Only a salted hash is stored. Wrong tries of the current
    password wait longer each time (up to 30 s) and are written to the access log.
    """
    from backtrack.cli.asking import ask_new_secret, ask_secret, stdin_is_terminal
    from backtrack.pins import InvalidPassword, validate_password

    with _opened(db) as store:
        had = store.has_clinic_password()
        current: str | None = None
        if had and not forgotten:
            current = ask_secret("Current clinic password", "current clinic password")
            if stdin_is_terminal():  # checked before the new one is asked
                _check_current(store, current)
                current = None
        new = ask_new_secret(
            "New clinic password", "Repeat the new clinic password", "new clinic password"
        )
        try:
            validate_password(new)
        except InvalidPassword as exc:
            raise CliError(str(exc)) from None
        if current is not None:  # from a pipe: a bad new password costs no try
            _check_current(store, current)
        store.set_clinic_password(new, via="command line", forgotten=forgotten)
    if not had:
        click.echo("Set the clinic password")
    elif forgotten:
        click.echo("Replaced the forgotten clinic password (written to the access log)")
    else:
        click.echo("Changed the clinic password")


def _check_current(store: Store, password: str) -> None:
    """A usage error unless `password` is the clinic password (a throttled try)."""
    attempt = store.try_clinic_password(password, via="command line")
    if attempt.ok:
        return
    if not attempt.checked:
        raise CliError(
            f"too soon after a wrong clinic password: wait {_wait_text(attempt.wait)} and try "
            "again (this try was not checked)"
        )
    raise CliError(
        "wrong clinic password (recorded); the next try must wait " + _wait_text(attempt.wait)
    )


@click.command(name="access-log")
@click.option(
    "--limit",
    type=click.IntRange(1, 100_000),
    default=50,
    show_default=True,
    help="How many of the newest lines to show.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
@click.option("--athlete", "only", metavar="NAME", help="Only the lines about NAME's PIN.")
@db_option
def access_log(limit: int, as_json: bool, only: str | None, db: Path | None) -> None:
    """Wrong PINs and clinic passwords, and PIN and password changes, newest first.

    Each line says when, what happened, whose PIN (if a PIN) and from where (the app, a
    browser, the command line). What was typed is never kept.
    """
    from backtrack.store import iso_utc

    with _opened(db) as store:
        person = None
        if only is not None:
            person = store.find_athlete(only)
            if person is None:
                raise CliError(f"no athlete named {only.strip()!r} (see 'backtrack athletes')")
        events = store.access_events(limit=limit, athlete=person)
    if as_json:
        _echo_json(
            [
                {
                    "at": iso_utc(e.at),
                    "event": e.event,
                    "description": e.description,
                    "athlete": e.athlete,
                    "via": e.via,
                }
                for e in events
            ]
        )
        return
    if not events:
        click.echo("Nothing in the access log yet.")
        return
    whose = [e.athlete or "(clinic)" for e in events]
    width = max(len(w) for w in whose)
    what = max(len(e.description) for e in events)
    for e, who in zip(events, whose, strict=True):
        when = e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        click.echo(f"{when}  {who:<{width}}  {e.description:<{what}}  from {e.via}")
