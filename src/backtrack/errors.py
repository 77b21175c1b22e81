"""The store's errors, in a module of their own.

The command line and the app catch these before (or without ever) loading the store, so
this module imports nothing: `backtrack` with no command reaches its first screen without
sqlite-utils or pydantic. `backtrack.store` re-exports every class here.
"""

from __future__ import annotations


class StoreError(Exception):
    """A problem with the database that the user can act on; `str()` is one line."""


class DatabaseBusy(StoreError):
    """Another process held the database longer than the busy timeout."""


class DatabaseDamaged(StoreError):
    """The file at the database path is not a healthy backtrack database."""


class NotFound(StoreError):
    """A row the caller named does not exist."""


class InvalidValue(StoreError):
    """A value is outside what the domain allows; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NothingToDecide(StoreError):
    """accept or decline of a suggestion that is no decision: it waits for a check-in, or
    for a clinician to clear a red flag or resume a stopped drill."""
