"""Housekeeping commands: the drill catalog, backups and restore, and the demo.

`exercises`, `backup`, `restore` and `demo`. The demo opens the TUI, imported only then.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from backtrack.cli.base import _catalog, _db_path, _echo_json, common_options
from backtrack.units import format_number

# -- the catalog ------------------------------------------------------------------------


@click.command()
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


# -- backups ----------------------------------------------------------------------------


@click.command(name="backup")
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
    from backtrack.store import backup_now

    click.echo(str(backup_now(_db_path(db), keep=keep)))


@click.command()
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


@click.command()
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
