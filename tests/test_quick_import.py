"""`backtrack import`'s quick way (store/bulk.py's QuickImport, catalog_quick.py) against
the Store's.

Every case runs twice on two copies of the same database (or twice into a new file): once as
`import` runs it, once with the quick catalog switched off, so that the Store opens the file
and writes the rows. The exit status, what is printed and every row must be the same; the
quick way must have been taken; and it loads neither pydantic nor sqlite-utils.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

import backtrack.catalog_quick as catalog_quick
from backtrack.catalog import load_catalog
from backtrack.cli import cli
from backtrack.store import Store
from backtrack.store.bulk import QuickImport
from tests.import_rows import good_row as row
from tests.import_rows import set_cells, tables_of, write_rows

NOW = datetime(2026, 11, 25, 8, 0, 3, tzinfo=UTC)

SIDE_BEND = {
    "exercise_id": "half-kneeling-side-bend",
    "exercise": "Half-kneeling side bend",
    "rom_label": "upright, hand on ribs",
}

CASES: dict[str, list[dict[str, str]]] = {
    "plain": [row(), row(set="2"), row(set="3", reps="7", rpe="", pain="")],
    "two sides, one without (from before sides)": [
        row(**SIDE_BEND, side="L"),
        row(**SIDE_BEND, side="R"),
        row(**SIDE_BEND, set="2"),
    ],
    "new athletes": [row(athlete="Ana"), row(athlete="Bo", load="20", unit="lb", load_kg="9.07")],
    "notes, quoted and defused": [
        row(note="felt, fine"),
        row(set="2", note="'=1+1"),
        row(set="3", note='she said "easy"'),
        row(set="4", athlete="'@Ana"),
    ],
    "duplicates of the log and of the file": [row(performed_at="2026-11-25T08:01:00Z")] * 2,
    "every time form": [
        row(performed_at="2026-11-25T08:00:00+00:00"),
        row(set="2", performed_at="2026-11-25T09:01:00+01:00"),
        row(set="3", performed_at="2026-11-25T01:02:00-07:00"),
        row(set="4", performed_at="2026-11-25T08:03:00.250Z"),
        row(set="5", performed_at="2026-11-25T08:04:00"),
    ],
    "a bad row after good ones": [row(), row(set="2"), row(set="3", reps="many")],
    "a drill that is not in the catalog": [row(exercise_id="jefferson-kurl")],
    "a ROM level past the drill's ladder": [row(), row(set="2", rom_level="9")],
    "a side on a one-sided drill": [row(side="L")],
}


@pytest.fixture
def base_db(tmp_path: Path, clock) -> Path:
    """kim, with one set already logged (the duplicates case repeats it)."""
    path = tmp_path / "base.db"
    store = Store.open(path, load_catalog(), clock)
    try:
        kim = store.athlete("kim")
        with store.bulk_import() as batch:  # (the duplicates case repeats this set)
            batch.add([(kim.id, *set_cells(set_number=1))])
    finally:
        store.close()
    return path


def dump(path: Path) -> dict[str, list[tuple]]:
    return tables_of(path, ("athletes", "plans", "sets"))


def run_import(
    db: Path, args: list[str], *, quick: bool, monkeypatch, input: str | None = None
) -> tuple[int, str, str]:
    """`backtrack import ARGS --db DB` in-process; with `quick` False the Store does it."""
    with monkeypatch.context() as patch:
        patch.setenv("TZ", "America/Denver")  # the offset-less time is local
        if not quick:
            patch.setattr(catalog_quick, "quick_catalog", lambda *a, **k: None)
        result = CliRunner().invoke(cli, ["import", *args, "--db", str(db)], input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def taken(monkeypatch) -> list[Path]:
    """The files each import opened the quick way."""
    opened: list[Path] = []
    real = QuickImport.opened.__func__  # type: ignore[attr-defined]

    def spy(cls, path, *args, **kwargs):
        opened.append(path)
        return real(cls, path, *args, **kwargs)

    monkeypatch.setattr(QuickImport, "opened", classmethod(spy))
    return opened


def both_ways(tmp_path: Path, args: list[str], monkeypatch, machine_clock, base: Path | None):
    """Run `import ARGS` on two copies of `base` (or into two new files), quick and full."""
    outcomes = []
    for quick in (True, False):
        db = tmp_path / ("quick" if quick else "full") / "log.db"
        db.parent.mkdir()
        if base is not None:
            shutil.copy(base, db)
        machine_clock(NOW)
        outcome = run_import(db, args, quick=quick, monkeypatch=monkeypatch)
        outcomes.append((outcome, dump(db) if db.exists() else None))
    return outcomes


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("into", ["the log", "a new file"])
def test_the_quick_way_does_what_the_store_does(
    case: str, into: str, base_db: Path, tmp_path: Path, monkeypatch, machine_clock, taken
) -> None:
    csv_path = write_rows(tmp_path / "sets.csv", CASES[case])
    (quick, quick_rows), (full, full_rows) = both_ways(
        tmp_path,
        [str(csv_path), "--create-athletes"],
        monkeypatch,
        machine_clock,
        base_db if into == "the log" else None,
    )
    assert quick == full
    assert quick_rows == full_rows
    assert taken == [tmp_path / "quick" / "log.db"]
    bad = case.startswith("a ")
    assert quick[0] == (2 if bad else 0), quick


def test_unknown_athletes_are_refused_the_same_way(
    base_db: Path, tmp_path: Path, monkeypatch, machine_clock, taken
) -> None:
    csv_path = write_rows(tmp_path / "sets.csv", [row(), row(athlete="Ana")])
    (quick, quick_rows), (full, full_rows) = both_ways(
        tmp_path, [str(csv_path)], monkeypatch, machine_clock, base_db
    )
    assert quick == full and quick[0] == 2 and "Ana" in quick[2]
    assert quick_rows == full_rows == dump(base_db)


def test_standard_input_goes_the_quick_way_too(
    base_db: Path, tmp_path: Path, monkeypatch, machine_clock, taken
) -> None:
    text = write_rows(tmp_path / "sets.csv", [row(), row(set="2")]).read_text(encoding="utf-8")
    results = []
    for quick in (True, False):
        db = tmp_path / f"{quick}.db"
        shutil.copy(base_db, db)
        machine_clock(NOW)
        results.append(
            (run_import(db, ["-"], quick=quick, monkeypatch=monkeypatch, input=text), dump(db))
        )
    assert results[0] == results[1] and results[0][0][0] == 0
    assert len(taken) == 1


def test_a_catalog_the_quick_check_leaves_to_pydantic_takes_the_store(
    tmp_path: Path, monkeypatch, machine_clock, taken
) -> None:
    monkeypatch.setattr(catalog_quick, "quick_catalog", lambda *a, **k: None)
    csv_path = write_rows(tmp_path / "sets.csv", [row()])
    db = tmp_path / "log.db"
    machine_clock(NOW)
    outcome = run_import(
        db, [str(csv_path), "--create-athletes"], quick=True, monkeypatch=monkeypatch
    )
    assert outcome[0] == 0
    assert taken == [] and len(dump(db)["sets"]) == 1


@pytest.mark.parametrize("existing", [True, False], ids=["into the log", "into a new file"])
def test_the_quick_way_loads_no_pydantic(base_db: Path, tmp_path: Path, existing: bool) -> None:
    csv_path = write_rows(tmp_path / "sets.csv", [row(), row(set="2", athlete="Ana")])
    db = tmp_path / "log.db"
    if existing:
        shutil.copy(base_db, db)
    script = (
        "import json, sys\n"
        "from backtrack.cli import cli\n"
        "try:\n"
        f"    cli(['import', {str(csv_path)!r}, '--create-athletes', '--db', {str(db)!r}])\n"
        "except SystemExit as stop:\n"
        "    code = stop.code\n"
        "print(json.dumps([code, sorted(sys.modules)]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    code, modules = json.loads(done.stdout.splitlines()[-1])
    assert code == 0, done.stderr
    assert "pydantic" not in modules and "backtrack.models" not in modules
    # (a new file's schema comes from store/schema.sql: tests/test_schema_snapshot.py)
    assert "sqlite_utils" not in modules
    assert len(dump(db)["sets"]) == (3 if existing else 2)
