"""CSV out and in: the clinic's records, one row per set.

The header is a contract that spreadsheets rely on; never reorder or rename it. Export then
import into an empty database then export again gives identical bytes.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from backtrack.clock import parse_moment
from backtrack.durable import replaced_text_file
from backtrack.errors import InvalidValue
from backtrack.store.formats import iso_utc, parse_utc, validate_athlete_name
from backtrack.store.quick_log import Drill as LoggedDrill
from backtrack.text import CONTROL_CHARACTERS, describe_control, find_control
from backtrack.units import MAX_LOAD_KG, UNITS, Unit, format_load, to_kg

if TYPE_CHECKING:  # (importing this module loads no pydantic: `backtrack import` reads fast)
    from backtrack.models import Athlete
    from backtrack.store import Store
    from backtrack.store.bulk import SetImport

HEADER = (
    "date",
    "performed_at",
    "athlete",
    "exercise_id",
    "exercise",
    "set",
    "side",
    "reps",
    "load",
    "unit",
    "load_kg",
    "rom_level",
    "rom_label",
    "rpe",
    "pain",
    "note",
)

# The header before sides existed (no `side` column): still imported, its sets with no side.
LEGACY_HEADER = tuple(column for column in HEADER if column != "side")
SIDE_COLUMN = HEADER.index("side")
SIDES: dict[str, str | None] = {"": None, "L": "L", "R": "R"}

# Loads may be rounded to 3 decimals on the way out; allow that much disagreement.
LOAD_TOLERANCE_KG = 0.01


class CsvError(Exception):
    """A bad row or file; the message names the line and column."""


class UnknownAthletes(CsvError):
    """The file names athletes not in the database (and the import may not create them):
    `names`, as the file first writes each."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(f"the file names athletes not in this database: {', '.join(names)}")
        self.names = names


class ImportTally:
    """What an import noticed besides the sets it added: `without_side` counts the sets of
    two-sided drills that came in with no side (from a file made before sides existed, or
    exported from sets logged before them); `rows` the sets the file held, new or not;
    `athletes` each athlete the file names, in the order first named: (name, whether the
    import created them, how many new sets went to them)."""

    def __init__(self) -> None:
        self.without_side = 0
        self.rows = 0
        self.athletes: list[tuple[str, bool, int]] = []


class Drill(LoggedDrill, Protocol):
    """What reading a CSV needs of a drill (what logging a set needs, and its name):
    `models.Exercise` and `QuickDrill` have it."""

    @property
    def name(self) -> str: ...


class Drills(Protocol):
    """The catalog as reading a CSV uses it: `Catalog` and `QuickCatalog` (no pydantic)."""

    def __iter__(self) -> Iterator[Drill]: ...

    def __contains__(self, exercise_id: object) -> bool: ...

    def get(self, exercise_id: str) -> Drill: ...


class ImportTarget(Protocol):
    """Where `import_file` writes: the Store, or `bulk.QuickImport` (no pydantic)."""

    @property
    def catalog(self) -> Drills: ...

    def bulk_import(self, *, create_athletes: bool = ...) -> AbstractContextManager[SetImport]: ...


def write_csv(
    store: Store,
    out: IO[str],
    *,
    athlete: Athlete | None = None,
    since: date | None = None,
    until: date | None = None,
) -> int:
    """Write the export CSV (header, then one row per set) to `out`; return the row count."""
    csv.writer(out).writerow(HEADER)
    count = 0
    for text, sets in store.export_chunks(athlete=athlete, since=since, until=until):
        out.write(text)
        count += sets
    return count


def export_to_file(
    store: Store,
    path: Path,
    *,
    athlete: Athlete | None = None,
    since: date | None = None,
    until: date | None = None,
    write: Callable[..., int] | None = None,
) -> int:
    """Write the export to `path` through a temporary file renamed into place.

    `write` is the writer of what to export (`write_csv`, the sets, by default;
    `write_decisions`, `write_checkins`). A crash never leaves half a file at `path`. The
    file is private to the user (0600). Returns the row count.
    """
    write = write or write_csv
    with replaced_text_file(Path(path)) as out:
        count = write(store, out, athlete=athlete, since=since, until=until)
    return count


def _restore(text: str) -> str:
    """Undo `neutralise`: drop one leading single quote from a text cell."""
    return text[1:] if text.startswith("'") else text


def read_sets(
    source: IO[str],
    catalog: Drills,
    *,
    name: str = "CSV",
    athlete: Callable[[str], Any] = str,
    tally: ImportTally | None = None,
) -> Iterator[tuple[Any, ...]]:
    """Yield each row of an export CSV as a validated tuple; raise CsvError at the first bad cell.

    A tuple is (athlete(name), *IMPORT_COLUMNS); `athlete` is called once per distinct
    athlete cell. The error names the file, line and column. Text cells lose one leading
    single quote (the export's formula neutralisation).

    Every row gets exactly the checks of `_parse_row`: a cell whose text already passed
    them in an earlier row (a date, a load, a set number...) maps to the value that check
    produced; any row with a new cell text goes through `_parse_row` itself, which teaches
    the caches. performed_at, unique per row, is read by `_UtcTimes` (one conversion per
    hour and offset, whatever form the time is written in); a form it does not know goes
    through `_parse_row` too. No cell may hold a terminal control character (text.py).
    """
    reader = csv.reader(source, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise CsvError(f"{name}: line 1: not valid CSV ({exc})") from exc
    if header is None:
        raise CsvError(f"{name}: the file is empty (expected the header row)")
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    rows: Iterator[list[str]] = reader
    width = COLUMNS - 1 if tuple(header) == LEGACY_HEADER else COLUMNS  # as the file has it
    if tuple(header) == LEGACY_HEADER:  # before sides: every set comes in without one
        rows = (_without_side(cells) for cells in reader)
    elif tuple(header) != HEADER:
        raise CsvError(
            f"{name}: line 1: the header is not {','.join(HEADER)} "
            f"(nor the one before sides, without 'side')"
        )
    tally = tally or ImportTally()
    two_sided = {e.id for e in catalog if e.two_sided}
    athletes: dict[str, Any] = {}  # athlete cell -> athlete(validated name)
    levels: dict[str, dict[str, int]] = {}  # exercise_id -> rom_level cell -> level
    days: dict[str, str] = {}  # date cell -> YYYY-MM-DD
    loads: dict[tuple[str, str, str], tuple[float, float]] = {}  # (load, unit, load_kg) cells
    set_numbers: dict[str, int] = {}
    rep_counts: dict[str, int] = {}
    rpes: dict[str, float | None] = {}
    pains: dict[str, int | None] = {}
    clean: set[str] = set()  # drill and ROM label cells with no control character
    caches = (days, loads, set_numbers, rep_counts, rpes, pains, clean)
    utc_times = _UtcTimes()
    utc_hours = utc_times.hours
    fraction_zones = utc_times.fraction_zones
    missing = _MISSING
    control = CONTROL_CHARACTERS.search
    try:
        for cells in rows:
            if len(cells) == COLUMNS:
                (day, at, who, drill, drill_name, set_no, side, reps, load, unit, load_kg, rom,
                 label, rpe, pain, note) = cells  # fmt: skip
                # The common case inline: a time whose hour and offset were seen before.
                head, tail = at[:13], at[19:]  # date and hour; then the offset, or none
                shift = utc_hours.get(head + tail)
                if shift is None and (zone := fraction_zones.get(tail)) is not None:
                    shift = utc_hours.get(head + zone)  # a fraction of a second: dropped
                stamp: str | None
                if shift is not None and (moved := shift[1].get(at[13:19])) is not None:
                    stamp = shift[0][moved[0]] + moved[1]
                else:
                    stamp = utc_times(at)
                person = athletes.get(who, missing)
                level = levels.get(drill, _NO_LEVELS).get(rom)
                session_date = days.get(day)
                kilos = loads.get((load, unit, load_kg))
                set_number = set_numbers.get(set_no)
                rep_count = rep_counts.get(reps)
                effort = rpes.get(rpe, missing)
                hurt = pains.get(pain, missing)
                sided = drill in two_sided
                if (
                    (side == "" or (sided and (side == "L" or side == "R")))
                    and person is not missing
                    and level is not None
                    and session_date is not None
                    and kilos is not None
                    and set_number is not None
                    and rep_count is not None
                    and effort is not missing
                    and hurt is not missing
                    and stamp is not None
                    and drill_name in clean
                    and label in clean
                    and (not note or control(note) is None)
                ):
                    if sided and not side:
                        tally.without_side += 1
                    yield (
                        person,
                        drill,
                        stamp,
                        session_date,
                        set_number,
                        side or None,
                        rep_count,
                        kilos[0],
                        unit,
                        kilos[1],
                        level,
                        effort,
                        hurt,
                        (note[1:] or None) if note[:1] == "'" else (note or None),
                    )
                    continue
            elif not cells:
                continue
            line = reader.line_num
            if len(cells) != COLUMNS:
                raise CsvError(f"{name}: line {line}: expected {width} columns, found {len(cells)}")
            row = _parse_row(dict(zip(HEADER, cells, strict=True)), catalog, name, line)
            if row[5] is None and row[1] in two_sided:
                tally.without_side += 1
            if all(len(cache) < _CACHE_LIMIT for cache in caches) and len(athletes) < 10_000:
                (day, _, who, drill, drill_name, set_no, _, reps, load, unit, load_kg, rom, label,
                 rpe, pain, _) = cells  # fmt: skip
                clean.add(drill_name)  # _parse_row found no control character in them
                clean.add(label)
                if who not in athletes:
                    athletes[who] = athlete(row[0])
                levels.setdefault(drill, {})[rom] = row[10]
                days[day] = row[3]
                loads[(load, unit, load_kg)] = (row[7], row[9])
                set_numbers[set_no] = row[4]
                rep_counts[reps] = row[6]
                rpes[rpe] = row[11]
                pains[pain] = row[12]
                yield (athletes[who], *row[1:])
            else:
                yield (athlete(row[0]), *row[1:])
    except csv.Error as exc:
        raise CsvError(f"{name}: line {reader.line_num}: not valid CSV ({exc})") from exc


COLUMNS = len(HEADER)
_MISSING = object()
_NO_LEVELS: dict[str, int] = {}
# Distinct cell texts remembered per column; rows with newer ones take the slow path.
_CACHE_LIMIT = 100_000

# performed_at in the forms `_UtcTimes` converts by the hour: date and hour, ":MM:SS", a
# fraction of a second or none (dropped: the store keeps whole seconds), then Z, an offset
# (+HH:MM or -HH:MM) or none (local time). Any other form is read by `_parse_row`.
_FAST_TIME = re.compile(
    r"([1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T[0-9]{2})(:[0-5][0-9]:[0-5][0-9])(?:\.[0-9]{1,6})?"
    r"(Z|[+-][0-9]{2}:[0-9]{2}|)"
).fullmatch
_DIGITS = "0123456789"
_MINUTE = timedelta(minutes=1)

# A time's ":MM:SS" -> (0, its UTC ":MM:SSZ") or, past the hour, (1, ...): one table for
# each number of minutes an offset adds (0 for whole hours), built when first needed.
_Moves = dict[str, tuple[int, str]]
_MOVES: dict[int, _Moves] = {}


def _moves(minutes: int) -> _Moves:
    """The table of `_MOVES` for an offset that adds `minutes` (0-59) to every time."""
    table = _MOVES.get(minutes)
    if table is None:
        table = _MOVES[minutes] = {
            f":{mm:02d}:{ss:02d}": ((mm + minutes) // 60, f":{(mm + minutes) % 60:02d}:{ss:02d}Z")
            for mm in range(60)
            for ss in range(60)
        }
    return table


# An hour's shift: ((its UTC "YYYY-MM-DDTHH", the UTC hour after it), its `_moves` table).
_Shift = tuple[tuple[str, str], _Moves]
_UNKNOWN: _Shift = (("", ""), {})


def _stored_time(text: str) -> str:
    """performed_at `text` as the store keeps it: UTC, whole seconds (`iso_utc`); without
    an offset it is local time, as `backtrack log --at` reads it (`clock.parse_moment`).

    Raises ValueError for text that is not an ISO-8601 time, OverflowError for one out of
    range.
    """
    return iso_utc(parse_moment(text))


class _UtcTimes:
    """performed_at text -> the stored UTC text, exactly as `_stored_time` gives it, but
    working out each (date and hour, offset) once.

    Within one hour written with one offset (or in local time, away from a change of the
    clocks), every time shifts by the same amount: its UTC text is that hour's UTC date and
    hour (or the next one's, past 59 minutes), its minutes plus the offset's minutes, and
    its seconds. `hours` holds each hour's `_Shift`, keyed by the text's first 13
    characters and its offset, for `read_sets` to use inline; None for an hour whose times
    are converted one by one (the clocks change within it, or it is not a real hour).
    Calling the object returns None for text it does not read (a bad time, or a form
    outside `_FAST_TIME`), which `_parse_row` then reads, naming any problem.
    """

    def __init__(self) -> None:
        self.hours: dict[str, _Shift | None] = {}  # "YYYY-MM-DDTHH" + offset -> shift
        # What follows the seconds, with a fraction (".021Z", ".5+01:00"), seen before ->
        # the offset after the fraction (the fraction is dropped): millisecond fractions
        # repeat, so their times take `hours` inline too.
        self.fraction_zones: dict[str, str] = {}
        self._zones: dict[str, int] = {}  # offset text -> minutes east of UTC
        self._days: dict[str, date] = {}  # "YYYY-MM-DD" -> its date
        # A local date -> the local time's offset all day long (None: the clocks change
        # that day, so each hour is worked out alone).
        self._local_days: dict[str, int | None] = {}

    def __call__(self, text: str) -> str | None:
        """The stored UTC text of performed_at `text`, or None (see the class)."""
        if text[19:20] == ".":  # a fraction of a second, dropped: the hour's shift inline
            zone = text[20:].lstrip(_DIGITS)
            if 0 < len(text) - 20 - len(zone) <= 6:
                if len(self.fraction_zones) < _CACHE_LIMIT:
                    self.fraction_zones[text[19:]] = zone
                shift = self.hours.get(text[:13] + zone)
                if shift is not None and (moved := shift[1].get(text[13:19])) is not None:
                    return shift[0][moved[0]] + moved[1]
        match = _FAST_TIME(text)
        if match is None:
            return None
        hour, clock, zone = match.groups()
        shift = self.hours.get(hour + zone, _UNKNOWN)
        if shift is _UNKNOWN:
            shift = self._learn(hour, zone)
        if shift is None:
            try:
                return _stored_time(text)
            except (ValueError, OverflowError):
                return None
        index, rest = shift[1][clock]
        return shift[0][index] + rest

    def _learn(self, hour: str, zone: str) -> _Shift | None:
        """The shift of the hour `hour` written with `zone` (see the class), remembered."""
        try:
            offset = self._zone(zone) if zone else self._local_offset(hour)
            text = hour[:10]
            day = self._days.get(text)
            if day is None:
                day = self._days[text] = date.fromisoformat(text)
            local = int(hour[11:13])
            if offset is None or local > 23:
                raise ValueError(hour)
            start = local * 60 - offset  # UTC minutes from the local date's midnight
            minutes = start % 60
            utc_hour = _utc_hour(day, text, start)
            after = _utc_hour(day, text, start + 60) if minutes else utc_hour
            shift: _Shift | None = ((utc_hour, after), _moves(minutes))
        except (ValueError, OverflowError):
            shift = None  # each time alone, through _stored_time, which names the problem
        if len(self.hours) < _CACHE_LIMIT:
            self.hours[hour + zone] = shift
        return shift

    def _zone(self, zone: str) -> int:
        """Minutes east of UTC of an offset written Z or +HH:MM/-HH:MM (ValueError if bad)."""
        minutes = self._zones.get(zone)
        if minutes is None:
            offset = parse_moment(f"2000-01-01T00:00:00{zone}").utcoffset()
            assert offset is not None
            minutes = self._zones[zone] = offset // _MINUTE
        return minutes

    def _local_offset(self, hour: str) -> int | None:
        """Minutes from UTC to the wall clock throughout the local `hour` (see `_local`),
        worked out once a day: a day whose first, middle and last hours have one and the
        same shift has it all day (the clocks never change twice in a day, and back)."""
        day = hour[:10]
        if day not in self._local_days:
            first, noon, last = (self._local(f"{day}T{hh}") for hh in ("00", "12", "23"))
            whole = first if first is not None and first == noon == last else None
            if len(self._local_days) < _CACHE_LIMIT:
                self._local_days[day] = whole
        else:
            whole = self._local_days[day]
        return whole if whole is not None else self._local(hour)

    @staticmethod
    def _local(hour: str) -> int | None:
        """Minutes from UTC to the wall clock throughout the local `hour`, as
        `clock.parse_moment` places its times (a time the clocks skip is moved, not only
        given an offset); None if they differ within the hour."""
        shifts = set()
        for clock in (":00:00", ":59:59"):
            wall = datetime.fromisoformat(f"{hour}{clock}")
            utc = parse_moment(f"{hour}{clock}").astimezone(UTC).replace(tzinfo=None)
            shifts.add(wall - utc)
        shift = shifts.pop()
        if shifts or shift % _MINUTE:
            return None
        return shift // _MINUTE


def _utc_hour(day: date, text: str, minutes: int) -> str:
    """'YYYY-MM-DDTHH' of the UTC hour `minutes` after the midnight of `day` (written
    `text`), as `iso_utc` writes it; ValueError outside years 1000-9999 (no padding there)."""
    days, minute = divmod(minutes, 1440)
    if days:
        when = day + timedelta(days=days)
        if not 1000 <= when.year <= 9999:
            raise ValueError(f"year {when.year}")
        text = when.isoformat()
    return f"{text}T{minute // 60:02d}"


def _without_side(cells: list[str]) -> list[str]:
    """A row of the header before sides, with an empty `side` cell where it now stands."""
    if len(cells) == COLUMNS - 1:
        cells.insert(SIDE_COLUMN, "")
    return cells


def _parse_row(cells: dict[str, str], catalog: Drills, name: str, line: int) -> tuple[Any, ...]:
    """Check one row's cells; return (athlete name, *IMPORT_COLUMNS) or raise CsvError."""

    def fail(column: str, why: str) -> CsvError:
        return CsvError(f"{name}: line {line}, column {column}: {why}")

    for column, text in cells.items():
        if (char := find_control(text)) is not None:
            raise fail(
                column, f"{text!r} has a terminal control character, {describe_control(char)}"
            )

    def integer(column: str, low: int, high: int, *, optional: bool = False) -> int | None:
        text = cells[column].strip()
        if not text and optional:
            return None
        try:
            value = int(text)
        except ValueError:
            raise fail(column, f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise fail(column, f"{value} is not {low} to {high}")
        return value

    def number(column: str, *, optional: bool = False) -> float | None:
        text = cells[column].strip()
        if not text and optional:
            return None
        try:
            value = float(text)
        except ValueError:
            raise fail(column, f"{text!r} is not a number") from None
        if not math.isfinite(value):
            raise fail(column, f"{text!r} is not a number")
        return value

    athlete = _restore(cells["athlete"])
    try:
        athlete = validate_athlete_name(athlete)
    except InvalidValue as exc:
        raise fail("athlete", str(exc)) from None
    exercise_id = cells["exercise_id"]
    if exercise_id not in catalog:
        raise fail("exercise_id", f"unknown drill {exercise_id!r}")
    exercise = catalog.get(exercise_id)
    try:
        day = date.fromisoformat(cells["date"])
    except ValueError:
        raise fail("date", f"{cells['date']!r} is not a date (YYYY-MM-DD)") from None
    try:
        performed_at = _stored_time(cells["performed_at"])
    except OverflowError:
        raise fail("performed_at", f"{cells['performed_at']!r} is out of range") from None
    except ValueError:
        raise fail("performed_at", f"{cells['performed_at']!r} is not an ISO-8601 time") from None
    unit = cells["unit"]
    if unit not in UNITS:
        raise fail("unit", f"{unit!r} is not kg or lb")
    load = number("load")
    load_kg = number("load_kg")
    assert load is not None and load_kg is not None
    if load < 0:
        raise fail("load", f"{load:g} is below 0")
    if not 0 <= load_kg < MAX_LOAD_KG:
        raise fail("load_kg", f"{load_kg:g} is not 0 to 1000")
    if abs(to_kg(load, unit) - load_kg) > LOAD_TOLERANCE_KG:
        raise fail("load_kg", f"{load_kg:g} kg does not match load {load:g} {unit}")
    rpe = number("rpe", optional=True)
    if rpe is not None and (not 1 <= rpe <= 10 or rpe * 2 != int(rpe * 2)):
        raise fail("rpe", f"{rpe:g} is not 1-10 in steps of 0.5")
    note = _restore(cells["note"]) or None
    if cells["side"] not in SIDES:
        raise fail("side", f"{cells['side']!r} is not L, R or empty")
    side = SIDES[cells["side"]]
    if side is not None and not exercise.two_sided:
        raise fail("side", f"{exercise.name} is done on one side: its sets have no side")
    return (
        athlete,
        exercise_id,
        performed_at,
        day.isoformat(),
        integer("set", 1, 10_000),
        side,
        integer("reps", 0, 100),
        load,
        unit,
        load_kg,
        integer("rom_level", 1, exercise.max_rom_level),
        rpe,
        integer("pain", 0, 10, optional=True),
        note,
    )


def import_file(
    store: ImportTarget,
    path: Path | None,
    text: str | None = None,
    tally: ImportTally | None = None,
    *,
    create_athletes: bool = False,
) -> int:
    """Import an export CSV (this header or the one before sides) from `path` (or from
    `text`) in one transaction.

    Returns how many sets were new; `tally` learns what else the import noticed. Raises
    CsvError naming line and column for a bad row, and UnknownAthletes when the file names
    athletes not in the database and `create_athletes` is false; either way nothing from
    the file is imported.
    """
    name = str(path) if path is not None else "<stdin>"
    tally = tally or ImportTally()
    if text is not None:
        return _import(store, io.StringIO(text, newline=""), name, tally, create_athletes)
    assert path is not None
    try:
        with open(path, encoding="utf-8", newline="", buffering=1 << 20) as source:
            return _import(store, source, name, tally, create_athletes)
    except UnicodeDecodeError as exc:
        raise CsvError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise CsvError(f"cannot read {name}: {exc.strerror or exc}") from exc


def _import(
    store: ImportTarget, source: IO[str], name: str, tally: ImportTally, create_athletes: bool
) -> int:
    with store.bulk_import(create_athletes=create_athletes) as batch:
        batch.add(
            read_sets(source, store.catalog, name=name, athlete=batch.athlete_id, tally=tally)
        )
        if batch.missing:
            raise UnknownAthletes(batch.missing)
    tally.rows = batch.rows
    tally.athletes = [
        (person, created, batch.added_by_athlete.get(athlete_id, 0))
        for athlete_id, (person, created) in batch.named.items()
    ]
    return batch.added


# -- decisions and check-ins ----------------------------------------------------------------

DECISIONS_HEADER = (
    "date",
    "athlete",
    "exercise_id",
    "exercise",
    "action",
    "reason",
    "decision",
    "decided_at",
    "plan_before",
    "plan_after",
)
CHECKINS_HEADER = ("date", "checked_at", "athlete", "pain", "red_flags", "note")


def plan_cell(plan_json: str, unit: Unit) -> str:
    """A stored plan as the command line writes it: '3 x 6-8 at 10 kg, ROM 2'."""
    plan = json.loads(plan_json)
    load = format_load(plan["load_kg"], unit)
    return (
        f"{plan['sets']} x {plan['reps_min']}-{plan['reps_max']} at {load}, ROM {plan['rom_level']}"
    )


def write_decisions(
    store: Store,
    out: IO[str],
    *,
    athlete: Athlete | None = None,
    since: date | None = None,
    until: date | None = None,
) -> int:
    """Write one row per stored suggestion (pending, accepted, declined or superseded) and
    per clinician override, oldest first, dated by the local day it was made; the count."""
    from backtrack.store.csv_io import neutralise

    writer = csv.writer(out)
    writer.writerow(DECISIONS_HEADER)
    count = 0
    for row in store.decision_rows(athlete):
        made = parse_utc(row["created_at"])
        day = made.astimezone().date()
        if (since is not None and day < since) or (until is not None and day > until):
            continue
        name = (
            store.catalog.get(row["exercise_id"]).name
            if row["exercise_id"] in store.catalog
            else ""
        )
        writer.writerow(
            (
                day.isoformat(),
                neutralise(row["athlete"]),
                neutralise(row["exercise_id"]),
                neutralise(name),
                row["action"],
                neutralise(row["reason"]),
                row["status"],
                row["decided_at"] or "",
                plan_cell(row["plan_before"], row["unit"]),
                plan_cell(row["plan_after"], row["unit"]),
            )
        )
        count += 1
    return count


def write_checkins(
    store: Store,
    out: IO[str],
    *,
    athlete: Athlete | None = None,
    since: date | None = None,
    until: date | None = None,
) -> int:
    """Write one row per check-in, oldest first (red-flag keys joined by ';'); the count."""
    from backtrack.store.csv_io import neutralise

    writer = csv.writer(out)
    writer.writerow(CHECKINS_HEADER)
    rows = store.checkin_rows(athlete, since=since, until=until)
    for row in rows:
        writer.writerow(
            (
                row["local_date"],
                row["at"],
                neutralise(row["athlete"]),
                row["pain"],
                row["red_flags"] or "",
                neutralise(row["note"]) or "",
            )
        )
    return len(rows)
