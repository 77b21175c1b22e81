"""The SQLite log: the only package that speaks SQL.

One file holds athletes, logged sets, check-ins, current plans and the audit trail of
suggestions. `Store` (log.py) is the one entry point callers need; it is made of one part
per concern:

- connection.py: creating and opening the file, health checks, locks, the busy timeout,
  sqlite3 errors in words, `StoreBase` (transactions and query helpers);
- athletes.py: athletes and PINs;      sets.py: logged sets and check-ins;
- plans.py: plans, suggestions, decisions and the audit trail;
- history.py: the history screen's session, chart and timeline reads;
- csv_io.py: the CSV export built in SQL;
- bulk.py: many sets at once (import), and `QuickImport` (sqlite3 alone, no pydantic);
- formats.py: how values are written down, and the checks before (no models);
- values.py: rows read back into models;
- backup.py: backups and restore;      migrations.py: the schema;
- glance.py: the app's first-frame read (sqlite3 alone).

The names below are re-exported lazily (PEP 562), so importing this package, or
`backtrack.store.glance`, loads neither sqlite-utils nor pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backtrack.errors import DatabaseBusy, DatabaseDamaged, InvalidValue, NotFound, StoreError
    from backtrack.store.backup import SQLITE_HEADER, BackupError
    from backtrack.store.bulk import SetImport
    from backtrack.store.connection import (
        BUSY_TIMEOUT_SECONDS,
        backup_now,
        busy_timeout_seconds,
        open_database,
        translate_error,
    )
    from backtrack.store.csv_io import FORMULA_PREFIXES, IMPORT_COLUMNS, csv_cell, neutralise
    from backtrack.store.formats import (
        MAX_NAME_LENGTH,
        iso_utc,
        parse_utc,
        validate_athlete_name,
        validate_pain,
        validate_rpe,
    )
    from backtrack.store.history import ChartPoint, SessionSummary, SideSummary, TimelineEntry
    from backtrack.store.log import Store
    from backtrack.store.plans import describe_override
    from backtrack.store.sets import window_around
    from backtrack.units import MAX_LOAD_KG

_WHERE: dict[str, str] = {
    "DatabaseBusy": "backtrack.errors",
    "DatabaseDamaged": "backtrack.errors",
    "InvalidValue": "backtrack.errors",
    "NotFound": "backtrack.errors",
    "StoreError": "backtrack.errors",
    "MAX_LOAD_KG": "backtrack.units",
    "SQLITE_HEADER": "backtrack.store.backup",
    "BackupError": "backtrack.store.backup",
    "BUSY_TIMEOUT_SECONDS": "backtrack.store.connection",
    "backup_now": "backtrack.store.connection",
    "busy_timeout_seconds": "backtrack.store.connection",
    "open_database": "backtrack.store.connection",
    "translate_error": "backtrack.store.connection",
    "FORMULA_PREFIXES": "backtrack.store.csv_io",
    "IMPORT_COLUMNS": "backtrack.store.csv_io",
    "SetImport": "backtrack.store.bulk",
    "csv_cell": "backtrack.store.csv_io",
    "neutralise": "backtrack.store.csv_io",
    "ChartPoint": "backtrack.store.history",
    "SessionSummary": "backtrack.store.history",
    "SideSummary": "backtrack.store.history",
    "TimelineEntry": "backtrack.store.history",
    "Store": "backtrack.store.log",
    "describe_override": "backtrack.store.plans",
    "window_around": "backtrack.store.sets",
    "MAX_NAME_LENGTH": "backtrack.store.formats",
    "iso_utc": "backtrack.store.formats",
    "parse_utc": "backtrack.store.formats",
    "validate_athlete_name": "backtrack.store.formats",
    "validate_pain": "backtrack.store.formats",
    "validate_rpe": "backtrack.store.formats",
}

__all__ = [
    "BUSY_TIMEOUT_SECONDS",
    "FORMULA_PREFIXES",
    "IMPORT_COLUMNS",
    "MAX_LOAD_KG",
    "MAX_NAME_LENGTH",
    "SQLITE_HEADER",
    "BackupError",
    "ChartPoint",
    "DatabaseBusy",
    "DatabaseDamaged",
    "InvalidValue",
    "NotFound",
    "SessionSummary",
    "SetImport",
    "SideSummary",
    "Store",
    "StoreError",
    "TimelineEntry",
    "backup_now",
    "busy_timeout_seconds",
    "csv_cell",
    "describe_override",
    "iso_utc",
    "neutralise",
    "open_database",
    "parse_utc",
    "translate_error",
    "validate_athlete_name",
    "validate_pain",
    "validate_rpe",
    "window_around",
]


def __getattr__(name: str) -> Any:
    """Import the module that defines `name` on first use, and keep it here (PEP 562)."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
