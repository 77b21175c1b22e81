"""The `backtrack` script pauses the garbage collector for start-up only (backtrack.collector)."""

from __future__ import annotations

import gc
import importlib.metadata
import subprocess
import sys
from collections.abc import Iterator

import click
import pytest

from backtrack import __main__ as script
from backtrack import collector
from backtrack.cli import PAUSED_THROUGHOUT, cli
from backtrack.collector import resume_collection


@pytest.fixture
def gc_restored() -> Iterator[None]:
    """Whatever a test does, the collector ends on and nothing stays frozen or paused."""
    yield
    collector._paused = False
    gc.enable()
    gc.unfreeze()


def run_script(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """Run `backtrack ARGS` through the script's entry point in this process; its exit status."""
    monkeypatch.setattr(sys, "argv", ["backtrack", *args])
    with pytest.raises(SystemExit) as stopped:
        script.main()
    return int(stopped.value.code or 0)


def test_a_command_runs_with_the_collector_on_and_start_up_frozen(
    monkeypatch: pytest.MonkeyPatch, gc_restored: None
) -> None:
    seen: dict[str, object] = {}

    @click.command("probe-collector")
    def probe() -> None:
        seen["enabled"] = gc.isenabled()
        seen["frozen"] = gc.get_freeze_count()

    cli.commands["probe-collector"] = probe
    try:
        assert run_script(monkeypatch, "probe-collector") == 0
    finally:
        del cli.commands["probe-collector"]
    # The command's own work (an import, the server) has the collector, and start-up's
    # objects (the modules loaded so far) are out of its way.
    assert seen["enabled"] is True
    assert isinstance(seen["frozen"], int) and seen["frozen"] > 1000


def test_a_command_that_makes_no_garbage_runs_with_the_collector_paused(
    monkeypatch: pytest.MonkeyPatch, gc_restored: None
) -> None:
    seen: dict[str, bool] = {}

    @click.command("probe-collector")
    def probe() -> None:
        seen["enabled"] = gc.isenabled()

    monkeypatch.setattr("backtrack.cli.PAUSED_THROUGHOUT", frozenset({"probe-collector"}))
    cli.commands["probe-collector"] = probe
    try:
        assert run_script(monkeypatch, "probe-collector") == 0
    finally:
        del cli.commands["probe-collector"]
    assert seen["enabled"] is False
    assert gc.isenabled()  # on again at the end


def test_the_import_is_such_a_command() -> None:
    assert "import" in PAUSED_THROUGHOUT and "import" in cli.commands


def test_start_up_runs_with_the_collector_paused(
    monkeypatch: pytest.MonkeyPatch, gc_restored: None
) -> None:
    seen: dict[str, bool] = {}

    def command_line() -> None:
        seen["enabled"] = gc.isenabled()
        raise SystemExit(0)

    monkeypatch.setattr("backtrack.cli.main", command_line)
    assert run_script(monkeypatch) == 0
    assert seen["enabled"] is False
    assert gc.isenabled()  # and on again once the command line is done, however it ended


def test_a_usage_error_still_turns_the_collector_back_on(
    monkeypatch: pytest.MonkeyPatch, gc_restored: None
) -> None:
    assert run_script(monkeypatch, "log", "jefferson-curl", "--reps", "many") == 2
    assert gc.isenabled()


def test_resume_does_nothing_for_code_the_script_did_not_start(gc_restored: None) -> None:
    gc.disable()  # as a caller of its own might have it
    resume_collection()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_the_script_and_python_dash_m_take_this_entry() -> None:
    scripts = importlib.metadata.entry_points(group="console_scripts")
    assert scripts["backtrack"].value == "backtrack.__main__:main"
    done = subprocess.run(
        [sys.executable, "-m", "backtrack", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.startswith("backtrack, version")
