"""`backtrack report`: the clinician's printable progress report of one athlete, as HTML.

A light command until it runs: the report (and matplotlib, which draws its charts) is
imported inside the function, so `import backtrack.cli` and every other command stay off it.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from backtrack.cli.base import CliError, _opened, common_options
from backtrack.cli.params import Day


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Write to FILE ('-': standard output). Default: "
    "backtrack-report-<athlete>-<until>.html in the current folder.",
)
@click.option(
    "--since", type=Day(), help="First local date (YYYY-MM-DD; default: the first session)."
)
@click.option("--until", type=Day(), help="Last local date (YYYY-MM-DD; default: today).")
@common_options
def report(
    output: Path | None, since: date | None, until: date | None, db: Path | None, athlete: str
) -> None:
    """Write the clinician's progress report of --athlete as one self-contained HTML file:
    a summary page, then a page per drill with charts of load, ROM and pain and the
    decisions, to print (A4 or Letter) or send."""
    from backtrack.clock import local_date

    if since and until and since > until:
        raise click.BadParameter(f"{since} is after --until {until}", param_hint="'--since'")
    to_stdout = output is not None and str(output) == "-"
    if output is not None and not to_stdout:
        _check_folder(output)
    with _opened(db, athlete=athlete, existing=f"athlete named {athlete.strip()!r}") as store:
        person = store.athlete(athlete, create=False)
        today = local_date(store.clock.now())
        end = until or today
        if since and since > end:
            raise click.BadParameter(f"{since} is after today, {today}", param_hint="'--since'")
        from backtrack.report import render_report, report_name, write_report

        if to_stdout:
            text = render_report(store, person, since=since, until=end)
            sys.stdout.flush()
            sys.stdout.buffer.write(text.encode("utf-8"))
            sys.stdout.flush()
            return
        path = output or Path.cwd() / report_name(person.name, end)
        if output is None:
            _check_folder(path)
        write_report(store, path, person, since=since, until=end)
    click.echo(f"Wrote the report of {person.name} to {path}", err=True)


def _check_folder(path: Path) -> None:
    """Refuse a file whose folder is missing or not writable before any work is done."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CliError(f"cannot write {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CliError(f"cannot write {path}: the folder {folder} is not writable")
