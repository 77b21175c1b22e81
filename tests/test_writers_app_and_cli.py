"""The app, a writer process and real `backtrack log` commands on one database at once.

Part of guarantee 2 of issue 6 (two writers): the lifter logs by keyboard in the app while
another terminal logs through the command line and a third process logs sets as fast as
it can the whole time (thousands of them). Every set that any of them acknowledged is on
disk, numbered without clashes.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from tui import conftest as tui_conftest

from backtrack.catalog import load_catalog
from backtrack.store import Store
from backtrack.tui.widgets.set_table import SetTable

make_app = tui_conftest.make_app
timer_clock = tui_conftest.timer_clock
settle, start = tui_conftest.settle, tui_conftest.start

WRITER = Path(__file__).parent / "fixtures" / "writer.py"
APP_SETS, CLI_SETS = 12, 10


@pytest.mark.slow
async def test_app_cli_and_a_writer_at_once_lose_no_set(make_app, db_path: Path) -> None:
    Store.open(db_path, load_catalog()).close()
    env = {**os.environ, "BACKTRACK_DB": str(db_path)}
    cli_results: list[subprocess.CompletedProcess[str]] = []

    def other_terminal() -> None:
        for i in range(CLI_SETS):
            cli_results.append(
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "backtrack",
                        "log",
                        "back-extension-ghd",
                        "--reps",
                        "6",
                        "--note",
                        f"cli{i}",
                    ],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=60,
                )
            )

    app = make_app()
    async with app.run_test() as pilot:
        await start(pilot)
        writer = subprocess.Popen(  # logs until it is stopped
            [sys.executable, str(WRITER), str(db_path), "loop"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        terminal = threading.Thread(target=other_terminal)
        terminal.start()
        for n in range(1, APP_SETS + 1):
            await pilot.press("enter")
            for _ in range(5):
                await pilot.press("tab")
            await pilot.press(*f"app{n}", "enter")
            await settle(pilot)
            assert app.screen.query_one(SetTable).row_count == n
        terminal.join(timeout=120)
    writer.terminate()
    out, _ = writer.communicate(timeout=60)
    written = {int(line.split()[1]) for line in out.splitlines() if line.startswith("logged ")}
    assert len(written) >= 100
    assert [r.returncode for r in cli_results] == [0] * CLI_SETS, [r.stderr for r in cli_results]

    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = conn.execute(
            "SELECT id, athlete_id, exercise_id, session_date, set_number, note, side FROM sets"
        ).fetchall()
    finally:
        conn.close()
    notes = {r[5] for r in rows}
    assert {f"app{n}" for n in range(1, APP_SETS + 1)} <= notes
    assert {f"cli{i}" for i in range(CLI_SETS)} <= notes
    assert written <= {r[0] for r in rows}
    app_ids = [r[0] for r in rows if r[5] and r[5].startswith("app")]
    cli_ids = [r[0] for r in rows if r[5] and r[5].startswith("cli")]
    for others in (app_ids, cli_ids):  # each really wrote while the writer did
        assert min(others) < max(written) and min(written) < max(others)
    assert len(rows) >= APP_SETS + CLI_SETS + len(written)
    by_session: dict[tuple[int, str, str, str | None], list[int]] = {}
    for _, athlete, drill, day, number, _, side in rows:  # numbered per side
        by_session.setdefault((athlete, drill, day, side), []).append(number)
    for numbers in by_session.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
