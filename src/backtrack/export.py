"""CSV out and in: the clinic's records, one row per set.

The header is a contract that spreadsheets rely on; never reorder or rename it. Export then
import into an empty database then export again gives identical bytes.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from backtrack.catalog import Catalog
from backtrack.models import Athlete
from backtrack.store import MAX_LOAD_KG, InvalidValue, Store, iso_utc, validate_athlete_name
from backtrack.units import UNITS, to_kg

HEADER = (
    "date",
    "performed_at",
    "athlete",
    "exercise_id",
    "exercise",
    "set",
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

# Loads may be rounded to 3 decimals on the way out; allow that much disagreement.
LOAD_TOLERANCE_KG = 0.01


class CsvError(Exception):
    """A bad row or file; the message names the line and column."""


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
) -> int:
    """Write the export to `path` through a temporary file renamed into place.

    A crash never leaves half a file at `path`. The file is private to the user (0600).
    Returns the row count.
    """
    path = Path(path)
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    except OSError as exc:  # name the file asked for, not the temporary one
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            count = write_csv(store, out, athlete=athlete, since=since, until=until)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    return count


def _restore(text: str) -> str:
    """Undo `neutralise`: drop one leading single quote from a text cell."""
    return text[1:] if text.startswith("'") else text


def read_sets(
    source: IO[str],
    catalog: Catalog,
    *,
    name: str = "CSV",
    athlete: Callable[[str], Any] = str,
) -> Iterator[tuple[Any, ...]]:
    """Yield each row of an export CSV as a validated tuple; raise CsvError at the first bad cell.

    A tuple is (athlete(name), *IMPORT_COLUMNS); `athlete` is called once per distinct
    athlete cell. The error names the file, line and column. Text cells lose one leading
    single quote (the export's formula neutralisation).

    Every row gets exactly the checks of `_parse_row`: a cell whose text already passed
    them in an earlier row (a date, a load, a set number...) maps to the value that check
    produced; any row with a new cell text goes through `_parse_row` itself, which teaches
    the caches. performed_at, unique per row, is checked against its canonical form.
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
    if tuple(header) != HEADER:
        raise CsvError(f"{name}: line 1: the header is not {','.join(HEADER)}")
    athletes: dict[str, Any] = {}  # athlete cell -> athlete(validated name)
    levels: dict[str, dict[str, int]] = {}  # exercise_id -> rom_level cell -> level
    days: dict[str, str] = {}  # date cell -> YYYY-MM-DD
    loads: dict[tuple[str, str, str], tuple[float, float]] = {}  # (load, unit, load_kg) cells
    set_numbers: dict[str, int] = {}
    rep_counts: dict[str, int] = {}
    rpes: dict[str, float | None] = {}
    pains: dict[str, int | None] = {}
    caches = (days, loads, set_numbers, rep_counts, rpes, pains)
    canonical_utc = _CANONICAL_UTC
    from_iso = datetime.fromisoformat
    missing = _MISSING
    try:
        for cells in reader:
            if len(cells) == COLUMNS:
                (day, at, who, drill, _, set_no, reps, load, unit, load_kg, rom, _, rpe, pain,
                 note) = cells  # fmt: skip
                person = athletes.get(who, missing)
                level = levels.get(drill, _NO_LEVELS).get(rom)
                session_date = days.get(day)
                kilos = loads.get((load, unit, load_kg))
                set_number = set_numbers.get(set_no)
                rep_count = rep_counts.get(reps)
                effort = rpes.get(rpe, missing)
                hurt = pains.get(pain, missing)
                if (
                    person is not missing
                    and level is not None
                    and session_date is not None
                    and kilos is not None
                    and set_number is not None
                    and rep_count is not None
                    and effort is not missing
                    and hurt is not missing
                    and canonical_utc(at) is not None
                    and _valid_time(from_iso, at)
                ):
                    yield (
                        person,
                        drill,
                        at,
                        session_date,
                        set_number,
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
                raise CsvError(
                    f"{name}: line {line}: expected {COLUMNS} columns, found {len(cells)}"
                )
            row = _parse_row(dict(zip(HEADER, cells, strict=True)), catalog, name, line)
            if all(len(cache) < _CACHE_LIMIT for cache in caches) and len(athletes) < 10_000:
                (day, _, who, drill, _, set_no, reps, load, unit, load_kg, rom, _, rpe, pain,
                 _) = cells  # fmt: skip
                if who not in athletes:
                    athletes[who] = athlete(row[0])
                levels.setdefault(drill, {})[rom] = row[9]
                days[day] = row[3]
                loads[(load, unit, load_kg)] = (row[6], row[8])
                set_numbers[set_no] = row[4]
                rep_counts[reps] = row[5]
                rpes[rpe] = row[10]
                pains[pain] = row[11]
                yield (athletes[who], *row[1:])
            else:
                yield (athlete(row[0]), *row[1:])
    except csv.Error as exc:
        raise CsvError(f"{name}: line {reader.line_num}: not valid CSV ({exc})") from exc


COLUMNS = len(HEADER)
# performed_at as `iso_utc` writes it (years 1000-9999: `%Y` does not pad smaller ones).
_CANONICAL_UTC = re.compile(
    r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z"
).fullmatch
_MISSING = object()
_NO_LEVELS: dict[str, int] = {}
# Distinct cell texts remembered per column; rows with newer ones take the slow path.
_CACHE_LIMIT = 100_000


def _valid_time(from_iso: Callable[[str], datetime], text: str) -> bool:
    """Whether canonical-looking `text` is a real moment (no 30 February)."""
    try:
        from_iso(text)
    except ValueError:
        return False
    return True


def _parse_row(cells: dict[str, str], catalog: Catalog, name: str, line: int) -> tuple[Any, ...]:
    """Check one row's cells; return (athlete name, *IMPORT_COLUMNS) or raise CsvError."""

    def fail(column: str, why: str) -> CsvError:
        return CsvError(f"{name}: line {line}, column {column}: {why}")

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
        moment = datetime.fromisoformat(cells["performed_at"])
    except ValueError:
        raise fail("performed_at", f"{cells['performed_at']!r} is not an ISO-8601 time") from None
    if moment.tzinfo is None:
        raise fail("performed_at", f"{cells['performed_at']!r} has no UTC offset")
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
    return (
        athlete,
        exercise_id,
        iso_utc(moment),
        day.isoformat(),
        integer("set", 1, 10_000),
        integer("reps", 0, 100),
        load,
        unit,
        load_kg,
        integer("rom_level", 1, exercise.max_rom_level),
        rpe,
        integer("pain", 0, 10, optional=True),
        note,
    )


def import_file(store: Store, path: Path | None, text: str | None = None) -> int:
    """Import an export CSV from `path` (or from `text`) in one transaction.

    Returns how many sets were new. Raises CsvError naming line and column for a bad
    row, in which case nothing from the file is imported.
    """
    name = str(path) if path is not None else "<stdin>"
    if text is not None:
        return _import(store, io.StringIO(text, newline=""), name)
    assert path is not None
    try:
        with open(path, encoding="utf-8", newline="", buffering=1 << 20) as source:
            return _import(store, source, name)
    except UnicodeDecodeError as exc:
        raise CsvError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise CsvError(f"cannot read {name}: {exc.strerror or exc}") from exc


def _import(store: Store, source: IO[str], name: str) -> int:
    with store.bulk_import() as batch:
        batch.add(read_sets(source, store.catalog, name=name, athlete=batch.athlete_id))
    return batch.added
