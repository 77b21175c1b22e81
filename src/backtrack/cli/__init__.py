"""The `backtrack` command line (click): the root group, its commands, and `main`.

Every command takes `--db PATH` (env BACKTRACK_DB) and `--athlete NAME` (env
BACKTRACK_ATHLETE, default `me`). Bad input exits with status 2 and a one-line message that
names the bad value, and writes nothing. The TUI is imported only when it runs.

The commands live by concern and are registered here: `training` (log, checkin, plan, next,
accept, decline), `transfer` (export, import), `report` (the clinician's report), `roster`
(the athletes group), `clinic` (rules, clear-flag), `maintenance` (exercises, backup,
restore, demo), `access` (clinic-password, access-log) and `serve` (the app for browsers;
its server in `web`, loaded only when it runs); `base` holds the error contract and the
shared options, `params` the parameter types, `asking` the reading of PINs and passwords.
None of them imports this package back.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from backtrack import __version__
from backtrack.cli.access import access_log, clinic_password
from backtrack.cli.base import BacktrackGroup, _db_path, common_options
from backtrack.cli.clinic import clear_flag, rules
from backtrack.cli.maintenance import backup_, demo, exercises, restore
from backtrack.cli.report import report
from backtrack.cli.roster import athletes
from backtrack.cli.serve import serve
from backtrack.cli.training import accept, checkin, decline, log, next_, plan
from backtrack.cli.transfer import export, import_

if TYPE_CHECKING:  # the app loads only when it runs
    from backtrack.tui.app import ClinicLogin

__all__ = ["athletes", "cli", "main"]


@click.group(
    name="backtrack",
    cls=BacktrackGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@common_options
@click.option(
    "--clinic-login",
    type=click.Choice(["if-set", "required"]),
    hidden=True,
    help="Set by `backtrack serve` for each browser session: ask the clinic password first.",
)
@click.version_option(__version__, "--version", prog_name="backtrack")
@click.pass_context
def cli(
    ctx: click.Context, db: Path | None, athlete: str, clinic_login: ClinicLogin | None
) -> None:
    """backtrack: log and progress the clinic's low-back drills.

    With no command, opens the gym-floor app on today's session: --athlete's, or with
    several athletes (or a PIN) the athlete picker first.
    """
    if ctx.invoked_subcommand is not None:
        return
    from backtrack.tui.app import run

    named = ctx.get_parameter_source("athlete") is not click.core.ParameterSource.DEFAULT
    run(_db_path(db), athlete if named else None, clinic_login=clinic_login)


cli.add_command(exercises)
cli.add_command(log)
cli.add_command(checkin)
cli.add_command(plan)
cli.add_command(next_)
cli.add_command(accept)
cli.add_command(decline)
cli.add_command(rules)
cli.add_command(clear_flag)
cli.add_command(export)
cli.add_command(import_)
cli.add_command(report)
cli.add_command(athletes)
cli.add_command(backup_)
cli.add_command(restore)
cli.add_command(demo)
cli.add_command(clinic_password)
cli.add_command(access_log)
cli.add_command(serve)


def main() -> None:
    """Entry point of the `backtrack` script."""
    cli(prog_name="backtrack")
