"""The app commits each set before it acknowledges it.

Part of guarantee 1 of issue 6. At the very moment the today screen handles "set logged"
(the handler that shows the "Set N logged" notice, adds the row to the table and starts the
rest timer), a separate sqlite3 connection, as another process would have, must already
see the set. So a kill -9 right after the lifter sees the acknowledgement loses nothing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from tui import conftest as tui_conftest

from backtrack.tui.screens.today import TodayScreen
from backtrack.tui.widgets.set_table import SetTable

# The app fixtures live in tests/tui/conftest.py; this file sits beside the other reliability
# tests, so it borrows them.
make_app = tui_conftest.make_app
timer_clock = tui_conftest.timer_clock
settle, start = tui_conftest.settle, tui_conftest.start


def committed_notes(db: Path) -> list[str | None]:
    """What another process finds on disk (read-only: it cannot see uncommitted writes)."""
    conn = sqlite3.connect(f"{db.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT note FROM sets ORDER BY id")]
    finally:
        conn.close()


@pytest.mark.slow
async def test_each_set_is_on_disk_before_the_app_acknowledges_it(
    make_app, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen_at_acknowledgement: list[list[str | None]] = []
    acknowledge = TodayScreen.on_set_logged

    def watched(self: TodayScreen, message) -> None:
        seen_at_acknowledgement.append(committed_notes(db_path))
        acknowledge(self, message)

    monkeypatch.setattr(TodayScreen, "on_set_logged", watched)
    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        for n in range(1, 4):
            await pilot.press("enter")
            for _ in range(5):
                await pilot.press("tab")
            await pilot.press(*f"set{n}", "enter")
            await settle(pilot)
            table = app.screen.query_one(SetTable)
            assert table.row_count == n
            notices = [x.title for x in app._notifications]
            assert f"Set {n} logged" in notices, notices
    assert seen_at_acknowledgement == [
        ["set1"],
        ["set1", "set2"],
        ["set1", "set2", "set3"],
    ], "a set was acknowledged before another process could see it"
