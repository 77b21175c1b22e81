"""sqlite-utils, loaded without numpy or pandas.

sqlite-utils imports numpy and pandas whenever they are installed, to map their number
types to column types; backtrack stores none of them. matplotlib (the report's charts)
brings numpy along, which would add 35-70 ms to every command that opens the log. Loading
sqlite-utils with them marked absent, then unmarked, keeps the store's start-up what it was;
the report still imports numpy as usual when it draws.
"""

from __future__ import annotations

import sys

_SKIPPED = [name for name in ("numpy", "pandas") if name not in sys.modules]
for _name in _SKIPPED:
    sys.modules[_name] = None  # type: ignore[assignment]  # import of it raises ImportError
try:
    from sqlite_utils import Database, Migrations
finally:
    for _name in _SKIPPED:
        del sys.modules[_name]

__all__ = ["Database", "Migrations"]
