"""The domain never imports the UI, and light commands stay off heavy modules."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

STORE = [
    "backtrack.store",
    "backtrack.store.access",
    "backtrack.store.athletes",
    "backtrack.store.backup",
    "backtrack.store.bulk",
    "backtrack.store.connection",
    "backtrack.store.csv_io",
    "backtrack.store.formats",
    "backtrack.store.glance",
    "backtrack.store.history",
    "backtrack.store.log",
    "backtrack.store.migrations",
    "backtrack.store.plans",
    "backtrack.store.preferences",
    "backtrack.store.quick_log",
    "backtrack.store.report_reads",
    "backtrack.store.safety",
    "backtrack.store.schema_state",
    "backtrack.store.sets",
    "backtrack.store.sqlite_lib",
    "backtrack.store.values",
]
DOMAIN = [
    "backtrack.models",
    "backtrack.catalog",
    "backtrack.catalog_quick",
    "backtrack.rules",
    "backtrack.rules_steps",
    "backtrack.settings",
    "backtrack.red_flags",
    "backtrack.export",
    "backtrack.progression",
    "backtrack.units",
    "backtrack.clock",
    "backtrack.collector",
    "backtrack.paths",
    "backtrack.pins",
    "backtrack.durable",
    "backtrack.errors",
    "backtrack.text",
    "backtrack.demo",
    "backtrack.report",
    "backtrack.report.data",
    "backtrack.report.charts",
    "backtrack.report.html",
    *STORE,
]
PACKAGE = Path(__file__).resolve().parents[1] / "src" / "backtrack"
# The only places allowed to speak SQL.
SQL_HOME = PACKAGE / "store"


def imported_after(code: str) -> set[str]:
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


@pytest.mark.parametrize("module", DOMAIN)
def test_domain_module_does_not_import_textual(module: str) -> None:
    modules = imported_after(f"import {module}")
    assert module in modules
    assert not {m for m in modules if m == "textual" or m.startswith("textual.")}


def module_names(folder: Path) -> dict[str, Path]:
    """Every module under `folder` by dotted name (a package by its own name)."""
    names = {}
    for path in sorted(folder.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def test_every_module_outside_the_ui_is_checked() -> None:
    """A new module beside the domain ones must be added to DOMAIN (or be the CLI/UI)."""
    ui = ("backtrack.cli", "backtrack.tui")
    found = {
        name
        for name in module_names(PACKAGE)
        if name not in {"backtrack", "backtrack.__main__"}
        and not any(name == top or name.startswith(top + ".") for top in ui)
    }
    assert found == set(DOMAIN)


# -- only the store speaks SQL -------------------------------------------------------------

SQL_TEXT = re.compile(
    r"\b(SELECT\s[\s\S]*\bFROM\b|INSERT\s+(OR\s+\w+\s+)?INTO\b|UPDATE\s+\w+\s+SET\b"
    r"|DELETE\s+FROM\b|CREATE\s+(TEMP\s+|UNIQUE\s+)?(TABLE|INDEX)\b|DROP\s+(TABLE|INDEX)\b"
    r"|ALTER\s+TABLE\b|PRAGMA\s+\w+\s*[=(]|BEGIN\s+(IMMEDIATE|EXCLUSIVE)\b)"
)
SQL_CALLS = {"execute", "executemany", "executescript", "connect", "backup"}


def docstrings(tree: ast.AST) -> set[int]:
    """ids of the string nodes that are docstrings (words about SQL are fine)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def sql_spoken(path: Path) -> list[str]:
    """Where the module at `path` speaks SQL: imports sqlite_utils, opens a connection,
    runs a statement, or holds a string of SQL."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = docstrings(tree)
    where = []
    for node in ast.walk(tree):
        line = f"{path.relative_to(PACKAGE.parent)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names]
            if any(n.split(".")[0] == "sqlite_utils" for n in names):
                where.append(f"{line} imports sqlite_utils")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in SQL_CALLS:
                owner = ast.unparse(node.func.value)
                if node.func.attr != "connect" or owner == "sqlite3":
                    where.append(f"{line} calls {owner}.{node.func.attr}()")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skip
            and SQL_TEXT.search(node.value)
        ):
            where.append(f"{line} holds SQL: {node.value[:40]!r}")
    return where


def test_only_the_store_speaks_sql() -> None:
    """No module outside src/backtrack/store runs SQL, opens a connection or calls execute
    (catching sqlite3.Error as a last resort in the command line is allowed)."""
    spoken = [
        place
        for path in sorted(PACKAGE.rglob("*.py"))
        if SQL_HOME not in path.parents
        for place in sql_spoken(path)
    ]
    assert spoken == []


def test_the_sql_check_sees_sql() -> None:
    """The check itself: each kind of SQL it looks for is found in the store."""
    spoken = "\n".join(p for path in sorted(SQL_HOME.rglob("*.py")) for p in sql_spoken(path))
    for kind in ("imports sqlite_utils", "sqlite3.connect()", ".execute()", "holds SQL"):
        assert kind in spoken, kind


def test_cli_module_does_not_import_textual() -> None:
    modules = imported_after("import backtrack.cli")
    assert "textual" not in modules
    assert "matplotlib" not in modules


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
    assert not matplotlib_modules(modules), sorted(matplotlib_modules(modules))[:5]
    assert not serve_modules(modules), sorted(serve_modules(modules))[:5]


# What `backtrack log` must not load for an athlete and drill it has seen before: pydantic
# and the models (about 70 ms), sqlite-utils (about 35 ms) and what they bring, the full
# Store, the rules. Issue 17: the command is held to 4x `python -c "import click, sqlite3"`.
HEAVY_FOR_LOG = (
    "pydantic",
    "pydantic_core",
    "sqlite_utils",
    "numpy",
    "pandas",
    "dateutil",
    "backtrack.models",
    "backtrack.store.log",
    "backtrack.store.values",
    "backtrack.store.migrations",
    "backtrack.store.sqlite_lib",
    "backtrack.rules",
    "backtrack.progression",
    "textual",
    "matplotlib",
    # the other commands' modules (cli/__init__.py loads a command's module on first use)
    "backtrack.cli.access",
    "backtrack.cli.clinic",
    "backtrack.cli.maintenance",
    "backtrack.cli.report",
    "backtrack.cli.roster",
    "backtrack.cli.serve",
    "backtrack.cli.transfer",
)


def heavy_for_log(modules: set[str]) -> set[str]:
    return {m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY_FOR_LOG)}


@pytest.mark.parametrize(
    "extra",
    [
        [],
        ["--load", "22.5", "--unit", "lb", "--rpe", "7.5", "--pain", "2", "--rom", "2"],
        ["--rir", "2", "--at", "2026-11-25T08:15:03+01:00"],
    ],
    ids=["plain", "every-value", "rir-and-at"],
)
def test_log_loads_neither_pydantic_nor_sqlite_utils(extra, logged_db) -> None:
    """`backtrack log` of a known athlete and drill takes the quick path (store/quick_log.py):
    the set is written with sqlite3 alone, the catalog checked without pydantic."""
    args = ["log", "jefferson-curl", "--reps", "8", *extra, "--db", str(logged_db)]
    modules = modules_after_command(args)
    assert "backtrack.store.quick_log" in modules
    assert not heavy_for_log(modules), sorted(heavy_for_log(modules))[:8]
    two_sided = ["log", "half-kneeling-side-bend", "--reps", "6", "--side", "r"]
    modules = modules_after_command([*two_sided, "--db", str(logged_db)])
    assert not heavy_for_log(modules), sorted(heavy_for_log(modules))[:8]


def test_every_command_loads_by_the_name_it_is_listed_under() -> None:
    from backtrack.cli import COMMANDS, athletes, cli

    assert list(cli.commands) == list(COMMANDS)
    for name, command in cli.commands.items():
        assert command.name == name
    assert athletes is cli.commands["athletes"]


def test_log_takes_the_full_path_when_it_must(logged_db) -> None:
    """A note (free text, cleaned by the store) or a new athlete (created, with their plans,
    by the Store) goes the full way: the check above is not vacuous."""
    note = ["log", "jefferson-curl", "--reps", "8", "--note", "easy", "--db", str(logged_db)]
    assert "backtrack.models" in modules_after_command(note)
    new = ["log", "jefferson-curl", "--reps", "8", "--athlete", "Bo", "--db", str(logged_db)]
    assert "backtrack.models" in modules_after_command(new)


def serve_modules(modules: set[str]) -> set[str]:
    """textual-serve and aiohttp (the optional `serve` extra): only `backtrack serve`."""
    heavy = ("textual_serve", "aiohttp", "backtrack.cli.web")
    return {m for m in modules if any(m == h or m.startswith(h + ".") for h in heavy)}


def test_textual_serve_loads_only_when_serve_runs() -> None:
    """The command line, the app's start-up and the login screen never load textual-serve
    or aiohttp; `backtrack serve --help` does not either (only serving does)."""
    modules = imported_after(
        "import backtrack.cli, backtrack.cli.serve, backtrack.tui.app, backtrack.tui.screens.login"
    )
    assert not serve_modules(modules), sorted(serve_modules(modules))[:5]
    assert not serve_modules(modules_after_command(["serve", "--help"]))


def matplotlib_modules(modules: set[str]) -> set[str]:
    return {m for m in modules if m == "matplotlib" or m.startswith("matplotlib.")}


def test_the_report_loads_matplotlib_only_when_it_runs(logged_db, tmp_path) -> None:
    """`backtrack report` draws with matplotlib; importing the command line, the report
    package or its data module does not load it, and the report never loads Textual."""
    assert not matplotlib_modules(imported_after("import backtrack.cli, backtrack.report"))
    assert not matplotlib_modules(imported_after("import backtrack.report.data"))
    out = tmp_path / "report.html"
    modules = modules_after_command(["report", "-o", str(out), "--db", str(logged_db)])
    assert out.exists()
    assert "matplotlib.figure" in modules
    assert not {m for m in modules if m.startswith("matplotlib.pyplot")}
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
        "backtrack.report",
        "backtrack.store.backup",
        "backtrack.store.bulk",
    }
    assert not lazy & modules, sorted(lazy & modules)
    assert not matplotlib_modules(modules), sorted(matplotlib_modules(modules))[:5]


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
        "matplotlib",
        "backtrack.models",
        # the store package itself is light (its first-look module, glance, lives in it)
        "backtrack.store.log",
        "backtrack.store.connection",
        "backtrack.store.values",
        "backtrack.store.migrations",
        "backtrack.rules",
        "backtrack.progression",
        # mounted after the first frame, or when first asked for
        "backtrack.tui.widgets.log_form",
        "backtrack.tui.screens.checkin",
        "backtrack.tui.screens.confirm",
    }
    assert not heavy & modules, sorted(heavy & modules)


def test_store_package_is_light_and_its_reexports_resolve() -> None:
    """`backtrack.store` and its first-look module load neither sqlite-utils nor pydantic;
    every name it re-exports lazily is there."""
    modules = imported_after("import backtrack.store, backtrack.store.glance")
    assert not {"sqlite_utils", "pydantic", "backtrack.models"} & modules
    import backtrack.store as store

    for name in store.__all__:
        assert getattr(store, name) is not None, name
    assert store.Store.__module__ == "backtrack.store.log"


def test_opening_the_log_does_not_load_numpy() -> None:
    """sqlite-utils would import numpy (brought by matplotlib for the report) on every
    command that opens the log; store/sqlite_lib.py keeps it out."""
    modules = imported_after(
        "import sys, tempfile, pathlib\n"
        "from backtrack.catalog import load_catalog\n"
        "from backtrack.store import Store\n"
        "Store.open(pathlib.Path(tempfile.mkdtemp()) / 'log.db', load_catalog()).close()"
    )
    assert "sqlite_utils" in modules
    assert not {"numpy", "pandas"} & modules
