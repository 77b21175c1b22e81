"""The domain never imports the UI, and light commands stay off heavy modules."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

DOMAIN = [
    "backtrack.models",
    "backtrack.catalog",
    "backtrack.store",
    "backtrack.rules",
    "backtrack.export",
    "backtrack.progression",
    "backtrack.migrations",
    "backtrack.units",
    "backtrack.clock",
    "backtrack.paths",
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


def test_cli_module_does_not_import_textual() -> None:
    modules = imported_after("import backtrack.cli")
    assert "textual" not in modules


def test_package_init_imports_nothing_heavy() -> None:
    modules = imported_after("import backtrack")
    assert not {"textual", "sqlite_utils", "pydantic", "click"} & modules
