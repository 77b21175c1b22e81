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
import tempfile
from collections.abc import Iterator
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
    lines = store.export_lines(athlete=athlete, since=since, until=until)
    while chunk := _take(lines, 10_000):
        out.write("\r\n".join(chunk))
        out.write("\r\n")
        count += len(chunk)
    return count


def _take(rows: Iterator[Any], n: int) -> list[Any]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= n:
            break
    return chunk


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


def parse_csv(source: IO[str], catalog: Catalog, *, name: str = "CSV") -> Iterator[dict[str, Any]]:
    """Yield validated set rows from an export CSV; raise CsvError at the first bad cell.

    The error names the file, line and column. Text cells lose one leading single quote
    (the export's formula neutralisation).
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
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CsvError(f"{name}: line {reader.line_num}: not valid CSV ({exc})") from exc
        line = reader.line_num
        if not cells:
            continue
        if len(cells) != len(HEADER):
            raise CsvError(
                f"{name}: line {line}: expected {len(HEADER)} columns, found {len(cells)}"
            )
        yield _parse_row(dict(zip(HEADER, cells, strict=True)), catalog, name, line)


def _parse_row(cells: dict[str, str], catalog: Catalog, name: str, line: int) -> dict[str, Any]:
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
    return {
        "athlete": athlete,
        "exercise_id": exercise_id,
        "performed_at": iso_utc(moment),
        "session_date": day.isoformat(),
        "set_number": integer("set", 1, 10_000),
        "reps": integer("reps", 0, 100),
        "load": load,
        "unit": unit,
        "load_kg": load_kg,
        "rom_level": integer("rom_level", 1, exercise.max_rom_level),
        "rpe": rpe,
        "pain": integer("pain", 0, 10, optional=True),
        "note": note,
    }


def import_file(store: Store, path: Path | None, text: str | None = None) -> int:
    """Import an export CSV from `path` (or from `text`) in one transaction.

    Returns how many sets were new. Raises CsvError naming line and column for a bad
    row, in which case nothing from the file is imported.
    """
    name = str(path) if path is not None else "<stdin>"
    if text is not None:
        source: IO[str] = io.StringIO(text, newline="")
        return store.import_sets(parse_csv(source, store.catalog, name=name))
    assert path is not None
    try:
        with open(path, encoding="utf-8", newline="") as source:
            return store.import_sets(parse_csv(source, store.catalog, name=name))
    except UnicodeDecodeError as exc:
        raise CsvError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise CsvError(f"cannot read {name}: {exc.strerror or exc}") from exc
