"""The benchmark figures (issues 7 and 17), each measured beside its anchor in the same run.

Every function in `ALL` takes a `Bench` (databases, a scratch folder, repeat count, a tmux
server) and returns its `Figure`s. Times are medians over the repeats; the anchor is
measured interleaved with the product so that a noisy machine slows both alike.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import importlib.metadata
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.generate import LOCAL_ZONE, TIME_FORMS, backtrack_command, quiet_env
from benchmarks.report_figure import report_time
from benchmarks.terminal import Tmux

HERE = Path(__file__).resolve().parent
HISTORY_LOADED = " sessions, "  # the history screen's range line, once its data is drawn
NO_HISTORY = "no sessions of this drill"
HISTORY_HEAD = "  ·  history"  # the history screen's title line


def history_shown(screen: str) -> bool:
    """The history screen is up and has drawn what it read."""
    return HISTORY_HEAD in screen and (HISTORY_LOADED in screen or NO_HISTORY in screen)


def today_shown(drill: str) -> Callable[[str], bool]:
    """A test for: the Today screen is up, with `drill` on it."""
    return lambda screen: drill in screen and HISTORY_HEAD not in screen


@dataclass(frozen=True)
class Figure:
    """One benchmark figure: what was measured, against what, and whether it met its target."""

    number: int
    name: str
    measured: float
    anchor: float | None
    unit: str
    anchor_name: str
    target: str
    passed: bool
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """measured / anchor, when the figure has an anchor of the same unit."""
        if self.anchor is None or self.anchor == 0:
            return None
        return self.measured / self.anchor


@dataclass
class Bench:
    """What every figure needs: the databases, a scratch folder and a terminal."""

    clinic_csv: Path
    clinic_db: Path
    one_db: Path
    ten_days_db: Path
    scratch: Path
    repeats: int
    tmux: Tmux
    env: dict[str, str] = field(default_factory=dict)
    twenty_forms: dict[str, Path] = field(default_factory=dict)  # TIME_FORMS -> CSV

    def run(
        self, args: list[str], env: dict[str, str] | None = None, **kwargs
    ) -> subprocess.CompletedProcess[str]:
        """Run a command in the benchmark's environment (or `env`); fail loudly if it fails."""
        done = subprocess.run(args, capture_output=True, text=True, env=env or self.env, **kwargs)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, args))} failed: {done.stderr.strip()}")
        return done

    def copy(self, db: Path, name: str) -> Path:
        """A private copy of a cached database (the benchmarks write to it)."""
        target = self.scratch / name
        if not target.exists():
            shutil.copyfile(db, target)
        return target


def first_athlete(db: Path) -> str:
    """The name of the athlete with the most sets in `db`."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        row = conn.execute(
            "SELECT a.name FROM athletes a JOIN sets s ON s.athlete_id = a.id "
            "GROUP BY a.id ORDER BY COUNT(*) DESC, a.id LIMIT 1"
        ).fetchone()
    return row[0]


def first_drill_name() -> str:
    """The name of the first drill of the shipped catalog (first on the Today screen)."""
    from benchmarks.generate import shipped_drills

    return shipped_drills()[0].name


def median_pairs(repeats: int, product: Callable[[], float], anchor: Callable[[], float]):
    """Median of `product()` and of `anchor()`, called alternately `repeats` times."""
    ours, theirs = [], []
    for _ in range(repeats):
        theirs.append(anchor())
        ours.append(product())
    return statistics.median(ours), statistics.median(theirs)


def checked_in(bench: Bench, db: Path, athlete: str) -> None:
    """Record today's check-in, so the app opens straight on today's drills."""
    bench.run(
        [*backtrack_command(), "checkin", "--pain", "1", "--db", str(db), "--athlete", athlete]
    )


def app_command(db: Path, athlete: str) -> list[str]:
    """The `backtrack` TUI on `db` for `athlete`."""
    return [*backtrack_command(), "--db", str(db), "--athlete", athlete]


# -- 1. start-up ------------------------------------------------------------------------


def startup(bench: Bench) -> Figure:
    """Launch to today's first drill name on a real terminal, vs the hello app's text."""
    from benchmarks.hello import TEXT

    db = bench.copy(bench.clinic_db, "clinic.db")
    athlete = first_athlete(db)
    checked_in(bench, db, athlete)
    drill = first_drill_name()
    app = app_command(db, athlete)
    hello = [sys.executable, str(HERE / "hello.py")]
    bench.tmux.time_to_text(app, drill)  # warm the file cache and the day's first-run work
    bench.tmux.time_to_text(hello, TEXT)
    ours, anchor = median_pairs(
        bench.repeats,
        lambda: bench.tmux.time_to_text(app, drill),
        lambda: bench.tmux.time_to_text(hello, TEXT),
    )
    ratio = ours / anchor
    return Figure(
        1,
        "start-up: launch to today's drills (tmux, clinic DB)",
        ours,
        anchor,
        "s",
        "hello app (Header, Static, Footer) to first frame",
        "<= 1.25x",
        ratio <= 1.25,
    )


# -- 2. history -------------------------------------------------------------------------


def _history_open_times(bench: Bench, db: Path, repeats: int) -> list[float]:
    """Seconds from pressing h on Today to the history screen showing its sessions."""
    athlete = first_athlete(db)
    checked_in(bench, db, athlete)
    tmux = bench.tmux
    drill = first_drill_name()
    times = []
    try:
        tmux.start(app_command(db, athlete))
        tmux.wait_for(today_shown(drill))
        for _ in range(repeats + 1):  # the first opening imports the screen: not counted
            pressed = tmux.keys("h")
            shown = tmux.wait_for(history_shown)
            times.append(shown - pressed)
            tmux.keys("Escape")
            tmux.wait_for(today_shown(drill))
    finally:
        tmux.stop()
    return times[1:]


def history(bench: Bench) -> Figure:
    """Opening a drill's history with ten years of sets vs ten days, keypress to painted."""
    repeats = max(3, bench.repeats * 2)
    years = _history_open_times(bench, bench.copy(bench.one_db, "one.db"), repeats)
    days = _history_open_times(bench, bench.copy(bench.ten_days_db, "ten-days.db"), repeats)
    ours, anchor = statistics.median(years), statistics.median(days)
    ratio = ours / anchor
    return Figure(
        2,
        "history: h to sessions painted, ten years (tmux)",
        ours,
        anchor,
        "s",
        "the same with ten days of sets",
        "<= 1.5x and < 100 ms",
        ratio <= 1.5 and ours < 0.100,
    )


# -- 3. logging -------------------------------------------------------------------------


async def _log_times(db: Path, athlete: str, count: int) -> list[float]:
    """Seconds from Enter in the set form to the set committed and shown in the table.

    The Enter key is posted to the app as a terminal would deliver it (not through
    `Pilot.press`, which also waits for the screen to go idle), then the table is polled.
    """
    from textual import events

    from backtrack.tui.app import create_app
    from backtrack.tui.widgets.set_table import SetTable

    app = create_app(db, athlete)
    times = []
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for _ in range(count):
            await pilot.press("enter")  # into the form, prefilled from the last set
            await pilot.pause(0.05)  # the lifter does the set
            table = app.screen.query_one(SetTable)
            before = table.row_count
            started = time.perf_counter()
            app.post_message(events.Key("enter", "\r"))  # log it
            while table.row_count == before:
                await asyncio.sleep(0.0002)
            times.append(time.perf_counter() - started)
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
    return times


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _sets_of(db: Path, athlete: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT COUNT(*) FROM sets s JOIN athletes a ON a.id = s.athlete_id WHERE a.name = ?",
            [athlete],
        ).fetchone()[0]


def _bare_commit_times(db: Path, count: int) -> list[float]:
    """Seconds for one INSERT and COMMIT of a set with plain sqlite3, as the store sets it
    up (WAL, synchronous=FULL): the disk's floor under figure 3. Rolled out again after."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    template = conn.execute("SELECT * FROM sets ORDER BY id DESC LIMIT 1").fetchone()
    names = [d[0] for d in conn.execute("SELECT * FROM sets LIMIT 0").description]
    columns = [n for n in names if n != "id"]
    values = [v for n, v in zip(names, template, strict=True) if n != "id"]
    at = columns.index("performed_at")
    insert = f"INSERT INTO sets ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    times, ids = [], []
    try:
        for i in range(count):
            row = list(values)
            row[at] = f"2999-01-01T00:00:{i:02d}Z"  # never a real set's time
            started = time.perf_counter()
            ids.append(conn.execute(insert, row).lastrowid)
            conn.commit()
            times.append(time.perf_counter() - started)
    finally:
        conn.executemany("DELETE FROM sets WHERE id = ?", [(i,) for i in ids])
        conn.commit()
        conn.close()
    return times


def logging(bench: Bench) -> Figure:
    """p95 of Enter to set committed and table updated, on ten years of one athlete,
    against the p95 of a bare sqlite3 INSERT + COMMIT on the same file."""
    db = bench.copy(bench.one_db, "one-logging.db")
    athlete = first_athlete(db)
    checked_in(bench, db, athlete)
    count = max(10, bench.repeats * 6)
    floor = _p95(_bare_commit_times(db, count))
    before = _sets_of(db, athlete)
    env = os.environ.copy()
    os.environ.update({k: v for k, v in bench.env.items() if k.startswith(("XDG_", "HOME"))})
    try:
        times = asyncio.run(_log_times(db, athlete, count))
    finally:
        os.environ.clear()
        os.environ.update(env)
    logged = _sets_of(db, athlete) - before
    p95 = _p95(times)
    return Figure(
        3,
        f"logging: Enter to committed + table updated, p95 of {len(times)} (pilot)",
        p95,
        floor,
        "s",
        "p95 of a bare sqlite3 INSERT + COMMIT, same file",
        "p95 < 30 ms",
        p95 < 0.030 and logged == len(times),
    )


# -- 4. export --------------------------------------------------------------------------


def anchor_export_sql() -> str:
    """The export's 16 columns and row order, for the sqlite3 shell: drill names and ROM
    labels come from the catalog, so the shell gets them as a temporary table, as
    backtrack does."""
    from benchmarks.generate import shipped_drills

    def text(value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    labels = ", ".join(
        f"({text(d.id)}, {level}, {text(d.name)}, {text(label)})"
        for d in shipped_drills()
        for level, label in enumerate(d.rom, start=1)
    )
    return (
        "CREATE TEMP TABLE labels (exercise_id TEXT, level INTEGER, name TEXT, label TEXT, "
        "PRIMARY KEY (exercise_id, level)); "
        f"INSERT INTO temp.labels VALUES {labels}; "
        "SELECT s.session_date AS date, s.performed_at, a.name AS athlete, s.exercise_id, "
        'l.name AS exercise, s.set_number AS "set", s.side, s.reps, s.load, s.unit, '
        "s.load_kg, s.rom_level, l.label AS rom_label, s.rpe, s.pain, s.note "
        "FROM sets s JOIN athletes a ON a.id = s.athlete_id "
        "LEFT JOIN temp.labels l ON l.exercise_id = s.exercise_id AND l.level = s.rom_level "
        "ORDER BY s.performed_at, a.name, s.exercise_id, s.set_number, s.side;"
    )


# The anchor of earlier runs: 13 columns (no drill name, no ROM label), in time order only.
# Printed beside figure 4 for comparison; the figure's ratio is against the same columns.
NARROW_EXPORT_SQL = (
    "SELECT s.session_date, s.performed_at, a.name, s.exercise_id, s.set_number, s.reps, "
    "s.load, s.unit, s.load_kg, s.rom_level, s.rpe, s.pain, s.note "
    "FROM sets s JOIN athletes a ON a.id = s.athlete_id ORDER BY s.performed_at"
)


def _timed_to_file(bench: Bench, args: list[str], out: Path) -> float:
    with out.open("w") as handle:
        started = time.perf_counter()
        done = subprocess.run(args, stdout=handle, stderr=subprocess.PIPE, env=bench.env)
        elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} failed: {done.stderr.decode().strip()}")
    return elapsed


# The sets table as it is, the user's fallback when backtrack is not at hand.
PLAIN_DUMP_SQL = "SELECT * FROM sets"


def export(bench: Bench) -> list[Figure]:
    """`backtrack export --all-athletes` of the clinic, both to a file, on a private copy of
    the clinic, against two anchors measured in turn with it: `sqlite3 -csv -header`
    selecting the same columns in the same order (figure 4), and dumping the sets table as
    it is (figure 8)."""
    db = bench.copy(bench.clinic_db, "clinic-export.db")
    ours_out, anchor_out = bench.scratch / "export.csv", bench.scratch / "anchor.csv"
    plain_out = bench.scratch / "plain.csv"
    ours_cmd = [*backtrack_command(), "export", "--all-athletes", "--db", str(db)]
    anchor_cmd = ["sqlite3", "-csv", "-header", str(db), anchor_export_sql()]
    plain_cmd = ["sqlite3", "-csv", "-header", str(db), PLAIN_DUMP_SQL]
    narrow_cmd = ["sqlite3", "-csv", "-header", str(db), NARROW_EXPORT_SQL]
    _timed_to_file(bench, ours_cmd, ours_out)  # untimed: the day's first open backs up
    narrow = statistics.median(
        _timed_to_file(bench, narrow_cmd, anchor_out) for _ in range(max(1, bench.repeats // 2))
    )
    ours_times, anchor_times, plain_times = [], [], []
    for _ in range(max(1, bench.repeats // 2 + 1)):
        anchor_times.append(_timed_to_file(bench, anchor_cmd, anchor_out))
        plain_times.append(_timed_to_file(bench, plain_cmd, plain_out))
        ours_times.append(_timed_to_file(bench, ours_cmd, ours_out))
    ours, anchor, plain = map(statistics.median, (ours_times, anchor_times, plain_times))
    rows = sum(1 for _ in ours_out.open(encoding="utf-8")) - 1
    anchor_rows = sum(1 for _ in anchor_out.open(encoding="utf-8")) - 1
    plain_rows = sum(1 for _ in plain_out.open(encoding="utf-8")) - 1
    print(
        f"   (figure 4 beside the narrower query of earlier runs, 13 columns in time order "
        f"only: {format_value(ours, 's')} vs {format_value(narrow, 's')} = {ours / narrow:.2f}x)",
        flush=True,
    )
    return [
        Figure(
            4,
            f"export: backtrack export of {rows:,} sets to a file",
            ours,
            anchor,
            "s",
            "sqlite3 -csv -header, same 16 columns and order, same file",
            "<= 2.5x",
            ours / anchor <= 2.5 and rows == anchor_rows > 0,
        ),
        Figure(
            8,
            f"export: the same, against the plain dump of the sets table ({plain_rows:,} rows)",
            ours,
            plain,
            "s",
            f'sqlite3 -csv -header "{PLAIN_DUMP_SQL}", same file',
            "<= 2.5x",
            ours / plain <= 2.5 and rows == plain_rows > 0,
        ),
    ]


def format_value(value: float | None, unit: str) -> str:
    """A figure's value with its unit, at a sensible precision."""
    if value is None:
        return "–"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.1f} s"
    if unit == "sets/s":
        return f"{value:,.0f} sets/s"
    return f"{value:.1f} {unit}"


# -- 5. memory --------------------------------------------------------------------------


def _peak_rss_kib(bench: Bench, db: Path, athlete: str) -> int:
    """Peak RSS of the TUI: opened, today's drills shown, history opened and shown, quit."""
    drill = first_drill_name()
    out = bench.scratch / "rss.txt"
    out.unlink(missing_ok=True)
    tmux = bench.tmux
    command = [sys.executable, str(HERE / "peak_rss.py"), str(out), *app_command(db, athlete)]
    try:
        tmux.start(command)
        tmux.wait_for(today_shown(drill))
        tmux.keys("h")
        tmux.wait_for(history_shown)
        tmux.keys("Escape")
        tmux.wait_for(today_shown(drill))
        tmux.keys("q")
        deadline = time.perf_counter() + 30
        while not out.exists():
            if time.perf_counter() > deadline:
                raise RuntimeError("the app did not quit on q")
            time.sleep(0.02)
    finally:
        tmux.stop()
    return int(out.read_text())


def memory(bench: Bench) -> Figure:
    """Peak RSS of the TUI on the clinic database vs on an empty one."""
    clinic = bench.copy(bench.clinic_db, "clinic.db")
    athlete = first_athlete(clinic)
    checked_in(bench, clinic, athlete)
    empty = bench.scratch / "empty.db"
    checked_in(bench, empty, athlete)
    runs = max(1, bench.repeats // 2)
    ours = statistics.median(_peak_rss_kib(bench, clinic, athlete) for _ in range(runs))
    anchor = statistics.median(_peak_rss_kib(bench, empty, athlete) for _ in range(runs))
    ratio = ours / anchor
    return Figure(
        5,
        "memory: peak RSS of the TUI, clinic DB (today + history)",
        ours / 1024,
        anchor / 1024,
        "MiB",
        "the same on an empty database",
        "<= 1.2x",
        ratio <= 1.2,
    )


# -- 6. import --------------------------------------------------------------------------


IMPORT_RATE = 150_000  # sets per second, end to end
IMPORT_RATIO = 0.35  # of sqlite3 .import of the same file, which checks nothing


def _import_seconds(bench: Bench, csv_path: Path, db: Path, env: dict[str, str]) -> float:
    """Seconds for `backtrack import` of `csv_path` into a fresh `db`, end to end."""
    for leftover in db.parent.glob(db.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    bench.run(
        [*backtrack_command(), "import", "--create-athletes", str(csv_path), "--db", str(db)],
        env=env,
    )
    return time.perf_counter() - started


def _sqlite_import_seconds(bench: Bench, csv_path: Path, db: Path) -> float:
    """Seconds for the sqlite3 shell's `.import --csv` of `csv_path` into a fresh `db`."""
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    bench.run(["sqlite3", str(db), ".import --csv " + str(csv_path) + " sets"])
    return time.perf_counter() - started


def _stored_times(db: Path) -> tuple[int, str]:
    """How many sets `db` holds and a digest of their performed_at, in file order."""
    digest = hashlib.sha256()
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        count = 0
        for (at,) in conn.execute("SELECT performed_at FROM sets ORDER BY id"):
            digest.update(at.encode())
            count += 1
    return count, digest.hexdigest()


def _sets_and_athletes(csv_path: Path) -> tuple[int, int]:
    """How many sets (rows) and how many athletes an export CSV holds."""
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        athletes, rows = set(), 0
        for row in reader:
            athletes.add(row[2])
            rows += 1
    return rows, len(athletes)


# How the figures name each form, by an example of it.
FORM_NAMES = {
    "Z": "2026-11-25T08:15:03Z (the export's)",
    "+00:00": "2026-11-25T08:15:03+00:00",
    "+01:00": "2026-11-25T09:15:03+01:00",
    "-07:00": "2026-11-25T01:15:03-07:00",
    "fraction": "2026-11-25T08:15:03.021Z",
    "local": f"2026-11-25T01:15:03 (no offset: local, TZ={LOCAL_ZONE})",
}


def import_speed(bench: Bench) -> Figure:
    """`backtrack import` of the clinic CSV into a fresh database, in sets per second."""
    rows, athletes = _sets_and_athletes(bench.clinic_csv)
    target_db = bench.scratch / "imported.db"
    anchor_db = bench.scratch / "anchor-import.db"
    ours_s, anchor_s = median_pairs(
        max(1, bench.repeats // 3),
        lambda: _import_seconds(bench, bench.clinic_csv, target_db, bench.env),
        lambda: _sqlite_import_seconds(bench, bench.clinic_csv, anchor_db),
    )
    stored, _ = _stored_times(target_db)
    rate, anchor_rate = rows / ours_s, rows / anchor_s
    return Figure(
        6,
        f"import: backtrack import of {rows:,} sets ({athletes} athletes), end to end",
        rate,
        anchor_rate,
        "sets/s",
        "sqlite3 .import --csv of the same file (no checks)",
        f">= {IMPORT_RATE:,} sets/s and >= {IMPORT_RATIO}x",
        rate >= IMPORT_RATE and rate / anchor_rate >= IMPORT_RATIO and stored == rows,
    )


def import_forms(bench: Bench) -> list[Figure]:
    """`backtrack import` of the same sets of 20 athletes with performed_at in each of
    TIME_FORMS (figures 9-14; Z is the export's own form, local is read in LOCAL_ZONE),
    each against sqlite3 .import of the same file, the forms taken in turn each round;
    and the slowest form's time against the fastest's (figure 15). Every form must store
    the very instants the Z file stores."""
    forms = bench.twenty_forms
    rows, athletes = _sets_and_athletes(forms["Z"])
    local_env = {**bench.env, "TZ": LOCAL_ZONE}
    ours: dict[str, list[float]] = {form: [] for form in forms}
    anchors: dict[str, list[float]] = {form: [] for form in forms}
    stored: dict[str, tuple[int, str]] = {}
    for _ in range(max(1, bench.repeats // 2 + 1)):
        for form, path in forms.items():
            db = bench.scratch / "forms.db"
            env = local_env if form == "local" else bench.env
            anchors[form].append(_sqlite_import_seconds(bench, path, bench.scratch / "a.db"))
            ours[form].append(_import_seconds(bench, path, db, env))
            stored[form] = _stored_times(db)
    figures = []
    for number, form in enumerate(TIME_FORMS, start=9):
        rate = rows / statistics.median(ours[form])
        anchor_rate = rows / statistics.median(anchors[form])
        figures.append(
            Figure(
                number,
                f"import: {rows:,} sets of {athletes} athletes, at {FORM_NAMES[form]}",
                rate,
                anchor_rate,
                "sets/s",
                "sqlite3 .import --csv of the same file (no checks)",
                f">= {IMPORT_RATE:,} sets/s and >= {IMPORT_RATIO}x",
                rate >= IMPORT_RATE
                and rate / anchor_rate >= IMPORT_RATIO
                and stored[form] == stored["Z"]
                and stored[form][0] == rows,
            )
        )
    medians = {form: statistics.median(times) for form, times in ours.items()}
    slowest, fastest = max(medians, key=medians.__getitem__), min(medians, key=medians.__getitem__)
    figures.append(
        Figure(
            15,
            f"import: slowest timestamp form ({slowest}) against the fastest ({fastest})",
            medians[slowest],
            medians[fastest],
            "s",
            f"the fastest form, {fastest}",
            "<= 1.3x",
            medians[slowest] <= 1.3 * medians[fastest],
        )
    )
    return figures


# -- 7. command line --------------------------------------------------------------------


def command_line(bench: Bench) -> Figure:
    """`backtrack log`, process start to exit (set committed), vs importing click and sqlite3."""
    db = bench.copy(bench.clinic_db, "clinic.db")
    athlete = first_athlete(db)
    drill = "jefferson-curl"
    log = [*backtrack_command(), "log", drill, "--reps", "8", "--db", str(db), "--athlete", athlete]
    floor = [sys.executable, "-c", "import click, sqlite3"]

    def timed(args: list[str]) -> Callable[[], float]:
        def run() -> float:
            started = time.perf_counter()
            bench.run(args)
            return time.perf_counter() - started

        return run

    timed(log)()  # the day's first run makes the daily backup: not what is measured
    ours, anchor = median_pairs(max(3, bench.repeats * 2), timed(log), timed(floor))
    ratio = ours / anchor
    return Figure(
        7,
        "command line: backtrack log, process start to exit",
        ours,
        anchor,
        "s",
        'python -c "import click, sqlite3"',
        "<= 4x",
        ratio <= 4,
    )


ALL: list[Callable[[Bench], Figure | list[Figure]]] = [
    startup,
    history,
    logging,
    export,  # figures 4 and 8
    memory,
    import_speed,
    command_line,
    import_forms,  # figures 9 to 15
    report_time,  # figure 16 (benchmarks/report_figure.py)
]
# The figure numbers each function of ALL measures (for --only).
NUMBERS: dict[Callable[[Bench], Figure | list[Figure]], tuple[int, ...]] = {
    startup: (1,),
    history: (2,),
    logging: (3,),
    export: (4, 8),
    memory: (5,),
    import_speed: (6,),
    command_line: (7,),
    import_forms: tuple(range(9, 16)),
    report_time: (16,),
}


# -- the machine ------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """CPU model, cores, Python, SQLite (library and CLI) and Textual versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cli = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True, check=False)
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite (Python)": sqlite3.sqlite_version,
        "SQLite (CLI)": cli.stdout.split()[0] if cli.stdout else "missing",
        "Textual": importlib.metadata.version("textual"),
        "tmux": subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout.strip(),
    }


def env_for(home: Path) -> dict[str, str]:
    """The benchmark's environment: backtrack's files under `home`, no animations."""
    env = quiet_env(home)
    env["TEXTUAL_ANIMATIONS"] = "none"
    env.setdefault("TERM", "xterm-256color")
    return env
