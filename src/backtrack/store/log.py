"""The Store: one object over one backtrack database, made of the log's parts.

Each part lives in a module of its own (see the package's docstring); callers only ever
need `Store.open(path, catalog)` and its methods. Every public method that writes commits
before it returns; multi-row writes run in one transaction.
"""

from __future__ import annotations

from backtrack.store.access import AccessMixin
from backtrack.store.athletes import AthletesMixin
from backtrack.store.csv_io import CsvMixin
from backtrack.store.history import HistoryMixin
from backtrack.store.preferences import PreferencesMixin
from backtrack.store.report_reads import ReportReadsMixin
from backtrack.store.safety import SafetyMixin
from backtrack.store.sets import SetsMixin


class Store(
    SetsMixin,
    HistoryMixin,
    ReportReadsMixin,
    SafetyMixin,
    CsvMixin,
    AccessMixin,
    AthletesMixin,
    PreferencesMixin,
):
    """Reads and writes one backtrack database for the catalog's drills: athletes and PINs,
    the clinic password, throttled sign-in tries and the access trail,
    plans and the audit trail, sets and check-ins, history and report reads, rule settings
    and red flags, CSV export and import, and how each athlete likes the app."""
