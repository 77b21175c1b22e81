"""The domain never imports the UI, and light commands stay off heavy modules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DOMAIN = [
    "backtrack.models",
    "backtrack.catalog",
    "backtrack.store",
    "backtrack.rules",
    "backtrack.export",
    "backtrack.progression",
    "backtrack.store.migrations",
    "backtrack.units",
    "backtrack.clock",
    "backtrack.paths",
    "backtrack.store.backup",
    "backtrack.store.glance",
    "backtrack.pins",
    "backtrack.durable",
    "backtrack.errors",
    "backtrack.demo",
]


def imported_after(code: str) -> set[str]:
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


@pytest.mark.parametrize("module", DOMAIN)
def test_domain_module_does_not_import_textual(module: str) -> None:
    modules = imported_after(f"import {module}")
    assert module in modules
    assert not {m for m in modules if m == "textual" or m.startswith("textual.")}


def test_every_module_outside_the_ui_is_checked() -> None:
    """A new module beside the domain ones must be added to DOMAIN (or be the CLI/UI)."""
    package = Path(__file__).resolve().parents[1] / "src" / "backtrack"
    found = {f"backtrack.{p.stem}" for p in package.glob("*.py")}
    entry_points = {"backtrack.__init__", "backtrack.__main__", "backtrack.cli"}
    assert found - entry_points == set(DOMAIN)


def test_cli_module_does_not_import_textual() -> None:
    modules = imported_after("import backtrack.cli")
    assert "textual" not in modules


def test_package_init_imports_nothing_heavy() -> None:
    modules = imported_after("import backtrack")
    assert not {"textual", "sqlite_utils", "pydantic", "click"} & modules


# -- the light commands, run for real in a fresh interpreter ------------------------------

CLI_THEN_MODULES = """
import json, sys
from backtrack.cli import cli
code = cli.main({args!r}, prog_name="backtrack", standalone_mode=False)
print(json.dumps({{"code": code, "modules": sorted(sys.modules)}}))
"""


def modules_after_command(args: list[str]) -> set[str]:
    """Run `backtrack ARGS` in-process in a fresh interpreter; the modules it imported."""
    done = subprocess.run(
        [sys.executable, "-c", CLI_THEN_MODULES.format(args=args)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 0, done.stderr
    return set(result["modules"])


def textual_modules(modules: set[str]) -> set[str]:
    return {m for m in modules if m == "textual" or m.startswith("textual.")}


@pytest.fixture
def logged_db(tmp_path):
    """A database with one athlete and one logged set, made through the command line."""
    db = tmp_path / "log.db"
    modules_after_command(["log", "jefferson-curl", "--reps", "8", "--db", str(db)])
    return db


@pytest.mark.parametrize(
    "command",
    [
        ["log", "jefferson-curl", "--reps", "7", "--pain", "1"],
        ["next"],
        ["export", "--all-athletes", "-o", "{tmp}/out.csv"],
        ["import", "{tmp}/out.csv"],
    ],
    ids=lambda c: c[0],
)
def test_light_commands_never_import_textual(command, logged_db, tmp_path) -> None:
    if command[0] == "import":
        modules_after_command(["export", "--all-athletes", "-o", str(tmp_path / "out.csv")])
    args = [part.format(tmp=tmp_path) for part in command] + ["--db", str(logged_db)]
    modules = modules_after_command(args)
    assert "backtrack.cli" in modules
    assert not textual_modules(modules), sorted(textual_modules(modules))[:5]


def test_app_start_up_path_leaves_other_screens_and_commands_unloaded() -> None:
    """Start-up imports the app; history, help, timer, export and demo load when first used."""
    modules = imported_after("import backtrack.tui.app")
    assert "backtrack.tui.app" in modules
    lazy = {
        "backtrack.tui.screens.history",
        "backtrack.tui.screens.help",
        "backtrack.tui.screens.timer",
        "backtrack.export",
        "backtrack.demo",
        "backtrack.store.backup",
    }
    assert not lazy & modules, sorted(lazy & modules)


def test_app_first_frame_loads_neither_the_store_nor_pydantic() -> None:
    """`backtrack` can draw today's drills before the store, the rules and pydantic load:
    the modules of the command line, the app, the Today screen and the first look import
    none of them."""
    modules = imported_after(
        "import backtrack.cli, backtrack.tui.app, backtrack.tui.screens.today, "
        "backtrack.store.glance"
    )
    heavy = {
        "pydantic",
        "sqlite_utils",
        "backtrack.models",
        "backtrack.store",
        "backtrack.store.migrations",
        "backtrack.rules",
        "backtrack.progression",
        # mounted after the first frame, or when first asked for
        "backtrack.tui.widgets.log_form",
        "backtrack.tui.screens.checkin",
        "backtrack.tui.screens.confirm",
    }
    assert not heavy & modules, sorted(heavy & modules)
