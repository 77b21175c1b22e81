"""The front desk's own connection to the log: for the athlete picker and the history screen.

It is a second SQLite connection to the same file (WAL lets it read while the session's
connection writes), so reading ten years of history never waits for, or holds up, logging a
set. Calls run one at a time from thread workers. Nothing here imports Textual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from backtrack.clock import Clock

if TYPE_CHECKING:
    from backtrack.catalog import Catalog
    from backtrack.store import Store

T = TypeVar("T")


class Desk:
    """Opens its connection on first use; `run` calls a function with it, one at a time."""

    def __init__(self, path: Path, catalog: Catalog, clock: Clock) -> None:
        self.path = Path(path)
        self.catalog = catalog
        self.clock = clock
        self._lock = threading.Lock()
        self._store: Store | None = None

    @classmethod
    def beside(cls, store: Store) -> Desk:
        """A desk on the same database file, catalog and clock as `store`."""
        return cls(store.path, store.catalog, store.clock)

    def run(self, work: Callable[[Store], T]) -> T:
        """Call `work` with the desk's store (opened if needed) and return its result."""
        from backtrack.store import Store

        with self._lock:
            if self._store is None:
                self._store = Store.open(self.path, self.catalog, self.clock)
            return work(self._store)

    def close(self) -> None:
        """Close the connection once the running call (if any) has finished."""
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
