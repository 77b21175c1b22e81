"""Shared fixtures. Every test runs with XDG_*, HOME and BACKTRACK_* pointed at tmp_path,
so no test can read or write the developer's own backtrack data."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from backtrack.catalog import Catalog, load_catalog
from backtrack.cli import cli
from backtrack.clock import FixedClock, SystemClock
from backtrack.store import Store

XDG_VARS = (
    "XDG_DATA_HOME",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "XDG_STATE_HOME",
    "XDG_RUNTIME_DIR",
)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point every location backtrack could touch at a fresh folder under tmp_path."""
    home = tmp_path / "home"
    home.mkdir()
    for name in list(os.environ):
        if name.startswith("BACKTRACK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    for name in XDG_VARS:
        folder = home / name.lower()
        folder.mkdir(mode=0o700)
        monkeypatch.setenv(name, str(folder))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    yield home


@pytest.fixture
def local_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Set the process's local time zone (TZ) for a test, restoring it afterwards."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def catalog() -> Catalog:
    """The shipped drill catalog."""
    return load_catalog()


@pytest.fixture
def clock() -> FixedClock:
    """A clock that stands at 2026-11-25 08:00 UTC until moved."""
    return FixedClock(datetime(2026, 11, 25, 8, 0, tzinfo=UTC))


@pytest.fixture
def machine_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], FixedClock]:
    """Stop the machine's clock (what the command line reads) at a moment, for commands that
    judge 'today' (a break, a flare today); returns the FixedClock, to move it along."""

    def stop_at(moment: datetime) -> FixedClock:
        fixed = FixedClock(moment)
        monkeypatch.setattr(SystemClock, "now", lambda self: fixed.now())
        return fixed

    return stop_at


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test's database lives (not created yet)."""
    return tmp_path / "data" / "backtrack.db"


@pytest.fixture
def store(db_path: Path, catalog: Catalog, clock: FixedClock) -> Iterator[Store]:
    """An open store on a fresh database with a fake clock."""
    opened = Store.open(db_path, catalog, clock)
    yield opened
    opened.close()


@pytest.fixture
def run(db_path: Path):
    """Invoke the command line in-process against the test database."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, list(args), input=input, env={"BACKTRACK_DB": str(db_path)})

    return invoke
