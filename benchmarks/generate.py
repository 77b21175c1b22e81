"""Realistic backtrack databases, built through backtrack's own import.

A size is a number of athletes training for a number of days: four sessions a week (Monday,
Tuesday, Thursday, Friday), the four drills each session, three sets each. Every athlete has a
plausible course: range of motion first, then load, a flare-up now and then that steps back,
RPE and pain per set, an occasional note, and a unit (kg or lb) and a time zone of their own.

The CSV is written in the export format (`backtrack.export.HEADER`, export row order) and
imported with `backtrack import` into a fresh database. Both files are cached under
`benchmarks/out/` by size and generator version, so a second run starts at once. The history
ends the day before it was generated; a cache from an earlier day is still realistic (the
lifter simply has not trained since), so it is kept.

    python -m benchmarks.generate --size clinic
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from backtrack.catalog import load_catalog
from backtrack.export import HEADER
from backtrack.models import Exercise
from backtrack.units import KG_PER_LB

# Bump when the generated data changes, so stale caches are not reused.
GENERATOR_VERSION = 2  # 2: the two-sided drills' sets have a side
OUT = Path(__file__).resolve().parent / "out"
TRAINING_WEEKDAYS = (0, 1, 3, 4)  # Monday, Tuesday, Thursday, Friday
SETS_PER_DRILL = 3
YEAR = 365


@dataclass(frozen=True)
class Size:
    """How much data: `athletes` people, each training for `days` calendar days."""

    name: str
    athletes: int
    days: int

    @property
    def expected_sets(self) -> int:
        """Roughly how many sets this size holds (4 sessions a week, 4 drills, 3 sets)."""
        return round(self.athletes * self.days * 4 / 7 * 4 * SETS_PER_DRILL)


SIZES = {
    size.name: size
    for size in (
        Size("tiny", athletes=2, days=30),
        Size("tiny-one", athletes=1, days=30),
        Size("ten-days", athletes=1, days=10),
        Size("one", athletes=1, days=10 * YEAR),
        Size("clinic", athletes=40, days=10 * YEAR),
        Size("twenty", athletes=20, days=1500),  # about 200,000 sets
        Size("tiny-twenty", athletes=20, days=7),
    )
}

# The ways a file from elsewhere may write performed_at, all for the same instants: the
# export's own form, offsets (UTC written out, east and west of it), fractional seconds
# (stored to the second) and none (local time, read in LOCAL_ZONE).
TIME_FORMS = ("Z", "+00:00", "+01:00", "-07:00", "fraction", "local")
LOCAL_ZONE = "America/Denver"  # has summer time: the import must follow it hour by hour

FIRST_NAMES = (
    "Ana", "Ben", "Chiara", "Dev", "Emeka", "Farah", "Gus", "Hana", "Ivo", "Jo", "Kai", "Lena",
    "Mateo", "Nia", "Oskar", "Priya", "Quinn", "Rosa", "Sven", "Tomás", "Uma", "Vik", "Wren",
    "Ximena", "Yusuf", "Zoë", "Aoife", "Bruno", "Céline", "Dmitri",
)  # fmt: skip
LAST_NAMES = (
    "Okafor", "Lindqvist", "Moreau", "Tanaka", "O'Neill", "Silva", "Novak", "Haddad", "Park",
    "Kowalski", "Reyes", "Fischer", "Nguyen", "Adeyemi", "Rossi", "Berg", "Kaur", "Walsh",
)  # fmt: skip
NOTES = (
    "felt smooth",
    "tight at the bottom, stopped short",
    "grip gave out before the back did",
    "left side stiffer than right",
    "slept badly, kept it easy",
    "- a twinge on rep 5, fine after",
    "great session; ready for more",
    'coach said "slower on the way up"',
    "=warm gym, sweaty hands",
    "new kettlebell, same weight",
)
TIME_ZONES = (-8, -5, -3, 0, 1, 2, 5.5, 9, 10)
SESSION_HOURS = (6, 7, 12, 17, 18, 19)


def athlete_names(count: int, rng: random.Random) -> list[str]:
    """`count` distinct, plausible athlete names."""
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names


def trimmed(value: float) -> str:
    """A number as the export writes it: at most 3 decimals, no trailing zeros."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def neutralised(text: str) -> str:
    """Text as the export writes it: a formula-looking cell gets one leading quote."""
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r", "'")) else text


@dataclass
class DrillCourse:
    """One athlete's current prescription of one drill, moving as the weeks go by."""

    exercise: Exercise
    rom_level: int = 1
    load_kg: float = 0.0
    good_sessions: int = 0

    def progress(self) -> None:
        """Move on after enough good sessions: range of motion first, then load."""
        self.good_sessions = 0
        if self.rom_level < self.exercise.max_rom_level:
            self.rom_level += 1
        elif self.load_kg + self.exercise.load_increment_kg <= self.exercise.max_load_kg:
            self.load_kg += self.exercise.load_increment_kg

    def regress(self) -> None:
        """Step back after a flare-up: less load if any, else less range."""
        self.good_sessions = 0
        if self.load_kg >= self.exercise.load_increment_kg:
            self.load_kg -= self.exercise.load_increment_kg
        elif self.rom_level > 1:
            self.rom_level -= 1


@dataclass
class Athlete:
    """One simulated lifter: name, unit, time zone and habits."""

    name: str
    unit: str
    utc_offset_hours: float
    session_hour: int
    note_rate: float


def simulate(
    athlete: Athlete, drills: list[Exercise], start: date, days: int, rng: random.Random
) -> Iterator[tuple[str, ...]]:
    """Yield the athlete's sets as export CSV rows (unsorted across athletes)."""
    courses = [DrillCourse(e, load_kg=e.start_load_kg) for e in drills]
    flare_until = date.min
    offset = timedelta(hours=athlete.utc_offset_hours)
    for day_index in range(days):
        day = start + timedelta(days=day_index)
        if day.weekday() not in TRAINING_WEEKDAYS or rng.random() < 0.02:
            continue  # not a training day, or a missed session
        if rng.random() < 0.004:
            flare_until = day + timedelta(days=rng.randint(5, 14))
        flaring = day <= flare_until
        local_start = datetime.combine(day, time(athlete.session_hour, rng.randint(0, 40)))
        moment = (local_start - offset).replace(tzinfo=UTC)
        for course in courses:
            session_pains = []
            for number in range(1, SETS_PER_DRILL + 1):
                moment += timedelta(seconds=rng.randint(100, 200))
                pain = min(10, max(0, round(rng.gauss(4.5 if flaring else 1.2, 1.2))))
                session_pains.append(pain)
                # A two-sided drill's sets alternate L, R, L (numbered per side); the volume
                # of the data stays what the figures were measured on.
                side = ("L", "R")[(number - 1) % 2] if course.exercise.two_sided else ""
                set_number = (number + 1) // 2 if side else number
                yield _row(athlete, course, day, moment, set_number, side, pain, rng)
            if max(session_pains) > 5:
                course.regress()
            elif max(session_pains) <= 3:
                course.good_sessions += 1
                if course.good_sessions >= rng.randint(6, 12):
                    course.progress()


def _row(
    athlete: Athlete,
    course: DrillCourse,
    day: date,
    moment: datetime,
    set_number: int,
    side: str,
    pain: int,
    rng: random.Random,
) -> tuple[str, ...]:
    exercise = course.exercise
    if athlete.unit == "lb":
        load = round(course.load_kg / KG_PER_LB / 5) * 5
        load_kg = load * KG_PER_LB
    else:
        load = course.load_kg
        load_kg = course.load_kg
    reps = rng.randint(exercise.reps_min, exercise.reps_max)
    rpe = rng.choice((6, 6.5, 7, 7, 7.5, 8, 8.5, 9)) if rng.random() < 0.9 else None
    note = rng.choice(NOTES) if rng.random() < athlete.note_rate else ""
    return (
        day.isoformat(),
        moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        neutralised(athlete.name),
        exercise.id,
        neutralised(exercise.name),
        str(set_number),
        side,
        str(reps),
        trimmed(load),
        athlete.unit,
        trimmed(load_kg),
        str(course.rom_level),
        neutralised(exercise.rom_label(course.rom_level)),
        "" if rpe is None else trimmed(rpe),
        str(pain) if rng.random() < 0.95 else "",
        neutralised(note),
    )


def shipped_drills() -> list[Exercise]:
    """The drills of the shipped catalog, whatever the user's own catalog says."""
    return list(load_catalog(user_path=OUT / "no-user-catalog.toml"))


def write_csv(size: Size, path: Path, *, seed: int = 20261125) -> int:
    """Write the CSV of `size` to `path` in export row order; return the number of sets."""
    rng = random.Random(seed)
    drills = shipped_drills()
    last_day = date.today() - timedelta(days=1)  # history up to yesterday; today is empty
    start = last_day - timedelta(days=size.days - 1)
    rows: list[tuple[str, ...]] = []
    for name in athlete_names(size.athletes, rng):
        athlete = Athlete(
            name=name,
            unit="lb" if rng.random() < 0.3 else "kg",
            utc_offset_hours=rng.choice(TIME_ZONES),
            session_hour=rng.choice(SESSION_HOURS),
            note_rate=rng.choice((0.0, 0.01, 0.03, 0.08)),
        )
        rows.extend(simulate(athlete, drills, start, size.days, rng))
    rows.sort(key=lambda r: (r[1], r[2], r[3], int(r[5])))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return len(rows)


def written_in(form: str, moment: datetime) -> str:
    """The UTC instant `moment` as performed_at in `form` (one of TIME_FORMS)."""
    if form == "Z":
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if form == "fraction":
        return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{moment.second * 7 % 1000:03d}Z"
    if form == "local":
        zone = ZoneInfo(LOCAL_ZONE)
        local = moment.astimezone(zone).replace(tzinfo=None)
        if local.replace(tzinfo=zone).astimezone(UTC) != moment:  # the clocks' repeated hour
            raise ValueError(f"{moment} has no local time of its own in {LOCAL_ZONE}")
        return local.isoformat()
    hours, minutes = int(form[1:3]), int(form[4:6])
    offset = timedelta(hours=hours, minutes=minutes) * (1 if form[0] == "+" else -1)
    return moment.astimezone(timezone(offset)).isoformat()


def write_form(source: Path, form: str, path: Path) -> int:
    """Copy the CSV `source` (performed_at in the export's Z form) to `path` with every
    performed_at written in `form` instead; return the number of sets."""
    rows = 0
    with (
        source.open(encoding="utf-8", newline="") as handle,
        path.open("w", encoding="utf-8", newline="") as out,
    ):
        reader, writer = csv.reader(handle), csv.writer(out)
        writer.writerow(next(reader))
        for row in reader:
            moment = datetime.strptime(row[1], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            row[1] = written_in(form, moment)
            writer.writerow(row)
            rows += 1
    return rows


def cached_forms(size_name: str, out: Path = OUT) -> dict[str, Path]:
    """The CSV of a size in each of TIME_FORMS (the same sets and instants), made from the
    size's cached CSV on first use."""
    source, _ = cached(size_name, out)
    forms = {"Z": source}
    for form in TIME_FORMS[1:]:
        tag = {"+": "plus", "-": "minus"}.get(form[0], "") + form.lstrip("+-").replace(":", "")
        path = source.with_name(f"{source.stem}-{tag}.csv")
        if not path.exists():
            partial = path.with_suffix(".csv.partial")
            write_form(source, form, partial)
            partial.replace(path)
        forms[form] = path
    return forms


def quiet_env(home: Path) -> dict[str, str]:
    """An environment whose backtrack files (config, data, user catalog) live under `home`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKTRACK_")}
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[name] = str(home / name.lower())
    env["HOME"] = str(home)
    return env


def compile_bytecode() -> None:
    """Write backtrack's bytecode (.pyc) now, as installing a wheel does. With an editable
    install and PYTHONDONTWRITEBYTECODE set, every launch would otherwise compile each module
    changed since its .pyc was written, and the figures would time the compiler."""
    import compileall

    import backtrack

    compileall.compile_dir(Path(backtrack.__file__).parent, quiet=1)


def backtrack_command() -> list[str]:
    """How to run the `backtrack` command with this interpreter."""
    script = Path(sys.executable).with_name("backtrack")
    return [str(script)] if script.exists() else [sys.executable, "-m", "backtrack"]


def import_csv(csv_path: Path, db_path: Path) -> None:
    """Build `db_path` from `csv_path` with `backtrack import` (a fresh file)."""
    db_path.unlink(missing_ok=True)
    command = [*backtrack_command(), "import", "--create-athletes", str(csv_path)]
    subprocess.run(
        [*command, "--db", str(db_path)],
        check=True,
        capture_output=True,
        env=quiet_env(db_path.parent / "home"),
    )


def cached(size_name: str, out: Path = OUT) -> tuple[Path, Path]:
    """The (CSV, database) of a size, generated and imported on first use, then reused."""
    size = SIZES[size_name]
    stem = out / f"{size.name}-v{GENERATOR_VERSION}"
    csv_path, db_path = stem.with_suffix(".csv"), stem.with_suffix(".db")
    if not (csv_path.exists() and db_path.exists()):
        for old in out.glob(f"{size.name}-v*"):
            if old.is_file():
                old.unlink()  # the database, the CSV and its other forms
        partial = csv_path.with_suffix(".csv.partial")
        write_csv(size, partial)
        partial.replace(csv_path)
        partial_db = db_path.with_suffix(".db.partial")
        import_csv(csv_path, partial_db)
        partial_db.replace(db_path)
    return csv_path, db_path


def main(argv: list[str] | None = None) -> None:
    """Generate (or find in the cache) the database of one size and print its paths."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="clinic")
    args = parser.parse_args(argv)
    csv_path, db_path = cached(args.size)
    print(f"{csv_path}\n{db_path}")


if __name__ == "__main__":
    main()
