"""The SQLite log: the only package that speaks SQL.

`from backtrack.store import Store` is the one entry point callers need; the names below are
re-exported lazily, so importing this package (or `backtrack.store.glance`, the first-frame
read) loads neither sqlite-utils nor pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backtrack.errors import DatabaseBusy, DatabaseDamaged, InvalidValue, NotFound, StoreError
    from backtrack.store.log import (
        BUSY_TIMEOUT_SECONDS,
        FORMULA_PREFIXES,
        MAX_NAME_LENGTH,
        SQLITE_HEADER,
        ChartPoint,
        SessionSummary,
        SetImport,
        Store,
        TimelineEntry,
        busy_timeout_seconds,
        csv_cell,
        describe_override,
        iso_utc,
        neutralise,
        open_database,
        parse_utc,
        translate_error,
        validate_athlete_name,
        validate_pain,
        validate_rpe,
        window_around,
    )
    from backtrack.units import MAX_LOAD_KG

_ERRORS = "backtrack.errors"
_LOG = "backtrack.store.log"
_WHERE: dict[str, str] = {
    "StoreError": _ERRORS,
    "DatabaseBusy": _ERRORS,
    "DatabaseDamaged": _ERRORS,
    "InvalidValue": _ERRORS,
    "NotFound": _ERRORS,
    "MAX_LOAD_KG": "backtrack.units",
    "Store": _LOG,
    "SetImport": _LOG,
    "SessionSummary": _LOG,
    "ChartPoint": _LOG,
    "TimelineEntry": _LOG,
    "open_database": _LOG,
    "translate_error": _LOG,
    "busy_timeout_seconds": _LOG,
    "BUSY_TIMEOUT_SECONDS": _LOG,
    "SQLITE_HEADER": _LOG,
    "MAX_NAME_LENGTH": _LOG,
    "FORMULA_PREFIXES": _LOG,
    "iso_utc": _LOG,
    "parse_utc": _LOG,
    "validate_athlete_name": _LOG,
    "validate_pain": _LOG,
    "validate_rpe": _LOG,
    "describe_override": _LOG,
    "neutralise": _LOG,
    "csv_cell": _LOG,
    "window_around": _LOG,
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    """Import the module that defines `name` on first use (PEP 562)."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
