"""Where the time of an import, a `backtrack log` and the app's start-up goes, measured.

    python -m benchmarks.breakdown            # the cached full-size data (see generate.py)
    python -m benchmarks.breakdown --size tiny

Each part runs in a fresh interpreter, so module imports are timed as a command pays them.
It prints milliseconds per part; the README's benchmark notes quote it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.figures import first_athlete
from benchmarks.generate import (
    OUT,
    backtrack_command,
    cached,
    cached_forms,
    compile_bytecode,
    quiet_env,
)

# Imports in the order a command pays them; each line is timed after the ones before it.
IMPORT_STEPS = {
    "log": [
        ("python -c 'import click, sqlite3' (the floor's imports)", "import click, sqlite3"),
        (
            "the command line (backtrack.cli, cli/training.py; other commands load when run)",
            "import backtrack.cli, backtrack.cli.training",
        ),
        (
            "the quick path (catalog_quick, store.quick_log, connection, backup)",
            "import backtrack.catalog_quick, backtrack.store.quick_log",
        ),
    ],
    "start-up": [
        ("Textual, as the hello app imports it", "import textual.app, textual.widgets"),
        ("click and the command line (backtrack.cli)", "import click, backtrack.cli"),
        ("the app module (backtrack.tui.app) beyond that", "import backtrack.tui.app"),
        ("the Today screen", "import backtrack.tui.screens.today"),
    ],
}

TIMED_IMPORTS = """
import gc, json, sys, time
gc.disable()  # as the backtrack script has it during start-up (backtrack.collector)
out = []
for label, statement in json.loads(sys.argv[1]):
    started = time.perf_counter()
    try:
        exec(statement)
    except ImportError:
        out.append((label + " [not installed]", 0.0))
        continue
    out.append((label, time.perf_counter() - started))
print(json.dumps(out))
"""

TIMED_IMPORT_RUN = """
import gc, json, sys, time
gc.disable()  # as `backtrack import` has it, start to end (backtrack.collector)
started = time.perf_counter()
import click
import backtrack.cli, backtrack.cli.transfer
from backtrack.catalog_quick import quick_catalog
from backtrack.export import import_file
from backtrack.store.bulk import QuickImport, SetImport
parts = [("imports (click, the command line, the import's modules: no pydantic, no sqlite-utils)",
          time.perf_counter() - started)]
from pathlib import Path
csv_path, db = Path(sys.argv[1]), Path(sys.argv[2])
started = time.perf_counter()
catalog = quick_catalog()
assert catalog is not None, "the shipped catalog no longer passes the quick check"
opened = QuickImport.opened(db, catalog)
store = opened.__enter__()
parts.append(("the catalog (quick check), a new file (schema.sql)", time.perf_counter() - started))
timers = {"add": 0.0, "finish": 0.0}
for name in timers:
    def timed(self, *args, _name=name, _original=getattr(SetImport, name)):
        began = time.perf_counter()
        try:
            return _original(self, *args)
        finally:
            timers[_name] += time.perf_counter() - began
    setattr(SetImport, name, timed)
from backtrack.export import read_sets
started = time.perf_counter()
with open(csv_path, encoding="utf-8", newline="", buffering=1 << 20) as source:
    for _ in read_sets(source, catalog):
        pass
reading = time.perf_counter() - started  # the same rows read alone, without a database
started = time.perf_counter()
count = import_file(store, csv_path, create_athletes=True)
total = time.perf_counter() - started
parts.append(("reading and checking the CSV (csv.reader, the caches, performed_at)", reading))
parts.append(("inserting the rows (sqlite3 executemany, CHECK constraints)",
              timers["add"] - reading))
parts.append(("rebuilding the three indexes of sets", timers["finish"]))
parts.append(("commit (a new log: rollback journal, fsync)",
              total - timers["add"] - timers["finish"]))
started = time.perf_counter()
opened.__exit__(None, None, None)
parts.append(("close", time.perf_counter() - started))
print(json.dumps({"rows": count, "parts": parts}))
"""


# The work of one `backtrack log` after its imports, as its quick path does it.
TIMED_LOG_RUN = """
import json, sys, time
from pathlib import Path
from backtrack.catalog_quick import quick_catalog
from backtrack.store.quick_log import QuickLog
db, athlete = Path(sys.argv[1]), sys.argv[2]
parts = []
started = time.perf_counter()
catalog = quick_catalog()
parts.append(("the catalog: read the TOML, check it (no pydantic)", time.perf_counter() - started))
started = time.perf_counter()
with QuickLog.opened(db) as log:
    parts.append(("opening: file checks, schema, daily backup due?", time.perf_counter() - started))
    started = time.perf_counter()
    with log.write():
        person = log.athlete(athlete)
        entry = log.log_set(person, catalog.get("jefferson-curl"), reps=8)
        parts.append(("the set: athlete, plan, number, INSERT", time.perf_counter() - started))
        started = time.perf_counter()
    parts.append(("COMMIT (synchronous=FULL: fsync)", time.perf_counter() - started))
    started = time.perf_counter()
parts.append(("close", time.perf_counter() - started))
assert entry is not None
print(json.dumps(parts))
"""


def log_parts(db: Path, athlete: str, env: dict[str, str], runs: int = 5) -> list:
    """The median seconds of each part of a log's work (TIMED_LOG_RUN), fresh interpreters."""
    samples = [json.loads(_python(TIMED_LOG_RUN, str(db), athlete, env=env)) for _ in range(runs)]
    return [
        (label, sorted(sample[i][1] for sample in samples)[runs // 2])
        for i, (label, _) in enumerate(samples[0])
    ]


def _python(code: str, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout


def imports(kind: str, env: dict[str, str], runs: int = 5) -> list[tuple[str, float]]:
    """The median seconds of each of IMPORT_STEPS[kind], each in a fresh interpreter."""
    samples = [
        json.loads(_python(TIMED_IMPORTS, json.dumps(IMPORT_STEPS[kind]), env=env))
        for _ in range(runs)
    ]
    return [
        (label, sorted(sample[i][1] for sample in samples)[runs // 2])
        for i, (label, _) in enumerate(samples[0])
    ]


def import_parts(csv_path: Path, env: dict[str, str], scratch: Path) -> dict:
    """The parts of one `backtrack import` of `csv_path` into a fresh database."""
    db = scratch / "breakdown.db"
    for leftover in scratch.glob("breakdown.db*"):
        leftover.unlink()
    return json.loads(_python(TIMED_IMPORT_RUN, str(csv_path), str(db), env=env))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["full", "tiny"], default="full")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    twenty = "twenty" if args.size == "full" else "tiny-twenty"
    clinic = "clinic" if args.size == "full" else "tiny"
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="breakdown-", dir=args.out) as scratch_dir:
        scratch = Path(scratch_dir)
        env = quiet_env(scratch / "home")
        for kind in IMPORT_STEPS:
            print(f"\nImports of {kind} (fresh interpreter, median of 5):")
            for label, seconds in imports(kind, env):
                print(f"  {seconds * 1000:7.1f} ms  {label}")
        clinic_db = scratch / "log.db"
        shutil.copy(cached(clinic, args.out)[1], clinic_db)
        athlete = first_athlete(clinic_db)
        # The day's first log makes the daily backup, and (the first for this athlete)
        # their plans, the full way: not what is measured.
        warm_up = ["log", "jefferson-curl", "--reps", "8", "--athlete", athlete]
        subprocess.run(
            [*backtrack_command(), *warm_up, "--db", str(clinic_db)],
            env=env,
            check=True,
            capture_output=True,
        )
        print(f"\nbacktrack log's work after its imports ({athlete}, the clinic, median of 5):")
        for label, seconds in log_parts(clinic_db, athlete, env):
            print(f"  {seconds * 1000:7.1f} ms  {label}")
        for name, path in (
            ("20 athletes, +01:00", cached_forms(twenty, args.out)["+01:00"]),
            ("the clinic, Z", cached(clinic, args.out)[0]),
        ):
            result = import_parts(path, env, scratch)
            total = sum(seconds for _, seconds in result["parts"])
            print(f"\nbacktrack import of {result['rows']:,} sets ({name}), {total:.2f} s:")
            for label, seconds in result["parts"]:
                print(f"  {seconds * 1000:7.0f} ms  {seconds / total:4.0%}  {label}")
    print(f"\n(the command itself: {' '.join(backtrack_command())})")


if __name__ == "__main__":
    main()
