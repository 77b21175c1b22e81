"""How an athlete likes the app, kept from one session to the next (per athlete, in the
database, so the gym terminal and a browser tab agree): for now Today's large view.

How an athlete likes to do a drill (the order of the sides) is a drill's preference, kept
with the sets (`sets.py`, table drill_preferences).
"""

from __future__ import annotations

from backtrack.models import Athlete
from backtrack.store.connection import StoreBase
from backtrack.store.values import iso_utc


class PreferencesMixin(StoreBase):
    """The athlete's preferences for the app."""

    def large_view(self, athlete: Athlete) -> bool:
        """Whether the athlete chose Today's large view (False until they do)."""
        row = self._one(
            "SELECT large_view FROM athlete_preferences WHERE athlete_id = ?", [athlete.id]
        )
        return bool(row and row["large_view"])

    def set_large_view(self, athlete: Athlete, on: bool) -> bool:
        """Remember the athlete's choice of the large view (committed when this returns)."""
        self._exec(
            "INSERT INTO athlete_preferences (athlete_id, large_view, updated_at) "
            "VALUES (?, ?, ?) ON CONFLICT (athlete_id) DO UPDATE SET "
            "large_view = excluded.large_view, updated_at = excluded.updated_at",
            [athlete.id, int(on), iso_utc(self.clock.now())],
        )
        return on
