"""mypy is part of the suite, so a type error fails like a bug.

The settings live in pyproject.toml ([tool.mypy]: strict, over src/backtrack), so this test and a
plain `mypy` at the repo root check the same thing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
