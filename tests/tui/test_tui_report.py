"""History's `r` key: the clinician's report of the athlete over the dates on screen, written
beside where `x` exports, and the screen says where it went."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from textual.clock import MockClock
from textual.widgets import Input

from backtrack.catalog import Catalog
from backtrack.clock import FixedClock
from backtrack.tui.app import BacktrackApp, create_app
from backtrack.tui.screens.history import HistoryScreen

from .conftest import settle, start


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


@pytest.fixture
def demo_app(
    demo_db: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock, out_dir: Path
) -> BacktrackApp:
    return create_app(
        demo_db, "demo", clock=clock, timer_clock=timer_clock, catalog=catalog, export_dir=out_dir
    )


async def wait_for(pilot, path: Path) -> None:
    """Let the report's worker finish (it draws eight charts in a thread)."""
    for _ in range(200):
        await settle(pilot)
        if path.exists() and any(str(path) in n.message for n in pilot.app._notifications):
            return
        await pilot.pause(0.05)
    raise AssertionError(f"{path} was not written")


async def test_r_writes_the_report_of_the_dates_on_screen(
    demo_app: BacktrackApp, out_dir: Path
) -> None:
    async with demo_app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        await pilot.press("h")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, HistoryScreen)
        await pilot.press("f")
        screen.query_one("#since", Input).value = "2026-10-05"
        screen.query_one("#until", Input).value = "2026-10-18"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r")
        path = out_dir / "backtrack-report-demo-2026-10-18.html"
        await wait_for(pilot, path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        html = path.read_text(encoding="utf-8")
        assert "Range: 5 Oct 2026 to 18 Oct 2026" in html
        assert len(re.findall(r'<section class="drill"', html)) == 4  # every drill, not one
        # a second report does not overwrite the first
        await pilot.press("r")
        await wait_for(pilot, out_dir / "backtrack-report-demo-2026-10-18-2.html")


async def test_r_on_all_dates_ends_today(demo_app: BacktrackApp, out_dir: Path) -> None:
    async with demo_app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("a")  # all dates: from the first session, to today
        await settle(pilot)
        await pilot.press("r")
        path = out_dir / "backtrack-report-demo-2026-11-25.html"
        await wait_for(pilot, path)
        assert "Range: 2 Sep 2026 to 25 Nov 2026" in path.read_text(encoding="utf-8")
