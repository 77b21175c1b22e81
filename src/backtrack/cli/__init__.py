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

A command's module is imported when the command is first looked up (`COMMANDS`), so
`backtrack log` loads `training` and not the modules of the other commands; `--help`, and
`cli.commands.items()`, load them all.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from backtrack import __version__
from backtrack.cli.base import BacktrackGroup, _db_path, common_options
from backtrack.collector import resume_collection

if TYPE_CHECKING:  # the app loads only when it runs; the commands when first looked up
    from backtrack.cli.roster import athletes
    from backtrack.tui.app import ClinicLogin

__all__ = ["COMMANDS", "PAUSED_THROUGHOUT", "athletes", "cli", "main"]

# Every command of `backtrack`, in the order `--help` lists them, by where it is defined.
COMMANDS: dict[str, str] = {
    "exercises": "backtrack.cli.maintenance:exercises",
    "log": "backtrack.cli.training:log",
    "checkin": "backtrack.cli.training:checkin",
    "plan": "backtrack.cli.training:plan",
    "next": "backtrack.cli.training:next_",
    "accept": "backtrack.cli.training:accept",
    "decline": "backtrack.cli.training:decline",
    "rules": "backtrack.cli.clinic:rules",
    "clear-flag": "backtrack.cli.clinic:clear_flag",
    "export": "backtrack.cli.transfer:export",
    "import": "backtrack.cli.transfer:import_",
    "report": "backtrack.cli.report:report",
    "athletes": "backtrack.cli.roster:athletes",
    "backup": "backtrack.cli.maintenance:backup_",
    "restore": "backtrack.cli.maintenance:restore",
    "demo": "backtrack.cli.maintenance:demo",
    "clinic-password": "backtrack.cli.access:clinic_password",
    "access-log": "backtrack.cli.access:access_log",
    "serve": "backtrack.cli.serve:serve",
}


# Commands that make no garbage for the collector to find, start to end: it stays paused
# (see backtrack.collector) until they are done. `import` loads the store's modules (about
# 7 ms of collector passes among their objects) and then reads rows into plain tuples.
PAUSED_THROUGHOUT = frozenset({"import"})


class LazyCommands(MutableMapping[str, click.Command]):
    """A group's commands by name, each imported from its "module:attribute" the first time
    it is looked up (click's Group reads `commands` through get, iteration and items only).
    A command added with `add_command` is kept as it is."""

    def __init__(self, where: Mapping[str, str]) -> None:
        self._entries: dict[str, str | click.Command] = dict(where)

    def __getitem__(self, name: str) -> click.Command:
        entry = self._entries[name]
        if isinstance(entry, str):
            module, attribute = entry.split(":")
            entry = getattr(importlib.import_module(module), attribute)
            if not isinstance(entry, click.Command):
                raise TypeError(f"{module}.{attribute} is not a click command")
            self._entries[name] = entry
        return entry

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._entries[name] = command

    def __delitem__(self, name: str) -> None:
        del self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries


@click.group(
    name="backtrack",
    cls=BacktrackGroup,
    commands=LazyCommands(COMMANDS),
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
        if ctx.invoked_subcommand not in PAUSED_THROUGHOUT:
            resume_collection()  # start-up is over: the command (its module loaded) runs next
        return
    from backtrack.tui.app import run

    named = ctx.get_parameter_source("athlete") is not click.core.ParameterSource.DEFAULT
    run(_db_path(db), athlete if named else None, clinic_login=clinic_login)


def __getattr__(name: str) -> Any:
    """A command by its name (`from backtrack.cli import athletes`), imported on first use."""
    if name in COMMANDS:
        return cli.commands[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Entry point of the `backtrack` script."""
    cli(prog_name="backtrack")
