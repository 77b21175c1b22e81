"""CSV commands: `export` (sets out, one row a set) and `import` (all or nothing).

Light commands: they never import the TUI.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from backtrack.cli.base import CliError, _catalog, _db_path, _opened, common_options
from backtrack.cli.params import Day

if TYPE_CHECKING:
    from backtrack.catalog import Catalog
    from backtrack.catalog_quick import QuickCatalog
    from backtrack.export import ImportTarget


@click.command()
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
@click.option(
    "--decisions",
    is_flag=True,
    help="Export the rules' suggestions and clinician overrides instead of sets.",
)
@click.option("--checkins", is_flag=True, help="Export check-ins instead of sets.")
@common_options
def export(
    output: Path,
    since: date | None,
    until: date | None,
    all_athletes: bool,
    decisions: bool,
    checkins: bool,
    db: Path | None,
    athlete: str,
) -> None:
    """Export sets as CSV, one row per set (or, with --decisions or --checkins, one row per
    suggestion and override, or per check-in)."""
    from backtrack.export import export_to_file, write_checkins, write_csv, write_decisions

    if decisions and checkins:
        raise click.UsageError("give --decisions or --checkins, not both")
    write = write_decisions if decisions else write_checkins if checkins else write_csv
    what = "suggestions and overrides" if decisions else "check-ins" if checkins else "sets"
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
                write(store, out, athlete=person, since=since, until=until)
            return
        count = export_to_file(store, output, athlete=person, since=since, until=until, write=write)
    click.echo(f"Exported {count} {what} to {output}", err=True)


@contextmanager
def _utf8_stdout() -> Iterator[TextIO]:
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


@click.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option(
    "--create-athletes",
    is_flag=True,
    help="Add the athletes the file names who are not in the database yet (without it, "
    "such a file is refused whole).",
)
@common_options
def import_(file: Path, create_athletes: bool, db: Path | None, athlete: str) -> None:
    """Import sets from a CSV made by `backtrack export` (all or nothing)."""
    from backtrack.catalog_quick import quick_catalog
    from backtrack.export import CsvError, ImportTally, UnknownAthletes, import_file

    # The catalog checked without pydantic when it plainly passes (then the rows are
    # written without it too: `store.bulk`), else by the models, which word any problem.
    quick = quick_catalog()
    full = _catalog() if quick is None else None  # (CatalogError: one line, exit 2)
    if str(file) == "-":
        text = sys.stdin.read()
        path = None
    else:
        if not file.exists():
            raise click.BadParameter(f"{file} does not exist", param_hint="'FILE'")
        text, path = None, file
    tally = ImportTally()
    with _import_target(db, quick, full) as store:
        try:
            added = import_file(store, path, text, tally, create_athletes=create_athletes)
        except UnknownAthletes as exc:
            raise CliError(
                f"Not imported: the file names {_athletes_word(len(exc.names))} not in this "
                f"database: {_listed(exc.names)} (add them with backtrack athletes add, or "
                "import with --create-athletes)"
            ) from exc
        except CsvError as exc:
            raise CliError(str(exc)) from exc
    click.echo(f"Imported {_count(added, 'new set', 'new sets')} from {file}")
    if tally.rows > added:
        already = tally.rows - added
        was = "row was" if already == 1 else "rows were"
        click.echo(f"{already} {was} already in the log")
    for created, heading in ((True, "New athletes"), (False, "Athletes already here")):
        people = [
            f"{person} ({_count(new, 'new set', 'new sets')})"
            for person, made, new in tally.athletes
            if made == created
        ]
        if people:
            click.echo(f"{heading}: {', '.join(people)}")
    if tally.without_side:
        click.echo(
            f"{tally.without_side} sets of two-sided drills came in without a side (made "
            "before sides existed): they are judged as one side, and History shows '-'"
        )


@contextmanager
def _import_target(
    db: Path | None, quick: QuickCatalog | None, full: Catalog | None
) -> Iterator[ImportTarget]:
    """The database to import into, for one command: with the quick catalog, opened by
    `QuickImport` (sqlite3 alone, the Store's own opening and writes); else the Store with
    the `full` catalog."""
    if quick is None:
        with _opened(db, full) as store:
            yield store
        return
    from backtrack.store.bulk import QuickImport

    with QuickImport.opened(_db_path(db), quick) as target:
        yield target


def _count(n: int, one: str, many: str) -> str:
    """'1 new set', '2 new sets'."""
    return f"{n} {one if n == 1 else many}"


def _athletes_word(n: int) -> str:
    return "an athlete" if n == 1 else "athletes"


def _listed(names: list[str], most: int = 20) -> str:
    """Names joined by commas, at most `most` of them and then how many more."""
    shown = ", ".join(names[:most])
    return shown if len(names) <= most else f"{shown} and {len(names) - most} more"
