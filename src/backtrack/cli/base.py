"""What every command shares: the error contract, the root group's class, the shared options.

`CliError` and `BacktrackGroup` make every failure one line on stderr with exit status 2 (never
a traceback); `db_option`, `athlete_option` and `common_options` give each command `--db` and
`--athlete`; `_opened` opens the store for one command. The store (sqlite-utils, pydantic) is
imported inside functions only, when a command opens it.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from backtrack import paths
from backtrack.catalog import Catalog, CatalogError, load_catalog
from backtrack.errors import DatabaseBusy, InvalidValue, StoreError

if TYPE_CHECKING:  # the store (sqlite-utils, pydantic) loads when a command opens it
    from backtrack.store import Store

F = TypeVar("F", bound=Callable[..., Any])

USAGE_ERROR = 2


class CliError(click.ClickException):
    """A problem the user can fix; exits with status 2 and a one-line message."""

    exit_code = USAGE_ERROR


def _one_line(message: str) -> str:
    """`message` with every run of white space (line breaks included) folded to one space."""
    return " ".join(message.split())


def _print_error(message: str) -> None:
    """Write `Error: <message>` to stderr on one line."""
    click.echo(f"Error: {_one_line(message)}", err=True)


class BacktrackGroup(click.Group):
    """A click group whose errors are one line on stderr, never a traceback."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; exit with its status, or return it when not standalone."""
        code = 0
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
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
            argv = sys.argv[1:] if args is None else list(args)
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
            # A last-resort net: the store translates its errors, so this should not happen.
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


# -- shared options ---------------------------------------------------------------------


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


# -- the catalog, the database and opening the store ------------------------------------


def _catalog() -> Catalog:
    """The drill catalog (a clear CatalogError when it cannot be read)."""
    return load_catalog()


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
    """Print `data` as indented JSON, non-ASCII text kept as it is."""
    import json

    click.echo(json.dumps(data, indent=2, ensure_ascii=False))
